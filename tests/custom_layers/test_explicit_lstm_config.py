"""`ExplicitLSTM` and its cell take the built-in's arguments and round-trip their config."""

import inspect

import keras
import numpy as np
import pytest
from lstm_testing import UNITS, assert_close, random_inputs, randomize_weights

from custom_layers import ExplicitLSTM, ExplicitLSTMCell

NON_DEFAULT_CONFIG = {
    "activation": "relu",
    "recurrent_activation": "hard_sigmoid",
    "use_bias": True,
    "kernel_initializer": "he_normal",
    "unit_forget_bias": False,
    "kernel_regularizer": "l2",
    "recurrent_constraint": "non_neg",
    "dropout": 0.25,
    "recurrent_dropout": 0.1,
    "seed": 7,
    "return_sequences": True,
    "return_state": True,
    "go_backwards": True,
    "unroll": True,
    "zero_output_for_mask": True,
    "name": "encoder",
}


@pytest.mark.parametrize(
    "custom_class, builtin_class",
    [(ExplicitLSTM, keras.layers.LSTM), (ExplicitLSTMCell, keras.layers.LSTMCell)],
)
def test_constructor_has_every_builtin_parameter_with_its_default(custom_class, builtin_class):
    custom = inspect.signature(custom_class.__init__).parameters
    builtin = inspect.signature(builtin_class.__init__).parameters
    missing = set(builtin) - set(custom)
    assert not missing, f"{custom_class.__name__} lacks {sorted(missing)}"
    for name, parameter in builtin.items():
        assert custom[name].default == parameter.default, f"default of {name!r}"
        assert custom[name].kind == parameter.kind, f"kind of {name!r}"


@pytest.mark.parametrize("config", [{}, NON_DEFAULT_CONFIG], ids=["defaults", "non_defaults"])
def test_config_contains_the_builtin_config(config):
    custom = ExplicitLSTM(UNITS, **config).get_config()
    builtin = keras.layers.LSTM(UNITS, **config).get_config()
    missing = set(builtin) - set(custom)
    assert not missing, f"ExplicitLSTM.get_config() lacks {sorted(missing)}"
    for key, value in builtin.items():
        if key == "name" and "name" not in config:
            continue  # generated from the class name
        assert custom[key] == value, f"{key}: {custom[key]!r} != {value!r}"


def test_cell_config_contains_the_builtin_cell_config():
    config = {"dropout": 0.5, "seed": 3, "implementation": 1, "name": "cell"}
    custom = ExplicitLSTMCell(UNITS, **config).get_config()
    builtin = keras.layers.LSTMCell(UNITS, **config).get_config()
    assert {key: custom[key] for key in builtin} == builtin


@pytest.mark.parametrize(
    "implementation, recurrent_dropout, expected", [(1, 0.0, 1), (2, 0.0, 2), (2, 0.3, 1)]
)
def test_implementation_is_kept_like_the_builtin(implementation, recurrent_dropout, expected):
    layer = ExplicitLSTM(UNITS, implementation=implementation, recurrent_dropout=recurrent_dropout)
    builtin = keras.layers.LSTM(UNITS, implementation=implementation, recurrent_dropout=recurrent_dropout)
    assert layer.cell.implementation == builtin.cell.implementation == expected
    assert ExplicitLSTM.from_config(layer.get_config()).cell.implementation == expected


def test_from_config_round_trip_gives_the_same_layer():
    layer = ExplicitLSTM(UNITS, **NON_DEFAULT_CONFIG)
    config = layer.get_config()
    clone = ExplicitLSTM.from_config(config)
    assert type(clone) is ExplicitLSTM
    assert clone.get_config() == config
    inputs = random_inputs()
    layer.build(inputs.shape)
    clone.build(inputs.shape)
    randomize_weights(layer)
    clone.set_weights(layer.get_weights())
    for actual, expected in zip(clone(inputs), layer(inputs), strict=True):
        assert_close(actual, expected, 0.0, "clone output")


def test_serialize_and_deserialize_by_registered_name():
    layer = ExplicitLSTM(UNITS, return_sequences=True)
    assert keras.saving.get_registered_name(ExplicitLSTM) == "lstm_lab>ExplicitLSTM"
    assert keras.saving.get_registered_name(ExplicitLSTMCell) == "lstm_lab>ExplicitLSTMCell"
    restored = keras.layers.deserialize(keras.layers.serialize(layer))
    assert type(restored) is ExplicitLSTM
    assert restored.get_config() == layer.get_config()


def test_properties_read_the_cell():
    layer = ExplicitLSTM(UNITS, activation="relu", dropout=0.5, unit_forget_bias=False)
    assert layer.units == UNITS
    assert layer.activation is keras.activations.relu
    assert layer.dropout == 0.5
    assert layer.unit_forget_bias is False
    assert np.isclose(layer.recurrent_dropout, 0.0)
