"""Bad arguments and bad inputs give a clear error that names the problem."""

import keras
import numpy as np
import pytest
from lstm_testing import BATCH, FEATURES, TIME, UNITS, random_inputs

from custom_layers import ExplicitLSTM, ExplicitLSTMCell


@pytest.mark.parametrize("layer_class", [ExplicitLSTM, ExplicitLSTMCell])
@pytest.mark.parametrize("units", [0, -1, 2.5, "8", None, True])
def test_units_must_be_a_positive_integer(layer_class, units):
    with pytest.raises(ValueError, match="units"):
        layer_class(units)


def test_numpy_integer_units_are_accepted_like_the_builtin():
    units = np.arange(8)[UNITS]  # as when units come from a NumPy grid of settings
    assert keras.layers.LSTM(units).get_config()["units"] == UNITS
    assert ExplicitLSTM(units).get_config()["units"] == UNITS


@pytest.mark.parametrize("argument", ["dropout", "recurrent_dropout"])
@pytest.mark.parametrize("value, clipped", [(1.5, 1.0), (-0.1, 0.0), (0.25, 0.25)])
def test_dropout_is_clipped_to_a_fraction_like_the_builtin(argument, value, clipped):
    builtin = keras.layers.LSTM(UNITS, **{argument: value})
    custom = ExplicitLSTM(UNITS, **{argument: value})
    assert getattr(custom, argument) == getattr(builtin, argument) == clipped
    assert custom.get_config()[argument] == builtin.get_config()[argument] == clipped


def test_use_cudnn_true_is_refused():
    with pytest.raises(ValueError, match="use_cudnn"):
        ExplicitLSTM(UNITS, use_cudnn=True)


@pytest.mark.parametrize("use_cudnn", ["auto", False])
def test_use_cudnn_auto_or_false_is_accepted(use_cudnn):
    assert ExplicitLSTM(UNITS, use_cudnn=use_cudnn).get_config()["use_cudnn"] == use_cudnn


@pytest.mark.parametrize("implementation", [0, 3])
def test_implementation_must_be_1_or_2(implementation):
    with pytest.raises(ValueError, match="implementation"):
        ExplicitLSTM(UNITS, implementation=implementation)


@pytest.mark.parametrize("shape", [(BATCH, FEATURES), (BATCH, TIME, FEATURES, 1)])
def test_inputs_must_be_3d(shape):
    with pytest.raises(ValueError, match="expected ndim=3"):
        ExplicitLSTM(UNITS)(np.zeros(shape, dtype="float32"))


def test_feature_size_must_be_the_one_the_layer_was_built_for():
    layer = ExplicitLSTM(UNITS)
    layer(random_inputs())
    with pytest.raises(ValueError, match=f"to have value {FEATURES}"):
        layer(random_inputs((BATCH, TIME, FEATURES + 1)))


def test_feature_size_is_checked_in_a_model():
    model = keras.Sequential([keras.Input((TIME, FEATURES)), ExplicitLSTM(UNITS)])
    with pytest.raises(ValueError, match=f"to have value {FEATURES}"):
        model(random_inputs((BATCH, TIME, FEATURES + 2)))


@pytest.mark.parametrize("mask_shape", [(BATCH, TIME + 1), (BATCH + 1, TIME), (BATCH,), (BATCH, TIME, 1)])
def test_mask_of_the_wrong_shape_is_refused(mask_shape):
    with pytest.raises(ValueError, match="mask"):
        ExplicitLSTM(UNITS)(random_inputs(), mask=np.ones(mask_shape, dtype=bool))
