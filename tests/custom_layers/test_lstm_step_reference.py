"""`lstm_step` and `ExplicitLSTM` against an independent float64 NumPy LSTM."""

import keras
import numpy as np
import pytest
from lstm_testing import BATCH, FEATURES, UNITS, assert_close, make_masks, random_inputs

from custom_layers import ExplicitLSTM, lstm_step

FLOAT32_TOLERANCE = 1e-5


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def reference_step(x, h_prev, c_prev, kernel, recurrent_kernel, bias, recurrent_masks=(1.0, 1.0, 1.0, 1.0)):
    """The LSTM equations in float64; weight columns in Keras' order i, f, c, o."""
    W_i, W_f, W_c, W_o = np.split(np.float64(kernel), 4, axis=1)
    U_i, U_f, U_c, U_o = np.split(np.float64(recurrent_kernel), 4, axis=1)
    b_i, b_f, b_c, b_o = np.split(np.float64(bias), 4)
    m_i, m_f, m_c, m_o = recurrent_masks
    f = sigmoid(x @ W_f + (h_prev * m_f) @ U_f + b_f)
    i = sigmoid(x @ W_i + (h_prev * m_i) @ U_i + b_i)
    candidate = np.tanh(x @ W_c + (h_prev * m_c) @ U_c + b_c)
    o = sigmoid(x @ W_o + (h_prev * m_o) @ U_o + b_o)
    c = f * c_prev + i * candidate
    h = o * np.tanh(c)
    return {
        "input_gate": i,
        "forget_gate": f,
        "candidate": candidate,
        "output_gate": o,
        "cell_state": c,
        "hidden_state": h,
    }


def reference_sequence(inputs, weights, h, c, mask=None):
    """Runs `reference_step` over time.

    A masked step keeps the states and repeats the previous output (zeros
    before the first step), as Keras' TensorFlow backend does.
    """
    inputs = np.float64(inputs)
    mask = np.ones(inputs.shape[:2], dtype=bool) if mask is None else mask
    outputs = [np.zeros_like(h)]
    for t in range(inputs.shape[1]):
        step = reference_step(inputs[:, t], h, c, *weights)
        keep = mask[:, t, None]
        h = np.where(keep, step["hidden_state"], h)
        c = np.where(keep, step["cell_state"], c)
        outputs.append(np.where(keep, h, outputs[-1]))
    return np.stack(outputs[1:], axis=1), h, c


def random_weights(seed=0):
    rng = np.random.default_rng(seed)
    shapes = [(FEATURES, 4 * UNITS), (UNITS, 4 * UNITS), (4 * UNITS,)]
    return [rng.normal(scale=0.5, size=shape).astype("float32") for shape in shapes]


def random_states(seed=1):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(BATCH, UNITS)).astype("float32") for _ in range(2)]


@pytest.mark.parametrize("with_recurrent_masks", [False, True])
def test_lstm_step_matches_the_equations(with_recurrent_masks):
    kernel, recurrent_kernel, bias = random_weights()
    x = random_inputs((BATCH, FEATURES))
    h_prev, c_prev = random_states()
    masks = [np.float32(np.random.default_rng(k).random((BATCH, UNITS)) < 0.7) for k in range(4)]
    step = lstm_step(
        x @ kernel + bias,
        h_prev,
        c_prev,
        recurrent_kernel,
        recurrent_masks=masks if with_recurrent_masks else None,
    )
    expected = reference_step(
        np.float64(x),
        np.float64(h_prev),
        np.float64(c_prev),
        kernel,
        recurrent_kernel,
        bias,
        *([masks] if with_recurrent_masks else []),
    )
    assert step._fields == tuple(expected)
    for name, value in step._asdict().items():
        assert keras.ops.convert_to_numpy(value).shape == (BATCH, UNITS)
        assert_close(value, expected[name], FLOAT32_TOLERANCE, name)


# A masked first step outputs zeros on TensorFlow and h_0 on JAX (Keras' own
# backends differ), so masks with masked first steps start from zero states.
@pytest.mark.parametrize(
    "mask_name, initial_state", [(None, "random"), ("right_padded", "random"), ("holes", "zeros")]
)
def test_layer_matches_the_equations(mask_name, initial_state):
    weights = random_weights(seed=2)
    initial_state = (
        random_states(seed=3) if initial_state == "random" else [np.zeros((BATCH, UNITS), "float32")] * 2
    )
    mask = None if mask_name is None else make_masks()[mask_name]
    layer = ExplicitLSTM(UNITS, return_sequences=True, return_state=True)
    inputs = random_inputs()
    layer.build(inputs.shape)
    layer.set_weights(weights)
    outputs = layer(inputs, initial_state=initial_state, mask=mask)
    expected = reference_sequence(inputs, weights, *map(np.float64, initial_state), mask=mask)
    for name, actual, wanted in zip(["sequence", "last h", "last C"], outputs, expected, strict=True):
        assert_close(actual, wanted, FLOAT32_TOLERANCE, name)


def test_reference_is_the_builtin_lstm():
    """The reference is checked against Keras too, masking included: it is the LSTM everyone means."""
    weights = random_weights(seed=4)
    layer = keras.layers.LSTM(UNITS, return_sequences=True)
    inputs = random_inputs()
    layer.build(inputs.shape)
    layer.set_weights(weights)
    mask = make_masks()["holes"]
    zeros = np.zeros((BATCH, UNITS))
    expected = reference_sequence(inputs, weights, zeros, zeros, mask=mask)[0]
    assert_close(layer(inputs, mask=mask), expected, FLOAT32_TOLERANCE, "builtin LSTM")
