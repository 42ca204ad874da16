"""The forecaster: normalised features -> LSTM -> the log return `horizon` days ahead."""

import keras

from demos.layers import lstm_class
from demos.stocks.features import FEATURES

LSTM_NAME = "lstm"  # the layer `explain` traces


def build_model(settings, train_features, target_scale):
    """An LSTM regressor whose input scaling is fitted on the training days only.

    Args:
        settings: `Settings` (window, units, layer).
        train_features: Features of the training days, `(days, len(FEATURES))`.
        target_scale: Standard deviation of the training targets: the output
            layer works in these units.

    The output layer starts with zero weights: the untrained model forecasts
    no change (it is persistence), and training has to earn every departure.
    """
    normalization = keras.layers.Normalization(axis=-1, name="scaling")
    normalization.adapt(train_features[None])
    window = keras.Input((settings.window, len(FEATURES)), name="window")
    hidden = lstm_class(settings.layer, max_timescale=settings.window)(settings.units, name=LSTM_NAME)(normalization(window))
    scaled = keras.layers.Dense(1, kernel_initializer="zeros", name="scaled_return")(hidden)
    log_return = keras.layers.Rescaling(float(target_scale), name="log_return")(scaled)
    return keras.Model(window, log_return, name="stock_forecaster")
