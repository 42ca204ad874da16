"""Which characters the gates react to: the LSTM over a conversation and over the reply it wrote."""

from custom_layers import plot_gate_trace
from demos.chat.model import TRACED_LAYER
from demos.gates import trace_model_layer


def trace_conversation(writer, turns, reply):
    """The gate trace of the LSTM reading `turns` and then writing `reply`.

    The layer is fed by the model's own embedding, so the trace is what the
    model computes as it reads and writes.

    Returns:
        (trace, tick_labels, message_steps): the `trace_gates` dict, one label
        per step, and the number of steps before the reply.
    """
    inputs, ids, message_steps = writer.traced_inputs(turns, reply)
    trace = trace_model_layer(writer.model, TRACED_LAYER, inputs)
    return trace, [writer.vocabulary.token(i) for i in ids], message_steps


def plot_conversation(trace, tick_labels, message_steps, path, title):
    """Draws the trace with a top row marking the conversation read and the reply written."""
    steps = len(tick_labels)

    def header(axis):
        axis.axvspan(-0.5, message_steps - 0.5, color="tab:blue", alpha=0.2)
        axis.axvspan(message_steps - 0.5, steps - 0.5, color="tab:orange", alpha=0.2)
        if message_steps >= 12:
            axis.text(message_steps / 2 - 0.5, 0.5, "conversation: read", ha="center", va="center")
        else:  # a memory model's decoder: the encoder read the message, its reading comes in by the start step
            axis.text(-0.4, 0.5, "read", ha="left", va="center")
        axis.text((message_steps + steps) / 2 - 0.5, 0.5, "reply: written", ha="center", va="center")
        axis.set_ylim(0, 1)
        axis.set_yticks([])

    return plot_gate_trace(trace, path, tick_labels=tick_labels, title=title, header=header)
