"""`ExplicitLSTM` has the weights of `keras.layers.LSTM`: names, shapes, order, initialisation."""

import keras
import numpy as np
import pytest
from lstm_testing import BATCH, FEATURES, TIME, UNITS, random_inputs

from custom_layers import ExplicitLSTM


def built(layer_class, **config):
    layer = layer_class(UNITS, name="lstm", **config)
    layer.build((BATCH, TIME, FEATURES))
    return layer


def describe_weights(layer):
    return [(v.path, tuple(v.shape), v.trainable) for v in layer.weights]


@pytest.mark.parametrize("use_bias", [True, False])
def test_variables_have_the_builtin_names_shapes_and_order(use_bias):
    custom, builtin = (
        built(layer_class, use_bias=use_bias) for layer_class in (ExplicitLSTM, keras.layers.LSTM)
    )
    assert describe_weights(custom) == describe_weights(builtin)
    expected = [("kernel", (FEATURES, 4 * UNITS)), ("recurrent_kernel", (UNITS, 4 * UNITS))]
    expected += [("bias", (4 * UNITS,))] if use_bias else []
    assert [(v.name, tuple(v.shape)) for v in custom.weights] == expected


@pytest.mark.parametrize("bias_initializer", ["zeros", "ones", "random_normal"])
def test_unit_forget_bias_sets_the_forget_block_to_one(bias_initializer):
    layer = built(ExplicitLSTM, bias_initializer=keras.initializers.get(bias_initializer))
    bias_i, bias_f, bias_c, bias_o = np.split(keras.ops.convert_to_numpy(layer.cell.bias), 4)
    np.testing.assert_array_equal(bias_f, np.ones(UNITS))
    if bias_initializer != "ones":
        assert not np.any(np.concatenate([bias_i, bias_c, bias_o]) == 1.0)


def test_without_unit_forget_bias_the_bias_is_the_initializer():
    layer = built(ExplicitLSTM, unit_forget_bias=False)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer.cell.bias), np.zeros(4 * UNITS))


def test_seeded_initializers_give_the_builtin_weights():
    config = {
        "kernel_initializer": keras.initializers.GlorotUniform(seed=1),
        "recurrent_initializer": keras.initializers.Orthogonal(seed=2),
        "bias_initializer": keras.initializers.RandomNormal(seed=3),
    }
    custom, builtin = (built(layer_class, **config) for layer_class in (ExplicitLSTM, keras.layers.LSTM))
    for custom_weight, builtin_weight in zip(custom.get_weights(), builtin.get_weights(), strict=True):
        np.testing.assert_array_equal(custom_weight, builtin_weight)


def test_regularizers_give_the_builtin_losses():
    config = {
        "kernel_regularizer": "l2",
        "recurrent_regularizer": "l1",
        "bias_regularizer": keras.regularizers.L1L2(0.01, 0.02),
    }
    config.update(activity_regularizer="l2", return_sequences=True)
    custom, builtin = (built(layer_class, **config) for layer_class in (ExplicitLSTM, keras.layers.LSTM))
    custom.set_weights(builtin.get_weights())
    inputs = random_inputs()
    custom(inputs)
    builtin(inputs)
    custom_losses, builtin_losses = (keras.ops.convert_to_numpy(layer.losses) for layer in (custom, builtin))
    assert len(custom_losses) == len(builtin_losses) == 4
    np.testing.assert_allclose(custom_losses, builtin_losses, rtol=1e-6)


def test_constraints_apply_after_each_update():
    layer = built(
        ExplicitLSTM, kernel_constraint="non_neg", recurrent_constraint="non_neg", bias_constraint="non_neg"
    )
    variables = layer.trainable_variables
    keras.optimizers.SGD(1.0).apply([keras.ops.ones(v.shape) for v in variables], variables)
    for variable in variables:
        values = keras.ops.convert_to_numpy(variable)
        assert values.min() == 0.0, f"{variable.name} was not clipped to >= 0"


def test_not_trainable_like_the_builtin():
    custom, builtin = (
        built(layer_class, trainable=False) for layer_class in (ExplicitLSTM, keras.layers.LSTM)
    )
    assert custom.trainable_weights == [] == builtin.trainable_weights
    assert len(custom.non_trainable_weights) == len(builtin.non_trainable_weights) == 3
