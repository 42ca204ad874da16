"""The classifier: masked, normalized feature frames -> stacked bidirectional LSTMs (two by default) -> 10 digits
or "no digit"; with `--ensemble`, several such classifiers in one model, their probabilities averaged."""

import keras

from demos.callbacks import weight_average
from demos.layers import lstm_class
from demos.losses import SmoothedCrossentropy
from demos.speech.data import PAD_VALUE
from demos.speech.part import CLASS_NAMES

TRACED_LAYER = "lstm_1"  # the first (bidirectional) LSTM layer: `explain` and the lesson trace it
MEAN_LAYER = "digit_mean"  # an ensemble's output: the mean of its classifiers' probabilities (`average_of`)
MAX_TIMESCALE = 100  # frames: the chrono layer prepares for memories up to about an utterance (median 26, longest 143)


def build_model(settings, mean, variance, steps_per_epoch=0):
    """A compiled model from padded frames `(batch, time, features)` to the probabilities of 10 digits and none.

    Args:
        settings: The demo `Settings` (layer, units, lstm_layers, pooling, dropout, label_smoothing, learning
            rate, seed, weight_average_epochs).
        mean, variance: Per-feature statistics of the training frames; the
            model normalizes its inputs with them, so it takes raw features.
        steps_per_epoch: Training steps an epoch: with `settings.weight_average_epochs`
            above 0 the optimizer keeps a moving average of the weights over
            about that many epochs of steps (Polyak averaging; `training.py`
            validates and keeps the average).
    """
    lstm = lstm_class(settings.layer, max_timescale=MAX_TIMESCALE)
    inputs = keras.Input((None, len(mean)), name="frames")
    x = keras.layers.Masking(mask_value=PAD_VALUE)(inputs)
    x = keras.layers.Normalization(mean=mean, variance=variance, name="normalized")(x)
    for depth in range(1, settings.lstm_layers + 1):  # all but the last hand on every frame; it too when pooled
        whole = depth < settings.lstm_layers or settings.pooling == "mean"
        x = keras.layers.Bidirectional(lstm(settings.units, return_sequences=whole), name=f"lstm_{depth}")(x)
    if settings.pooling == "mean":  # the padded frames are masked out of the mean
        x = keras.layers.GlobalAveragePooling1D(name="time_mean")(x)
    x = keras.layers.Dropout(settings.dropout, seed=settings.seed)(x)
    outputs = keras.layers.Dense(len(CLASS_NAMES), activation="softmax", name="digit")(x)
    model = keras.Model(inputs, outputs, name="spoken_digits")
    average = weight_average(settings.weight_average_epochs * steps_per_epoch)
    model.compile(
        optimizer=keras.optimizers.Adam(settings.learning_rate, **average),
        loss=SmoothedCrossentropy(settings.label_smoothing) if settings.label_smoothing else
        "sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def average_of(members):
    """One model whose output is the mean of the `members`' probabilities (itself when there is one).

    Each member is copied in with its weights, its layers' names followed by
    `_m2`, `_m3`, ... from the second on: the first member's layers keep their
    names, so `explain` and the lesson trace its `TRACED_LAYER`.
    """
    if len(members) == 1:
        return members[0]
    inputs = keras.Input(members[0].input_shape[1:], name="frames")
    outputs = []
    for number, member in enumerate(members, 1):
        suffix = "" if number == 1 else f"_m{number}"
        copy = keras.models.clone_model(member, input_tensors=inputs,
                                        clone_function=lambda layer, end=suffix: renamed(layer, end))
        copy.set_weights(member.get_weights())
        outputs.append(copy.output)
    return keras.Model(inputs, keras.layers.Average(name=MEAN_LAYER)(outputs), name="spoken_digits_ensemble")


def renamed(layer, suffix):
    """A new layer like `layer`, its name followed by `suffix`."""
    return layer.__class__.from_config({**layer.get_config(), "name": layer.name + suffix})


def classifier_count(model):
    """How many classifiers `model` averages (1 for a single one): the inputs of its `average_of` mean."""
    names = [layer.name for layer in model.layers]
    return len(model.get_layer(MEAN_LAYER).input) if MEAN_LAYER in names else 1
