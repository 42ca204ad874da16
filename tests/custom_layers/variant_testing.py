"""Float64 NumPy references of the LSTM variants, written from their papers' equations.

Each `*_step(x, states, weights)` takes one input `(batch, features)`, the
states and the layer's weights in the layer's order, and returns the new
states, h_t first. `run_sequence` runs a step over time with Keras' masking
rule: a masked step keeps the states and repeats the previous output.
"""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def lstm_step(x, states, weights):
    h, c = states
    kernel, recurrent_kernel, bias = weights
    z_i, z_f, z_c, z_o = np.split(x @ kernel + h @ recurrent_kernel + bias, 4, axis=-1)
    c = sigmoid(z_f) * c + sigmoid(z_i) * np.tanh(z_c)
    return [sigmoid(z_o) * np.tanh(c), c]


def peephole_step(x, states, weights):
    h, c_prev = states
    kernel, recurrent_kernel, bias, p_i, p_f, p_o = weights
    z_i, z_f, z_c, z_o = np.split(x @ kernel + h @ recurrent_kernel + bias, 4, axis=-1)
    c = sigmoid(z_f + p_f * c_prev) * c_prev + sigmoid(z_i + p_i * c_prev) * np.tanh(z_c)
    return [sigmoid(z_o + p_o * c) * np.tanh(c), c]


def coupled_step(x, states, weights):
    h, c = states
    kernel, recurrent_kernel, bias = weights
    z_f, z_c, z_o = np.split(x @ kernel + h @ recurrent_kernel + bias, 3, axis=-1)
    f = sigmoid(z_f)
    c = f * c + (1 - f) * np.tanh(z_c)
    return [sigmoid(z_o) * np.tanh(c), c]


def _layer_norm(v, gain, shift, epsilon=1e-3):
    return gain * (v - v.mean(-1, keepdims=True)) / np.sqrt(v.var(-1, keepdims=True) + epsilon) + shift


def layernorm_step(x, states, weights):
    h, c = states
    kernel, recurrent_kernel, bias, gain_x, shift_x, gain_h, shift_h, gain_c, shift_c = weights
    z = _layer_norm(x @ kernel, gain_x, shift_x) + _layer_norm(h @ recurrent_kernel, gain_h, shift_h) + bias
    z_i, z_f, z_c, z_o = np.split(z, 4, axis=-1)
    c = sigmoid(z_f) * c + sigmoid(z_i) * np.tanh(z_c)
    return [sigmoid(z_o) * np.tanh(_layer_norm(c, gain_c, shift_c)), c]


def slstm_step(x, states, weights):
    """The sLSTM with the stabiliser of the xLSTM paper (log-space forget gate)."""
    h, c, n, m = states
    kernel, recurrent_kernel, bias = weights
    z_i, z_f, z_c, z_o = np.split(x @ kernel + h @ recurrent_kernel + bias, 4, axis=-1)
    log_f = -np.logaddexp(0.0, -z_f)
    m_new = np.maximum(log_f + m, z_i)
    i, f = np.exp(z_i - m_new), np.exp(log_f + m - m_new)
    c = f * c + i * np.tanh(z_c)
    n = f * n + i
    return [sigmoid(z_o) * c / np.maximum(n, 1e-6), c, n, m_new]


def run_sequence(step, inputs, weights, states, mask=None):
    """`[sequence (batch, time, units), *last states]` of `step` over `inputs`, in float64."""
    inputs = np.float64(inputs)
    weights = [np.float64(w) for w in weights]
    states = [np.float64(s) for s in states]
    mask = np.ones(inputs.shape[:2], dtype=bool) if mask is None else mask
    outputs = [np.zeros_like(states[0])]
    for t in range(inputs.shape[1]):
        new = step(inputs[:, t], states, weights)
        keep = mask[:, t, None]
        states = [np.where(keep, a, b) for a, b in zip(new, states, strict=True)]
        outputs.append(np.where(keep, states[0], outputs[-1]))
    return [np.stack(outputs[1:], axis=1), *states]
