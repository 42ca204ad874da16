"""The peephole LSTM (Gers, Schraudolph & Schmidhuber 2002): the gates also look at the cell state.

With peephole weight vectors p_i, p_f, p_o (one number per unit):

    i_t  = sigmoid(W_i x_t + U_i h_{t-1} + p_i * C_{t-1} + b_i)    input gate sees the old memory
    f_t  = sigmoid(W_f x_t + U_f h_{t-1} + p_f * C_{t-1} + b_f)    forget gate sees the old memory
    C~_t = tanh(W_c x_t + U_c h_{t-1} + b_c)                        candidate
    C_t  = f_t * C_{t-1} + i_t * C~_t                               cell state
    o_t  = sigmoid(W_o x_t + U_o h_{t-1} + p_o * C_t + b_o)         output gate sees the new memory
    h_t  = o_t * tanh(C_t)                                          hidden state

With p_i = p_f = p_o = 0 it is exactly the LSTM of `lstm_step`.
"""

import keras
from keras import initializers, ops

from custom_layers.explicit_lstm import PACKAGE, ExplicitLSTM, ExplicitLSTMCell
from custom_layers.lstm_step import LSTMStep, recurrent_projection


def peephole_lstm_step(x_projection, h_prev, c_prev, recurrent_kernel, peepholes, activation=ops.tanh,
                       recurrent_activation=ops.sigmoid, recurrent_masks=None):
    """One peephole LSTM step; `peepholes` = (p_i, p_f, p_o), each `(units,)`. Returns an `LSTMStep`."""
    z = x_projection + recurrent_projection(h_prev, recurrent_kernel, recurrent_masks)
    z_i, z_f, z_c, z_o = ops.split(z, 4, axis=-1)
    p_i, p_f, p_o = peepholes
    input_gate = recurrent_activation(z_i + p_i * c_prev)  # i_t: also sees C_{t-1}
    forget_gate = recurrent_activation(z_f + p_f * c_prev)  # f_t: also sees C_{t-1}
    candidate = activation(z_c)  # C~_t
    c = forget_gate * c_prev + input_gate * candidate  # C_t
    output_gate = recurrent_activation(z_o + p_o * c)  # o_t: sees the new C_t
    h = output_gate * activation(c)  # h_t
    return LSTMStep(input_gate, forget_gate, candidate, output_gate, c, h)


@keras.saving.register_keras_serializable(package=PACKAGE)
class PeepholeLSTMCell(ExplicitLSTMCell):
    """Cell of `PeepholeLSTM`: `ExplicitLSTMCell`'s arguments, plus `peephole_initializer` (default "zeros")."""

    EXTRA_ARGUMENTS = ("peephole_initializer",)

    def __init__(self, units, peephole_initializer="zeros", **kwargs):
        super().__init__(units, **kwargs)
        self.peephole_initializer = initializers.get(peephole_initializer)

    def build_extra(self, input_dim):
        self.peepholes = [
            self.add_weight(shape=(self.units,), name=f"peephole_{gate}", initializer=self.peephole_initializer)
            for gate in ("input", "forget", "output")
        ]

    def step(self, x_projection, states, training=False):
        h_prev, c_prev = states
        return peephole_lstm_step(x_projection, h_prev, c_prev, self.recurrent_kernel, self.peepholes,
                                  self.activation, self.recurrent_activation, self.recurrent_masks(h_prev, training))

    def extra_config(self):
        return {"peephole_initializer": initializers.serialize(self.peephole_initializer)}


@keras.saving.register_keras_serializable(package=PACKAGE)
class PeepholeLSTM(ExplicitLSTM):
    """LSTM layer whose input and forget gates see C_{t-1} and whose output gate sees C_t.

    Takes every argument of `ExplicitLSTM` (and so of `keras.layers.LSTM`),
    with the same defaults and meaning, plus:

    Args:
        peephole_initializer: Initializer of the three peephole weight
            vectors `peephole_input`, `peephole_forget`, `peephole_output`
            (each `(units,)`). Default: `"zeros"`, so the layer starts as the
            plain LSTM and training grows the peepholes.

    Call arguments:
        As `ExplicitLSTM`: `inputs` `(batch, time, features)`, `mask`
        `(batch, time)`, `training`, `initial_state` `[h_0, C_0]`.

    Example:

    >>> layer = PeepholeLSTM(4, return_sequences=True)
    >>> layer(np.zeros((2, 5, 3))).shape
    (2, 5, 4)
    """

    cell_class = PeepholeLSTMCell
