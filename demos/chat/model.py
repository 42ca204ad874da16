"""The chat model: one character-level LSTM that reads the whole conversation and writes the next turn.

Embedding -> LSTM ("decoder", every step) -> dense logits of the next
character. Trained as stateful streams (`build_model(..., batch_size=B)`);
saved and used without state (`batch_size=None`); replies are written by
`build_step_model`, the same weights returning their states.
"""

import keras
from keras import layers, ops

from demos.layers import lstm_class

TRACED_LAYER = "decoder"  # the LSTM: `explain` and the lesson trace it


def build_model(settings, vocabulary_size, batch_size=None):
    """Input `characters` (ids, 0 = padding); output: next-character logits at every step.

    With `batch_size`, the LSTM is stateful: each batch continues the streams of the previous one.
    """
    lstm = lstm_class(settings.layer, max_timescale=settings.sequence_length)
    characters = keras.Input(batch_shape=(batch_size, None), dtype="int32", name="characters")
    x = layers.Embedding(vocabulary_size, settings.embedding_dim, mask_zero=True, name="embedding")(characters)
    x = layers.Dropout(settings.dropout, name="input_dropout")(x)
    x = lstm(settings.units, return_sequences=True, stateful=batch_size is not None, name=TRACED_LAYER)(x)
    x = layers.Dropout(settings.dropout, name="output_dropout")(x)
    logits = layers.Dense(vocabulary_size, name="next_character")(x)
    return keras.Model(characters, logits, name="chat")


@keras.saving.register_keras_serializable(package="chat")
class MaskedCrossentropy(keras.losses.Loss):
    """Cross-entropy of integer targets against logits; id 0 (padding) costs nothing."""

    def __init__(self, name="masked_crossentropy", reduction="mean_with_sample_weight", **kwargs):
        super().__init__(name=name, reduction=reduction, **kwargs)

    def call(self, targets, logits):
        targets = ops.cast(targets, "int32")
        log_probabilities = ops.log_softmax(logits, axis=-1)
        picked = ops.take_along_axis(log_probabilities, ops.expand_dims(targets, -1), axis=-1)[..., 0]
        return -picked * ops.cast(targets != 0, picked.dtype)


def compile_model(model, settings, steps):
    """AdamW with a cosine learning-rate decay over `steps` to 5%, gradient norm clipped at 1."""
    schedule = keras.optimizers.schedules.CosineDecay(settings.learning_rate, decay_steps=max(1, steps), alpha=0.05)
    model.compile(optimizer=keras.optimizers.AdamW(schedule, weight_decay=settings.weight_decay, clipnorm=1.0),
                  loss=MaskedCrossentropy(), jit_compile="auto")


def copy_weights(source, target):
    """`target` (another batch size or statefulness) takes `source`'s weights, layer by layer."""
    target.set_weights(source.get_weights())
    return target


def build_step_model(model):
    """The trained model, returning its states: `[ids (batch, time), *states] -> [logits, *new states]`.

    Reads a whole conversation at once (the states after its last real
    character) or one character at a time; shares the trained weights.
    """
    decoder = model.get_layer(TRACED_LAYER)
    characters = keras.Input((None,), dtype="int32", name="characters")
    states = [keras.Input((decoder.units,), name=f"state_{index}") for index in range(len(decoder.cell.state_size))]
    step = type(decoder).from_config({**decoder.get_config(), "return_sequences": True, "return_state": True,
                                      "stateful": False, "name": "decoder_step"})
    mask = ops.not_equal(characters, 0)  # given explicitly: padding after a conversation leaves its states as they are
    output, *new_states = step(model.get_layer("embedding")(characters), mask=mask, initial_state=states)
    step.set_weights(decoder.get_weights())
    logits = model.get_layer("next_character")(output)
    return keras.Model([characters, *states], [logits, *new_states], name="chat_step")
