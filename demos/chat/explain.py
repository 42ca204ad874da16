"""Which characters the gates react to: the encoder over the message, the decoder over the reply."""

import numpy as np
from keras import ops

from custom_layers import ExplicitLSTM, explicit_clone, plot_gate_trace, trace_gates
from datasets.dialogs import Vocabulary
from demos.chat.features import encode_prompt


def trace_conversation(writer, message, reply):
    """Gate traces of the encoder on `message` then of the decoder writing `reply`, joined in time.

    Returns:
        (trace, tick_labels, message_steps): the `trace_gates` dict with the
        message steps first, one label per step, and the number of message steps.
    """
    model = writer.model
    if not isinstance(model.get_layer("encoder"), ExplicitLSTM):
        model = explicit_clone(model)  # a built-in LSTM model: same weights, traceable layers
    embedding = model.get_layer("embedding")
    message_ids = np.array([encode_prompt(writer.vocabulary, message, writer.max_prompt_chars)], dtype="int32")
    reply_ids = np.array([[Vocabulary.START] + writer.vocabulary.encode(reply)], dtype="int32")
    message_inputs = embedding(message_ids)
    context = model.get_layer("encoder")(message_inputs)
    reply_inputs = ops.concatenate(
        [embedding(reply_ids), ops.repeat(ops.expand_dims(context, 1), reply_ids.shape[1], axis=1)], axis=-1
    )
    encoder_trace = trace_gates(model.get_layer("encoder"), ops.convert_to_numpy(message_inputs))
    decoder_trace = trace_gates(model.get_layer("decoder"), ops.convert_to_numpy(reply_inputs))
    trace = {name: np.concatenate([encoder_trace[name], decoder_trace[name]], axis=1) for name in encoder_trace}
    tick_labels = [writer.vocabulary.token(i) for i in np.concatenate([message_ids[0], reply_ids[0]])]
    return trace, tick_labels, message_ids.shape[1]


def plot_conversation(trace, tick_labels, message_steps, path, title):
    """Draws the joined trace with a top row marking the message and the reply."""
    steps = len(tick_labels)

    def header(axis):
        axis.axvspan(-0.5, message_steps - 0.5, color="tab:blue", alpha=0.2)
        axis.axvspan(message_steps - 0.5, steps - 0.5, color="tab:orange", alpha=0.2)
        axis.text(message_steps / 2 - 0.5, 0.5, "message: encoder", ha="center", va="center")
        axis.text((message_steps + steps) / 2 - 0.5, 0.5, "reply: decoder", ha="center", va="center")
        axis.set_ylim(0, 1)
        axis.set_yticks([])

    return plot_gate_trace(trace, path, tick_labels=tick_labels, title=title, header=header)
