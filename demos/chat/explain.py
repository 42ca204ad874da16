"""Which characters the gates react to: the encoder over the message, the decoder over the reply."""

import numpy as np

from custom_layers import plot_gate_trace
from datasets.dialogs import Vocabulary
from demos.chat.features import encode_prompt
from demos.common import trace_model_layer


def trace_conversation(writer, message, reply):
    """Gate traces of the encoder on `message` then of the decoder writing `reply`, joined in time.

    Both layers are fed by the model's own layers (embedding, context), so
    the trace is what the model computes when it reads the message and
    writes the reply. The message is traced as the encoder reads it:
    normalized (`writer.normalizer`), as in training.

    Returns:
        (trace, tick_labels, message_steps): the `trace_gates` dict with the
        message steps first, one label per step, and the number of message steps.
    """
    read = writer.normalizer(message)
    message_ids = np.array([encode_prompt(writer.vocabulary, read, writer.max_prompt_chars)], dtype="int32")
    reply_ids = np.array([[Vocabulary.START] + writer.vocabulary.encode(reply)], dtype="int32")
    encoder_trace = trace_model_layer(writer.model, "encoder", [message_ids, reply_ids])
    decoder_trace = trace_model_layer(writer.model, "decoder", [message_ids, reply_ids])
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
