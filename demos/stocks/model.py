"""The forecaster: normalised features -> LSTM -> the target (a log return, or a log variance)."""

import keras

from demos.layers import lstm_class

TRACED_LAYER = "lstm"  # the LSTM layer: `explain` and the lesson trace it


def build_model(settings, train_features, target_offset, target_scale):
    """A compiled LSTM regressor (Adam, mean squared error) whose input scaling is fitted on the training days only.

    Args:
        settings: `Settings` (window, units, layer).
        train_features: Features of the training days, `(days, features)`.
        target_offset: What the untrained model forecasts: 0 for a log
            return (no change: persistence), the training mean for a log
            variance.
        target_scale: Standard deviation of the training targets: the output
            layer works in these units.

    The output layer starts with zero weights, so the untrained model
    forecasts `target_offset`, and training has to earn every departure.
    """
    normalization = keras.layers.Normalization(axis=-1, name="scaling")
    normalization.adapt(train_features[None])
    window = keras.Input((settings.window, train_features.shape[-1]), name="window")
    lstm = lstm_class(settings.layer, max_timescale=settings.window)(settings.units, name=TRACED_LAYER)
    scaled = keras.layers.Dense(1, kernel_initializer="zeros", name="scaled_target")(lstm(normalization(window)))
    target = keras.layers.Rescaling(float(target_scale), offset=float(target_offset), name="target")(scaled)
    model = keras.Model(window, target, name="stock_forecaster")
    model.compile(optimizer=keras.optimizers.Adam(settings.learning_rate), loss="mse")
    return model
