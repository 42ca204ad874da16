"""`ExplicitLSTM` inside Keras wrappers and models, and trained: the same as `keras.layers.LSTM`."""

import keras
import numpy as np
import pytest
from lstm_testing import (
    FEATURES,
    TIME,
    UNITS,
    assert_close,
    assert_same_function,
    make_masks,
    random_inputs,
    randomize_weights,
    with_shared_weights,
)

from custom_layers import ExplicitLSTM, ExplicitLSTMCell


def test_bidirectional():
    inputs = random_inputs()
    custom, builtin = with_shared_weights(
        keras.layers.Bidirectional(ExplicitLSTM(UNITS, return_sequences=True)),
        keras.layers.Bidirectional(keras.layers.LSTM(UNITS, return_sequences=True)),
        inputs.shape,
    )
    assert_same_function(custom, builtin, inputs, mask=make_masks()["right_padded"])


@pytest.mark.parametrize("mask_name", [None, "holes"])
def test_rnn_of_the_cell(mask_name):
    inputs = random_inputs()
    options = {"return_sequences": True, "return_state": True}
    custom, builtin = with_shared_weights(
        keras.layers.RNN(ExplicitLSTMCell(UNITS, dropout=0.2), **options),
        keras.layers.RNN(keras.layers.LSTMCell(UNITS, dropout=0.2), **options),
        inputs.shape,
    )
    mask = None if mask_name is None else make_masks()[mask_name]
    assert_same_function(custom, builtin, inputs, mask=mask, training=False)


def twin_models():
    """`(custom, builtin)` regressors `Input -> LSTM -> Dense(1)` with the same random weights."""
    models = [
        keras.Sequential([keras.Input((TIME, FEATURES)), lstm_class(UNITS), keras.layers.Dense(1)])
        for lstm_class in (ExplicitLSTM, keras.layers.LSTM)
    ]
    randomize_weights(models[1], seed=1)
    models[0].set_weights(models[1].get_weights())
    return models


def regression_data(samples=6):
    inputs = random_inputs((samples, TIME, FEATURES), seed=4)
    targets = np.tanh(inputs.sum(axis=(1, 2)))[:, None]  # something learnable
    return inputs, targets


@pytest.fixture
def xla_allowed():
    """Keras runs no XLA while TensorFlow's op determinism is on, which tests of the demos may have switched on."""
    if keras.backend.backend() != "tensorflow":
        yield
        return
    from tensorflow.python.framework import config

    deterministic = config.is_op_determinism_enabled()
    config.disable_op_determinism()
    yield
    if deterministic:
        config.enable_op_determinism()


@pytest.mark.slow
def test_jit_compiled_model_predicts_and_trains_the_same(xla_allowed):
    inputs, targets = regression_data()
    custom_model, builtin_model = twin_models()
    for model in (custom_model, builtin_model):
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", jit_compile=True)
    assert custom_model.jit_compile, "the explicit layer must run under XLA"
    assert_close(custom_model.predict(inputs, verbose=0), builtin_model.predict(inputs, verbose=0))
    for step in range(3):
        custom_loss = custom_model.train_on_batch(inputs, targets)
        builtin_loss = builtin_model.train_on_batch(inputs, targets)
        assert_close(custom_loss, builtin_loss, 1e-4, f"loss of step {step}")
    for custom_weight, builtin_weight in zip(
        custom_model.get_weights(), builtin_model.get_weights(), strict=True
    ):
        assert_close(custom_weight, builtin_weight, 1e-4, "trained weights")


def test_fit_gives_the_same_losses():
    inputs, targets = regression_data()
    histories = []
    for model in twin_models():
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
        histories.append(model.fit(inputs, targets, batch_size=6, epochs=3, shuffle=False, verbose=0).history)
    custom_losses, builtin_losses = (history["loss"] for history in histories)
    assert_close(custom_losses, builtin_losses, 1e-4, "losses")
    assert custom_losses[-1] < custom_losses[0], "the loss should fall"
