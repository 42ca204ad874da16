"""The recall task's model and training, shared by `demos.compare.long_lag` and the lesson's section 1.

One recurrent layer reads one-hot symbols (`datasets.long_lag.recall_task`);
a softmax names the symbol seen first.
"""

import keras


def recall_model(recurrent, symbols):
    """`recurrent` (a layer that returns its last output) between one-hot inputs and a softmax, compiled."""
    inputs = keras.Input((None, symbols))
    model = keras.Model(inputs, keras.layers.Dense(symbols, activation="softmax")(recurrent(inputs)))
    model.compile(optimizer=keras.optimizers.Adam(3e-3, clipnorm=1.0), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def fit_recall(model, x, y, epochs, callbacks):
    """Trains on 90% of `(x, y)` in batches of 64, validating on the rest; returns the epochs trained."""
    history = model.fit(x, y, batch_size=64, epochs=epochs, validation_split=0.1, callbacks=callbacks, verbose=0)
    return len(history.epoch)
