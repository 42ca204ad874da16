"""The coupled input and forget gate LSTM ("CIFG", Greff et al. 2017): what is forgotten is what is written.

Three weight blocks instead of four, in the order f, c, o (a quarter fewer
parameters); the input gate is no longer learnt on its own:

    f_t  = sigmoid(W_f x_t + U_f h_{t-1} + b_f)     forget gate
    i_t  = 1 - f_t                                  input gate: coupled to the forget gate
    C~_t = tanh(W_c x_t + U_c h_{t-1} + b_c)        candidate
    o_t  = sigmoid(W_o x_t + U_o h_{t-1} + b_o)     output gate
    C_t  = f_t * C_{t-1} + i_t * C~_t               cell state: a running average of candidates
    h_t  = o_t * tanh(C_t)                          hidden state
"""

import keras
from keras import ops

from custom_layers.explicit_lstm import PACKAGE, ExplicitLSTM, ExplicitLSTMCell
from custom_layers.lstm_step import LSTMStep, recurrent_projection


def coupled_lstm_step(x_projection, h_prev, c_prev, recurrent_kernel, activation=ops.tanh,
                      recurrent_activation=ops.sigmoid, recurrent_masks=None):
    """One CIFG step from `x_projection = W x_t + b` of width `3 * units`. Returns an `LSTMStep`."""
    z = x_projection + recurrent_projection(h_prev, recurrent_kernel, recurrent_masks)
    z_f, z_c, z_o = ops.split(z, 3, axis=-1)
    forget_gate = recurrent_activation(z_f)  # f_t
    input_gate = 1.0 - forget_gate  # i_t = 1 - f_t
    candidate = activation(z_c)  # C~_t
    output_gate = recurrent_activation(z_o)  # o_t
    c = forget_gate * c_prev + input_gate * candidate  # C_t
    h = output_gate * activation(c)  # h_t
    return LSTMStep(input_gate, forget_gate, candidate, output_gate, c, h)


@keras.saving.register_keras_serializable(package=PACKAGE)
class CoupledLSTMCell(ExplicitLSTMCell):
    """Cell of `CoupledLSTM`: `ExplicitLSTMCell`'s arguments; weight blocks f, c, o."""

    GATES = "fco"

    def step(self, x_projection, states, training=False):
        h_prev, c_prev = states
        return coupled_lstm_step(x_projection, h_prev, c_prev, self.recurrent_kernel, self.activation,
                                 self.recurrent_activation, self.recurrent_masks(h_prev, training))


@keras.saving.register_keras_serializable(package=PACKAGE)
class CoupledLSTM(ExplicitLSTM):
    """LSTM layer with coupled input and forget gates: i_t = 1 - f_t.

    Takes every argument of `ExplicitLSTM` (and so of `keras.layers.LSTM`),
    with the same defaults and meaning. Its kernels hold three gate blocks,
    f, c, o: `kernel` is `(features, 3 * units)`, `recurrent_kernel`
    `(units, 3 * units)`, `bias` `(3 * units,)`.

    Call arguments:
        As `ExplicitLSTM`: `inputs` `(batch, time, features)`, `mask`
        `(batch, time)`, `training`, `initial_state` `[h_0, C_0]`.

    Example:

    >>> layer = CoupledLSTM(4)
    >>> layer(np.zeros((2, 5, 3))).shape
    (2, 4)
    """

    cell_class = CoupledLSTMCell
