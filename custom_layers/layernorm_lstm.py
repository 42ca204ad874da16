"""The layer-normalised LSTM (Ba, Kiros & Hinton 2016): every sum is normalised before it is squashed.

LN(v) = gain * (v - mean(v)) / sqrt(var(v) + epsilon) + shift, over the units
of one sample. The input and the recurrent products are normalised apart,
each with its own gain and shift, and so is the cell state before its tanh:

    z    = LN_x(W x_t) + LN_h(U h_{t-1}) + b      all four gates' sums, (batch, 4 * units)
    i_t  = sigmoid(z_i)                           input gate
    f_t  = sigmoid(z_f)                           forget gate
    C~_t = tanh(z_c)                              candidate
    o_t  = sigmoid(z_o)                           output gate
    C_t  = f_t * C_{t-1} + i_t * C~_t             cell state (kept as it is)
    h_t  = o_t * tanh(LN_c(C_t))                  hidden state, from the normalised memory
"""

import keras
from keras import ops

from custom_layers.explicit_lstm import PACKAGE, ExplicitLSTM, ExplicitLSTMCell
from custom_layers.lstm_step import LSTMStep, recurrent_projection


def layer_norm(values, gain, shift, epsilon):
    """Normalises `values` `(batch, n)` over its last axis, then scales by `gain` and adds `shift`."""
    centred = values - ops.mean(values, axis=-1, keepdims=True)
    variance = ops.mean(ops.square(centred), axis=-1, keepdims=True)
    return gain * centred * ops.rsqrt(variance + epsilon) + shift


def layernorm_lstm_step(x_product, h_prev, c_prev, recurrent_kernel, bias, norms, epsilon=1e-3,
                        activation=ops.tanh, recurrent_activation=ops.sigmoid, recurrent_masks=None):
    """One step from `x_product = W x_t` (no bias); `norms` = (gain, shift) of x, of h and of C."""
    (gain_x, shift_x), (gain_h, shift_h), (gain_c, shift_c) = norms
    z = layer_norm(x_product, gain_x, shift_x, epsilon) + layer_norm(
        recurrent_projection(h_prev, recurrent_kernel, recurrent_masks), gain_h, shift_h, epsilon
    )
    z = z if bias is None else z + bias
    z_i, z_f, z_c, z_o = ops.split(z, 4, axis=-1)
    input_gate = recurrent_activation(z_i)  # i_t
    forget_gate = recurrent_activation(z_f)  # f_t
    candidate = activation(z_c)  # C~_t
    output_gate = recurrent_activation(z_o)  # o_t
    c = forget_gate * c_prev + input_gate * candidate  # C_t
    h = output_gate * activation(layer_norm(c, gain_c, shift_c, epsilon))  # h_t = o_t * tanh(LN(C_t))
    return LSTMStep(input_gate, forget_gate, candidate, output_gate, c, h)


@keras.saving.register_keras_serializable(package=PACKAGE)
class LayerNormLSTMCell(ExplicitLSTMCell):
    """Cell of `LayerNormLSTM`: `ExplicitLSTMCell`'s arguments, plus `norm_epsilon` (default 1e-3)."""

    EXTRA_ARGUMENTS = ("norm_epsilon",)

    def __init__(self, units, norm_epsilon=1e-3, **kwargs):
        super().__init__(units, **kwargs)
        if not norm_epsilon > 0:
            raise ValueError(f"`norm_epsilon` must be above 0, got norm_epsilon={norm_epsilon!r}.")
        self.norm_epsilon = float(norm_epsilon)

    def build_extra(self, input_dim):
        self.norms = [
            tuple(
                self.add_weight(shape=(width,), name=f"norm_{part}_{kind}", initializer=initializer)
                for kind, initializer in (("gain", "ones"), ("shift", "zeros"))
            )
            for part, width in (("input", 4 * self.units), ("recurrent", 4 * self.units), ("cell", self.units))
        ]

    def project_inputs(self, inputs, training=False, use_bias=False):
        """`W x_t` without the bias: the bias is added after the normalisation."""
        return super().project_inputs(inputs, training, use_bias=False)

    def step(self, x_projection, states, training=False):
        h_prev, c_prev = states
        return layernorm_lstm_step(x_projection, h_prev, c_prev, self.recurrent_kernel, self.bias, self.norms,
                                   self.norm_epsilon, self.activation, self.recurrent_activation,
                                   self.recurrent_masks(h_prev, training))

    def extra_config(self):
        return {"norm_epsilon": self.norm_epsilon}


@keras.saving.register_keras_serializable(package=PACKAGE)
class LayerNormLSTM(ExplicitLSTM):
    """LSTM layer with layer normalisation of W x_t, of U h_{t-1} and of C_t before its tanh.

    Takes every argument of `ExplicitLSTM` (and so of `keras.layers.LSTM`),
    with the same defaults and meaning, plus:

    Args:
        norm_epsilon: Small number added to each variance. Default: `1e-3`.

    Its extra weights, `norm_{input,recurrent,cell}_{gain,shift}`, start at
    gains of 1 and shifts of 0.

    Call arguments:
        As `ExplicitLSTM`: `inputs` `(batch, time, features)`, `mask`
        `(batch, time)`, `training`, `initial_state` `[h_0, C_0]`.

    Example:

    >>> layer = LayerNormLSTM(4)
    >>> layer(np.zeros((2, 5, 3))).shape
    (2, 4)
    """

    cell_class = LayerNormLSTMCell
