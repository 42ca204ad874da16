"""Losses the demos train with beyond Keras' own, registered so that a saved model that names one loads again."""

import keras


@keras.saving.register_keras_serializable(package="lstm_lab_demos")
class SmoothedCrossentropy(keras.losses.Loss):
    """Cross-entropy from class numbers to probabilities, each target one-hot with `smoothing` of its weight spread
    evenly over all classes (label smoothing, Szegedy et al. 2016): no answer is learned as certain."""

    def __init__(self, smoothing, name="smoothed_crossentropy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.smoothing = smoothing

    def call(self, y_true, y_pred):
        targets = keras.ops.one_hot(keras.ops.cast(keras.ops.reshape(y_true, (-1,)), "int32"), y_pred.shape[-1])
        return keras.losses.categorical_crossentropy(targets, y_pred, label_smoothing=self.smoothing)

    def get_config(self):
        return {**super().get_config(), "smoothing": self.smoothing}
