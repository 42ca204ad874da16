"""One LSTM time step, every gate written out.

For an input x_t, the previous hidden state h_{t-1} and the previous cell state
C_{t-1}, with weights W (input kernel), U (recurrent kernel) and b (bias):

    f_t  = sigmoid(W_f x_t + U_f h_{t-1} + b_f)     forget gate
    i_t  = sigmoid(W_i x_t + U_i h_{t-1} + b_i)     input gate
    C~_t = tanh(W_c x_t + U_c h_{t-1} + b_c)        candidate
    o_t  = sigmoid(W_o x_t + U_o h_{t-1} + b_o)     output gate
    C_t  = f_t * C_{t-1} + i_t * C~_t               cell state: long-term memory
    h_t  = o_t * tanh(C_t)                          hidden state: output, short-term memory

The four gates share one (4 * units) wide weight block in Keras' order i, f, c, o.
The cell computes `W x_t + b` (with input dropout when training) and hands it to
the step as `x_projection`.
"""

from typing import NamedTuple

from keras import ops


class LSTMStep(NamedTuple):
    """Everything one step computes, each `(batch, units)`."""

    input_gate: object
    forget_gate: object
    candidate: object
    output_gate: object
    cell_state: object
    hidden_state: object


def lstm_step(
    x_projection,
    h_prev,
    c_prev,
    recurrent_kernel,
    activation=ops.tanh,
    recurrent_activation=ops.sigmoid,
    recurrent_masks=None,
):
    """Computes one LSTM time step.

    Args:
        x_projection: `W x_t + b`, shape `(batch, 4 * units)`.
        h_prev: h_{t-1}, shape `(batch, units)`.
        c_prev: C_{t-1}, shape `(batch, units)`.
        recurrent_kernel: U, shape `(units, 4 * units)`.
        activation: squashing function for the candidate and C_t (tanh).
        recurrent_activation: gate function, 0 closed .. 1 open (sigmoid).
        recurrent_masks: `None`, or four `(batch, units)` dropout masks applied
            to h_{t-1} before U_i, U_f, U_c and U_o (recurrent dropout).

    Returns:
        An `LSTMStep` with the four gates, C_t and h_t.
    """
    z = x_projection + recurrent_projection(h_prev, recurrent_kernel, recurrent_masks)
    z_i, z_f, z_c, z_o = ops.split(z, 4, axis=-1)  # each (batch, units)

    forget_gate = recurrent_activation(z_f)  # f_t: 1 keeps C_{t-1}, 0 erases it
    input_gate = recurrent_activation(z_i)  # i_t: how much of the candidate is written
    candidate = activation(z_c)  # C~_t: new content, squashed to -1..1
    output_gate = recurrent_activation(z_o)  # o_t: how much of the memory is shown
    c = forget_gate * c_prev + input_gate * candidate  # C_t: keep some, write some
    h = output_gate * activation(c)  # h_t: a filtered view of C_t
    return LSTMStep(input_gate, forget_gate, candidate, output_gate, c, h)


def recurrent_projection(h_prev, recurrent_kernel, recurrent_masks=None):
    """`U h_{t-1}` for all gates at once: `(batch, gates * units)`."""
    if recurrent_masks is None:
        return ops.matmul(h_prev, recurrent_kernel)
    # Recurrent dropout drops different units of h_{t-1} for each gate.
    kernels = ops.split(recurrent_kernel, len(recurrent_masks), axis=-1)
    return ops.concatenate(
        [ops.matmul(h_prev * mask, kernel) for mask, kernel in zip(recurrent_masks, kernels)],
        axis=-1,
    )


def hold_gates(step, c_prev, hold, activation=ops.tanh):
    """An `LSTMStep` whose f_t, i_t and o_t are held where `hold` says (see `intervention.intervene`).

    C_t and h_t are computed again from the held gates, by the same two
    equations as in `lstm_step`.
    """
    forget_gate = hold.held("forget_gate", step.forget_gate)
    input_gate = hold.held("input_gate", step.input_gate)
    output_gate = hold.held("output_gate", step.output_gate)
    c = forget_gate * c_prev + input_gate * step.candidate  # C_t, with the held gates
    h = output_gate * activation(c)  # h_t, with the held output gate
    return step._replace(forget_gate=forget_gate, input_gate=input_gate, output_gate=output_gate,
                         cell_state=c, hidden_state=h)
