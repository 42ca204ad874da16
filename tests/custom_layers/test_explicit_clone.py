"""`explicit_clone` makes every `keras.layers.LSTM` of a model explicit, with the same predictions."""

import keras
import numpy as np
import pytest
from lstm_testing import FEATURES, TIME, UNITS, assert_close, random_inputs, randomize_weights

from custom_layers import ExplicitLSTM, explicit_clone


def sequential_model():
    return keras.Sequential(
        [
            keras.Input((TIME, FEATURES)),
            keras.layers.Masking(0.0),
            keras.layers.LSTM(UNITS, return_sequences=True, go_backwards=True),
            keras.layers.LSTM(UNITS, dropout=0.3),  # stacked
            keras.layers.Dense(2),
        ]
    )


def functional_model():
    inputs = keras.Input((TIME, FEATURES))
    sequence = keras.layers.Bidirectional(keras.layers.LSTM(UNITS, return_sequences=True), merge_mode="sum")(
        inputs
    )
    last = keras.layers.LSTM(UNITS, unroll=True, name="summary")(sequence)
    return keras.Model(inputs, keras.layers.Dense(1)(keras.layers.concatenate([last, sequence[:, -1]])))


def lstm_layers(model):
    """Every LSTM-like layer of `model`, those inside `Bidirectional` included."""
    found = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.Bidirectional):
            found += [layer.forward_layer, layer.backward_layer]
        elif isinstance(layer, keras.layers.RNN):
            found.append(layer)
    return found


def predictions(model, inputs):
    return keras.ops.convert_to_numpy(model(inputs, training=False))


@pytest.mark.parametrize("make_model", [sequential_model, functional_model])
def test_every_lstm_is_replaced_with_the_same_predictions(make_model):
    model = make_model()
    randomize_weights(model)
    inputs = random_inputs()
    inputs[1, 4:] = 0.0  # masked steps in the Sequential model
    original_weights = model.get_weights()
    original_predictions = predictions(model, inputs)

    clone = explicit_clone(model)

    assert clone is not model
    assert [type(layer) for layer in lstm_layers(clone)] == [ExplicitLSTM] * len(lstm_layers(model))
    assert [type(layer) for layer in lstm_layers(model)] == [keras.layers.LSTM] * len(lstm_layers(model))
    for original, explicit in zip(lstm_layers(model), lstm_layers(clone), strict=True):
        explicit_config = explicit.get_config()
        assert {key: explicit_config[key] for key in original.get_config()} == original.get_config()
    assert_close(predictions(clone, inputs), original_predictions, 1e-5, "clone predictions")
    for before, after in zip(original_weights, model.get_weights(), strict=True):
        np.testing.assert_array_equal(before, after)
    assert_close(predictions(model, inputs), original_predictions, 0.0, "original predictions")


def test_clone_has_its_own_weights():
    model = sequential_model()
    clone = explicit_clone(model)
    clone.set_weights([weight + 1.0 for weight in clone.get_weights()])
    assert not np.allclose(clone.get_weights()[0], model.get_weights()[0])


def test_model_without_lstm_is_copied():
    model = keras.Sequential([keras.Input((FEATURES,)), keras.layers.Dense(3), keras.layers.Dense(1)])
    randomize_weights(model)
    clone = explicit_clone(model)
    assert clone is not model
    assert [type(layer) for layer in clone.layers] == [type(layer) for layer in model.layers]
    inputs = random_inputs((2, FEATURES))
    assert_close(predictions(clone, inputs), predictions(model, inputs), 0.0, "copy")


@pytest.mark.parametrize("not_a_model", [None, "model.keras", keras.layers.LSTM(UNITS)])
def test_not_a_model_is_refused(not_a_model):
    with pytest.raises(ValueError, match="model"):
        explicit_clone(not_a_model)


def test_adapted_normalization_keeps_its_statistics():
    data = np.random.default_rng(0).normal(5.0, 3.0, (16, TIME, FEATURES)).astype("float32")
    normalization = keras.layers.Normalization()
    normalization.adapt(data)
    model = keras.Sequential([keras.Input((TIME, FEATURES)), normalization, keras.layers.LSTM(UNITS)])
    clone = explicit_clone(model)
    assert_close(predictions(clone, data), predictions(model, data), 1e-5)
