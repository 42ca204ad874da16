"""The chat models.

The conversation model: one character-level LSTM that reads the whole
conversation and writes the next turn. Embedding -> LSTM ("decoder", every
step) -> dense logits of the next character. Trained as stateful streams
(`build_model(..., batch_size=B)`); saved and used without state
(`batch_size=None`); replies are written by `build_step_model`, the same
weights returning their states.

The memory model (`build_memory_model`): an encoder-decoder that learns the
chatterbot corpus and the persona by heart. The encoder reads the message
and predicts each of its next characters (so the memory says how likely a
message is); its last hidden state joins the decoder's input at every step,
so each reply character is conditioned on the whole message directly.
"""

import keras
from keras import layers, ops

from demos.callbacks import weight_average
from demos.layers import lstm_class

TRACED_LAYER = "decoder"  # the LSTM: `explain` and the lesson trace it
CONTEXT_DIM = 32  # the context vector (when there is one) is mapped to this many numbers at each step


def build_model(settings, vocabulary_size, batch_size=None, dtype="float32", context_units=0):
    """Input `characters` (ids, 0 = padding); output: next-character logits at every step.

    With `context_units`, a second input `context` gives each step a vector
    of the conversation so far (the reply ranker's, `ranker.Ranker.turn_vectors`),
    mapped to `CONTEXT_DIM` numbers read beside the character's embedding.
    With `batch_size`, the LSTM is stateful: each batch continues the streams
    of the previous one. `dtype` is the Keras dtype policy of the embedding
    and the LSTM ("mixed_bfloat16": bfloat16 arithmetic, float32 weights);
    the logits are always float32.
    """
    lstm = lstm_class(settings.layer, max_timescale=settings.sequence_length)
    characters = keras.Input(batch_shape=(batch_size, None), dtype="int32", name="characters")
    inputs = [characters]
    x = layers.Embedding(vocabulary_size, settings.embedding_dim, mask_zero=True, name="embedding", dtype=dtype)(
        characters)
    if context_units:
        inputs.append(keras.Input(batch_shape=(batch_size, None, context_units), name="context"))
        x = with_context(x, inputs[1], dtype)
    x = layers.Dropout(settings.dropout, name="input_dropout", dtype=dtype)(x)
    x = lstm(settings.units, return_sequences=True, stateful=batch_size is not None, name=TRACED_LAYER,
             dtype=dtype)(x)
    x = layers.Dropout(settings.dropout, name="output_dropout", dtype=dtype)(x)
    logits = layers.Dense(vocabulary_size, name="next_character", dtype="float32")(x)
    return keras.Model(inputs if context_units else characters, logits, name="chat")


def with_context(embedded, context, dtype="float32", layer_of=None):
    """The characters' embedding joined by the context vectors mapped to `CONTEXT_DIM` numbers (layers named
    "context_projection" and "with_context"; `layer_of(name)` gives a trained model's)."""
    layer_of = layer_of or {"context_projection": layers.Dense(CONTEXT_DIM, name="context_projection", dtype=dtype),
                            "with_context": layers.Concatenate(name="with_context", dtype=dtype)}.get
    return layer_of("with_context")([embedded, layer_of("context_projection")(context)])


def context_units(model):
    """The size of the context vectors `model` reads (0: it reads none)."""
    return model.inputs[1].shape[-1] if len(model.inputs) > 1 and model.inputs[1].name.startswith("context") else 0


@keras.saving.register_keras_serializable(package="chat")
class RepeatOverTime(layers.Layer):
    """`[vector (batch, features), sequence (batch, time, ...)]` -> the vector at every step."""

    def call(self, inputs):
        vector, sequence = inputs
        return ops.repeat(ops.expand_dims(vector, 1), ops.shape(sequence)[1], axis=1)

    def compute_output_shape(self, input_shape):
        vector_shape, sequence_shape = input_shape
        return (vector_shape[0], sequence_shape[1], vector_shape[-1])


def build_memory_model(settings, vocabulary_size, dtype="float32"):
    """Inputs `message` and `reply_input` (ids, 0 = padding); outputs: next-character logits of each.

    `dtype`: the dtype policy of all but the logits, as in `build_model`.
    """
    lstm = lstm_class(settings.layer, max_timescale=settings.max_reply_chars)
    message = keras.Input((None,), dtype="int32", name="message")
    reply_input = keras.Input((None,), dtype="int32", name="reply_input")
    embedding = layers.Embedding(vocabulary_size, settings.embedding_dim, mask_zero=True, name="embedding", dtype=dtype)
    read, context, *_ = lstm(settings.units, return_sequences=True, return_state=True, name="encoder",
                             dtype=dtype)(embedding(message))
    message_logits = layers.Dense(vocabulary_size, name="next_message_character", dtype="float32")(read)
    decoder_inputs = layers.Concatenate(name="character_and_context", dtype=dtype)(
        [embedding(reply_input), RepeatOverTime(name="context_per_step", dtype=dtype)([context, reply_input])])
    decoded = lstm(settings.units, return_sequences=True, name=TRACED_LAYER, dtype=dtype)(decoder_inputs)
    logits = layers.Dense(vocabulary_size, name="next_character", dtype="float32")(decoded)
    return keras.Model([message, reply_input], [message_logits, logits], name="chat_memory")


def build_memory_step_models(model):
    """(encoder, step) models sharing the memory model's weights.

    encoder: message ids -> [next-character logits of the message, context].
    step: `[reply ids (batch, time), context, *decoder states] -> [logits,
    context, *new states]`, the interface of `build_step_model`'s model with
    the context carried as one more state.
    """
    message = keras.Input((None,), dtype="int32", name="message")
    embedding = model.get_layer("embedding")
    read, context, *_ = model.get_layer("encoder")(embedding(message))
    encoder = keras.Model(message, [model.get_layer("next_message_character")(read), context], name="memory_encoder")
    decoder = model.get_layer(TRACED_LAYER)
    characters = keras.Input((None,), dtype="int32", name="characters")
    carried = keras.Input((decoder.units,), name="context")
    states = [keras.Input((decoder.units,), name=f"state_{index}") for index in range(len(decoder.cell.state_size))]
    inputs = layers.Concatenate()([embedding(characters), RepeatOverTime()([carried, characters])])
    step = type(decoder).from_config({**decoder.get_config(), "return_sequences": True, "return_state": True,
                                      "stateful": False, "name": "decoder_step"})
    output, *new_states = step(inputs, mask=ops.not_equal(characters, 0), initial_state=states)
    step.set_weights(decoder.get_weights())
    logits = model.get_layer("next_character")(output)
    return encoder, keras.Model([characters, carried, *states], [logits, carried, *new_states], name="memory_step")


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


def compile_model(model, settings, steps, loss_weights=None):
    """AdamW with a linear warm-up over `settings.warmup` of `steps`, then a cosine decay to 5%, gradient norm
    clipped at 1.

    With `settings.weight_average` above 0 the optimizer also keeps an
    exponential moving average of the weights whose time constant is that
    share of `steps` (Polyak averaging); `copy_averaged_weights` reads it.
    A model of two outputs (the memory) takes `loss_weights`, one per output.
    """
    warmup = round(settings.warmup * steps)
    peak = {"warmup_target": settings.learning_rate, "warmup_steps": warmup} if warmup else {}
    schedule = keras.optimizers.schedules.CosineDecay(0.0 if warmup else settings.learning_rate, alpha=0.05,
                                                      decay_steps=max(1, steps - warmup), **peak)
    average = weight_average(settings.weight_average * steps)
    optimizer = keras.optimizers.AdamW(schedule, weight_decay=settings.weight_decay, beta_2=settings.adam_beta2,
                                       clipnorm=1.0, **average)
    losses = MaskedCrossentropy() if loss_weights is None else [MaskedCrossentropy() for _ in loss_weights]
    model.compile(optimizer=optimizer, loss=losses, loss_weights=loss_weights, jit_compile="auto")


def copy_weights(source, target):
    """`target` (another batch size or statefulness) takes `source`'s weights, layer by layer."""
    target.set_weights(source.get_weights())
    return target


def averages_weights(model):
    """Whether `model`'s optimizer keeps a moving average of its weights (`compile_model`)."""
    return bool(getattr(model.optimizer, "use_ema", False)) and model.optimizer.built


def copy_averaged_weights(source, target):
    """`copy_weights`, the trainable weights as the optimizer's moving average where it keeps one; `source` unchanged."""
    if not averages_weights(source):
        return copy_weights(source, target)
    last = source.get_weights()
    source.optimizer.finalize_variable_values(source.trainable_variables)  # the average, in the model's variables
    copy_weights(source, target)
    source.set_weights(last)
    return target


def build_step_model(model):
    """The trained model, returning its states: `[ids (batch, time), (context,) *states] -> [logits, *new states]`.

    Reads a whole conversation at once (the states after its last real
    character) or one character at a time; shares the trained weights.
    """
    decoder = model.get_layer(TRACED_LAYER)
    characters = keras.Input((None,), dtype="int32", name="characters")
    inputs, x = [characters], model.get_layer("embedding")(characters)
    if context_units(model):
        inputs.append(keras.Input((None, context_units(model)), name="context"))
        x = with_context(x, inputs[1], layer_of=model.get_layer)
    states = [keras.Input((decoder.units,), name=f"state_{index}") for index in range(len(decoder.cell.state_size))]
    step = type(decoder).from_config({**decoder.get_config(), "return_sequences": True, "return_state": True,
                                      "stateful": False, "name": "decoder_step"})
    mask = ops.not_equal(characters, 0)  # given explicitly: padding after a conversation leaves its states as they are
    output, *new_states = step(x, mask=mask, initial_state=states)
    step.set_weights(decoder.get_weights())
    logits = model.get_layer("next_character")(output)
    return keras.Model([*inputs, *states], [logits, *new_states], name="chat_step")
