"""The sLSTM cell of xLSTM (Beck et al. 2024): an exponential input gate, a normaliser, a stabiliser.

An exponential input gate can write a new memory far more strongly than a
sigmoid one, so the cell state is divided by a normaliser n_t that sums the
gates the same way. In log space, with a stabiliser m_t, nothing overflows:

    log f_t = log sigmoid(W_f x_t + U_f h_{t-1} + b_f)     forget gate, in log space
    i~_t = W_i x_t + U_i h_{t-1} + b_i                     input gate, in log space (i_t = exp(i~_t))
    m_t  = max(log f_t + m_{t-1}, i~_t)                     stabiliser: the largest log weight so far
    i'_t = exp(i~_t - m_t)                                  stabilised input gate, in (0, 1]
    f'_t = exp(log f_t + m_{t-1} - m_t)                     stabilised forget gate, in (0, 1]
    z_t  = tanh(W_c x_t + U_c h_{t-1} + b_c)                candidate (the paper's cell input)
    o_t  = sigmoid(W_o x_t + U_o h_{t-1} + b_o)             output gate
    C_t  = f'_t * C_{t-1} + i'_t * z_t                      cell state
    n_t  = f'_t * n_{t-1} + i'_t                            normaliser state: the sum of the weights
    h_t  = o_t * C_t / n_t                                  hidden state: a weighted mean of candidates

Dividing C_t and n_t by the same exp(m_t) leaves C_t / n_t unchanged, so the
stabilised cell computes what the exponential one means. C_t / n_t lies in
[-1, 1]; n_t is kept at 1e-6 or more, so the first step cannot divide 0 by 0.
"""

from typing import NamedTuple

import keras
from keras import ops

from custom_layers.explicit_lstm import PACKAGE, ExplicitLSTM, ExplicitLSTMCell
from custom_layers.lstm_step import recurrent_projection

NORMALIZER_FLOOR = 1e-6


class SLSTMStep(NamedTuple):
    """Everything one sLSTM step computes, each `(batch, units)`; gates stabilised."""

    input_gate: object
    forget_gate: object
    candidate: object
    output_gate: object
    cell_state: object
    normalizer_state: object
    stabilizer_state: object
    hidden_state: object


def slstm_step(x_projection, h_prev, c_prev, n_prev, m_prev, recurrent_kernel, activation=ops.tanh,
               recurrent_activation=ops.sigmoid, recurrent_masks=None):
    """One sLSTM step from `x_projection = W x_t + b`. Returns an `SLSTMStep`."""
    z = x_projection + recurrent_projection(h_prev, recurrent_kernel, recurrent_masks)
    z_i, z_f, z_c, z_o = ops.split(z, 4, axis=-1)
    log_forget = ops.log_sigmoid(z_f)  # log f_t
    m = ops.maximum(log_forget + m_prev, z_i)  # m_t: stabiliser
    input_gate = ops.exp(z_i - m)  # i'_t
    forget_gate = ops.exp(log_forget + m_prev - m)  # f'_t
    candidate = activation(z_c)  # z_t
    output_gate = recurrent_activation(z_o)  # o_t
    c = forget_gate * c_prev + input_gate * candidate  # C_t
    n = forget_gate * n_prev + input_gate  # n_t
    h = output_gate * c / ops.maximum(n, NORMALIZER_FLOOR)  # h_t = o_t * C_t / n_t
    return SLSTMStep(input_gate, forget_gate, candidate, output_gate, c, n, m, h)


@keras.saving.register_keras_serializable(package=PACKAGE)
class SLSTMCell(ExplicitLSTMCell):
    """Cell of `SLSTM`: `ExplicitLSTMCell`'s arguments; four states h, C, n, m."""

    STEP = SLSTMStep

    def __init__(self, units, **kwargs):
        super().__init__(units, **kwargs)
        self.state_size = [self.units] * 4  # h, C, n, m

    def step(self, x_projection, states, training=False):
        h_prev, c_prev, n_prev, m_prev = states
        return slstm_step(x_projection, h_prev, c_prev, n_prev, m_prev, self.recurrent_kernel, self.activation,
                          self.recurrent_activation, self.recurrent_masks(h_prev, training))

    def next_states(self, result):
        return [result.hidden_state, result.cell_state, result.normalizer_state, result.stabilizer_state]


@keras.saving.register_keras_serializable(package=PACKAGE)
class SLSTM(ExplicitLSTM):
    """The sLSTM layer of xLSTM: exponential input gate, normaliser and log-space stabiliser.

    Takes every argument of `ExplicitLSTM` (and so of `keras.layers.LSTM`),
    with the same defaults and meaning; `recurrent_activation` is the output
    gate's (the forget gate is a sigmoid taken in log space, the input gate an
    exponential). Its weights have the LSTM's shapes and block order i, f, c, o.

    Call arguments:
        inputs: A 3D tensor `(batch, time, features)`.
        mask: Optional boolean tensor `(batch, time)`.
        training: Python boolean, whether dropout applies.
        initial_state: Optional list `[h_0, C_0, n_0, m_0]`, each
            `(batch, units)`; zeros by default. With `return_state=True`
            the layer returns these four states after the output.

    Example:

    >>> layer = SLSTM(4, return_state=True)
    >>> output, h, c, n, m = layer(np.zeros((2, 5, 3)))
    >>> output.shape, n.shape
    ((2, 4), (2, 4))
    """

    cell_class = SLSTMCell
