"""The chat model: a character encoder-decoder built from two LSTMs.

The encoder reads the message; its last hidden state, the context, is fed to
the decoder at every step next to the previous reply character, so each
character of the reply is conditioned on the whole message directly.
"""

import keras
from keras import layers, ops

from demos.layers import lstm_class


@keras.saving.register_keras_serializable(package="chat")
class RepeatOverTime(layers.Layer):
    """`[vector (batch, features), sequence (batch, time, ...)]` -> the vector at every step."""

    def call(self, inputs):
        vector, sequence = inputs
        return ops.repeat(ops.expand_dims(vector, 1), ops.shape(sequence)[1], axis=1)

    def compute_output_shape(self, input_shape):
        vector_shape, sequence_shape = input_shape
        return (vector_shape[0], sequence_shape[1], vector_shape[-1])


def build_model(vocabulary_size, settings):
    """Inputs `prompt` and `reply_input` (ids, 0 = padding); output: next-character logits."""
    lstm = lstm_class(settings.layer, max_timescale=settings.max_reply_chars)
    prompt = keras.Input((None,), dtype="int32", name="prompt")
    reply_input = keras.Input((None,), dtype="int32", name="reply_input")
    embedding = layers.Embedding(vocabulary_size, settings.embedding_dim, mask_zero=True, name="embedding")
    context = lstm(settings.units, name="encoder")(embedding(prompt))
    decoder_inputs = layers.Concatenate(name="character_and_context")(
        [embedding(reply_input), RepeatOverTime(name="context_per_step")([context, reply_input])]
    )
    decoder_inputs = layers.Dropout(settings.dropout, name="input_dropout")(decoder_inputs)
    decoded = lstm(settings.units, return_sequences=True, name="decoder")(decoder_inputs)
    decoded = layers.Dropout(settings.dropout, name="output_dropout")(decoded)
    logits = layers.Dense(vocabulary_size, name="next_character")(decoded)
    return keras.Model([prompt, reply_input], logits, name="chat")


@keras.saving.register_keras_serializable(package="chat")
class SmoothedCrossentropy(keras.losses.Loss):
    """Cross-entropy of integer targets against logits, with label smoothing.

    Id 0 (padding) costs nothing; the batch loss is the mean over the
    characters of weight 1 (`features.pair_batches` gives padding weight 0).

    The target gets `1 - smoothing` of the probability and every id an equal
    share of `smoothing`: the model is never pushed to certainty, which keeps
    it from betting everything on a memorized character.
    """

    def __init__(self, smoothing=0.0, name="smoothed_crossentropy", reduction="mean_with_sample_weight", **kwargs):
        super().__init__(name=name, reduction=reduction, **kwargs)
        self.smoothing = smoothing

    def call(self, targets, logits):
        log_probabilities = ops.log_softmax(logits, axis=-1)
        targets = ops.cast(targets, "int32")
        picked = ops.take_along_axis(log_probabilities, ops.expand_dims(targets, -1), axis=-1)[..., 0]
        loss = -(1.0 - self.smoothing) * picked - self.smoothing * ops.mean(log_probabilities, axis=-1)
        return loss * ops.cast(targets != 0, loss.dtype)

    def get_config(self):
        return {**super().get_config(), "smoothing": self.smoothing}


def compile_model(model, settings, steps):
    """AdamW with a cosine learning-rate decay over `steps`; loss on reply characters only."""
    schedule = keras.optimizers.schedules.CosineDecay(settings.learning_rate, decay_steps=steps, alpha=0.02)
    model.compile(
        optimizer=keras.optimizers.AdamW(schedule, weight_decay=settings.weight_decay, clipnorm=1.0),
        loss=SmoothedCrossentropy(settings.label_smoothing),
    )


def build_encoder_model(model):
    """The encoder alone: message ids -> context `(batch, units)`, sharing the trained weights."""
    return keras.Model(model.inputs[0], model.get_layer("encoder").output, name="chat_encoder")


def build_step_model(model):
    """The decoder as one step, sharing the trained weights.

    Inputs: the previous character `(batch, 1)`, the context and the
    decoder's states (`h`, `C`, and the sLSTM's `n`, `m`; each
    `(batch, units)`); outputs: next-character logits and the new states.
    The LSTM is a copy of the decoder that returns its states, so a reply is
    written by feeding one character and the last states at a time.
    """
    decoder = model.get_layer("decoder")
    character = keras.Input((1,), dtype="int32", name="character")
    context = keras.Input((decoder.units,), name="context")
    states = [keras.Input((decoder.units,), name=f"state_{index}") for index in range(len(decoder.cell.state_size))]
    inputs = layers.Concatenate()([model.get_layer("embedding")(character), RepeatOverTime()([context, character])])
    step = type(decoder).from_config(
        {**decoder.get_config(), "return_sequences": False, "return_state": True, "name": "decoder_step"}
    )
    output, *new_states = step(inputs, initial_state=states)
    step.set_weights(decoder.get_weights())
    logits = model.get_layer("next_character")(output)
    return keras.Model([character, context, *states], [logits, *new_states], name="chat_decoder_step")
