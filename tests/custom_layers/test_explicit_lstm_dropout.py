"""Dropout in training mode: random, seeded, shaped right, and off in inference."""

import keras
import numpy as np
import pytest
from lstm_testing import BATCH, TIME, UNITS, assert_close, random_inputs, randomize_weights

from custom_layers import ExplicitLSTM


def seeded_layer(**config):
    layer = ExplicitLSTM(UNITS, return_sequences=True, seed=3, **config)
    layer.build(random_inputs().shape)
    randomize_weights(layer)
    return layer


@pytest.mark.parametrize(
    "dropout, recurrent_dropout, implementation", [(0.5, 0.0, 2), (0.5, 0.0, 1), (0.0, 0.5, 2), (0.3, 0.3, 2)]
)
def test_training_dropout_is_random_and_inference_is_not(dropout, recurrent_dropout, implementation):
    layer = seeded_layer(dropout=dropout, recurrent_dropout=recurrent_dropout, implementation=implementation)
    inputs = random_inputs()
    inference = keras.ops.convert_to_numpy(layer(inputs, training=False))
    first, second = (keras.ops.convert_to_numpy(layer(inputs, training=True)) for _ in range(2))
    assert first.shape == second.shape == (BATCH, TIME, UNITS)
    assert np.all(np.isfinite(first))
    assert not np.allclose(first, inference), "training output must differ from inference"
    assert not np.allclose(first, second), "each training call draws new dropout masks"
    assert_close(layer(inputs, training=False), inference, 0.0, "inference is deterministic")


def test_same_seed_same_dropout():
    first_layer, second_layer = (seeded_layer(dropout=0.4, recurrent_dropout=0.4) for _ in range(2))
    inputs = random_inputs()
    assert_close(
        first_layer(inputs, training=True), second_layer(inputs, training=True), 0.0, "seeded dropout"
    )


def test_no_dropout_trains_like_inference():
    layer = seeded_layer()
    inputs = random_inputs()
    assert_close(layer(inputs, training=True), layer(inputs, training=False), 0.0, "training without dropout")


@pytest.mark.parametrize("implementation", [1, 2])
def test_input_dropout_mask_is_the_same_at_every_step(implementation):
    """As in Keras, one mask per sequence: with constant inputs and no memory, h_t is constant."""
    layer = seeded_layer(dropout=0.5, implementation=implementation)
    kernel, _, bias = layer.get_weights()
    kernel[:, UNITS : 2 * UNITS] = 0.0
    bias[UNITS : 2 * UNITS] = -100.0  # forget gate shut: C_t depends on x_t only
    layer.set_weights([kernel, np.zeros((UNITS, 4 * UNITS), "float32"), bias])  # no h_{t-1} either
    inputs = np.ones((BATCH, TIME, kernel.shape[0]), "float32")
    outputs = keras.ops.convert_to_numpy(layer(inputs, training=True))
    assert_close(outputs, np.repeat(outputs[:, :1], TIME, axis=1), 1e-6, "h_t over time")
    assert not np.allclose(outputs, keras.ops.convert_to_numpy(layer(inputs, training=False)))
