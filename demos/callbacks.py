"""Keras callbacks, and the weight average's optimizer options, that the demos share."""

import time

import keras


class EpochTimes(keras.callbacks.Callback):
    """Records the wall-clock seconds of every epoch in `seconds`.

    The first epoch includes graph tracing and compilation; the later ones
    are the steady cost of training.
    """

    def __init__(self):
        super().__init__()
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)


class StopAtAccuracy(keras.callbacks.Callback):
    """Stops training once the validation accuracy reaches `threshold`."""

    def __init__(self, threshold):
        super().__init__()
        self.threshold = threshold

    def on_epoch_end(self, epoch, logs=None):
        if (logs or {}).get("val_accuracy", 0.0) >= self.threshold:
            self.model.stop_training = True


def weight_average(span):
    """Optimizer options for an exponential moving average of the weights over about `span` steps (none below 2)."""
    return {"use_ema": True, "ema_momentum": 1.0 - 1.0 / span} if span > 1 else {}
