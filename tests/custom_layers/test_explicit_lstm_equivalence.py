"""`ExplicitLSTM` computes the same function as `keras.layers.LSTM`.

With shared weights, outputs, returned states and the gradients with respect
to the inputs, the initial state and every weight agree to float32 rounding.
"""

import keras
import numpy as np
import pytest
from lstm_testing import (
    BATCH,
    GRADIENT_TOLERANCE,
    UNITS,
    assert_close,
    assert_same_function,
    make_masks,
    random_inputs,
    randomize_weights,
    relative_error,
    twin_layers,
)

from custom_layers import ExplicitLSTM


@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("return_state", [False, True])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_output_options(return_sequences, return_state, go_backwards):
    custom, builtin = twin_layers(
        return_sequences=return_sequences, return_state=return_state, go_backwards=go_backwards
    )
    assert_same_function(custom, builtin, random_inputs())


@pytest.mark.parametrize(
    "config",
    [
        {"unroll": True, "go_backwards": True, "return_sequences": True, "return_state": True},
        {"use_bias": False, "return_sequences": True},
        {"unit_forget_bias": False, "bias_initializer": "ones"},
        {"activation": "relu", "return_sequences": True},
        {"activation": None, "recurrent_activation": "hard_sigmoid", "return_state": True},
        {"recurrent_activation": "relu", "return_sequences": True},
        {"implementation": 1, "return_sequences": True},
    ],
    ids=lambda config: ",".join(f"{key}={value}" for key, value in config.items()),
)
def test_layer_options(config):
    custom, builtin = twin_layers(**config)
    assert_same_function(custom, builtin, random_inputs())


def test_weights_copied_from_explicit_to_builtin():
    custom = ExplicitLSTM(UNITS, return_sequences=True, return_state=True)
    builtin = keras.layers.LSTM(UNITS, return_sequences=True, return_state=True)
    inputs = random_inputs()
    custom.build(inputs.shape)
    builtin.build(inputs.shape)
    randomize_weights(custom, seed=7)
    builtin.set_weights(custom.get_weights())
    assert_same_function(custom, builtin, inputs)


@pytest.mark.parametrize("mask_name", list(make_masks()))
@pytest.mark.parametrize("go_backwards", [False, True])
def test_mask_argument(mask_name, go_backwards):
    custom, builtin = twin_layers(return_sequences=True, return_state=True, go_backwards=go_backwards)
    assert_same_function(custom, builtin, random_inputs(), mask=make_masks()[mask_name])


@pytest.mark.parametrize("zero_output_for_mask", [False, True])
def test_zero_output_for_mask(zero_output_for_mask):
    custom, builtin = twin_layers(return_sequences=True, zero_output_for_mask=zero_output_for_mask)
    mask = make_masks()["holes"]
    assert_same_function(custom, builtin, random_inputs(), mask=mask)
    outputs = keras.ops.convert_to_numpy(custom(random_inputs(), mask=mask))
    assert np.all(outputs[~mask] == 0.0) == zero_output_for_mask


@pytest.mark.parametrize("unroll", [False, True])
def test_masking_layer_in_a_model(unroll):
    inputs = random_inputs()
    mask = make_masks()["right_padded"]
    inputs[~mask] = 0.0
    models = [
        keras.Sequential([keras.Input(inputs.shape[1:]), keras.layers.Masking(0.0), lstm])
        for lstm in twin_layers(inputs.shape, return_sequences=True, unroll=unroll)
    ]
    assert_same_function(*models, inputs)


@pytest.mark.parametrize("mask_name", [None, "left_padded"])
def test_initial_state(mask_name):
    custom, builtin = twin_layers(return_sequences=True, return_state=True)
    rng = np.random.default_rng(3)
    initial_state = [rng.normal(size=(BATCH, UNITS)).astype("float32") for _ in range(2)]
    mask = None if mask_name is None else make_masks()[mask_name]
    assert_same_function(custom, builtin, random_inputs(), initial_state=initial_state, mask=mask)


def test_stateful_across_batches_and_reset():
    custom, builtin = twin_layers(stateful=True, return_sequences=True)
    first, second = random_inputs(seed=1), random_inputs(seed=2)
    for batch in (first, second):
        assert_close(custom(batch), builtin(batch), what="stateful output")
        for custom_state, builtin_state in zip(custom.states, builtin.states, strict=True):
            assert_close(custom_state, builtin_state, what="carried state")
    custom_after_two, builtin_after_two = custom(first), builtin(first)
    assert_close(custom_after_two, builtin_after_two, what="third batch")
    custom.reset_state()
    builtin.reset_state()
    fresh = custom(first)
    assert_close(fresh, builtin(first), what="output after reset_state")
    assert relative_error(fresh, custom_after_two) > 1e-3, "reset_state() left the state unchanged"


# recurrent_dropout makes both layers use implementation 1 (a mask per gate).
@pytest.mark.parametrize("dropout, recurrent_dropout, implementation", [(0.4, 0.0, 2), (0.4, 0.3, 1)])
def test_dropout_is_exact_in_inference(dropout, recurrent_dropout, implementation):
    custom, builtin = twin_layers(
        return_sequences=True,
        dropout=dropout,
        recurrent_dropout=recurrent_dropout,
        implementation=implementation,
        seed=5,
    )
    assert_same_function(custom, builtin, random_inputs(), training=False, mask=make_masks()["holes"])


@pytest.mark.parametrize("dtype", ["float64", "mixed_float16"])
def test_dtype_policy(dtype):
    custom, builtin = twin_layers(return_sequences=True, dtype=dtype)
    inputs = random_inputs()
    custom_outputs, builtin_outputs = custom(inputs), builtin(inputs)
    assert keras.backend.standardize_dtype(custom_outputs.dtype) == keras.backend.standardize_dtype(
        builtin_outputs.dtype
    )
    tolerance = {"float64": 1e-12, "float32": 1e-5, "float16": 1e-2}[
        keras.backend.standardize_dtype(custom_outputs.dtype)
    ]
    assert_close(custom_outputs, builtin_outputs, tolerance, f"{dtype} output")


LONG = 21  # time steps: a long sequence, not a multiple of any small chunk


@pytest.mark.parametrize("mask_name", ["right_padded", "left_padded", "holes"])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_long_sequence_with_mask(mask_name, go_backwards):
    custom, builtin = twin_layers(
        input_shape=(BATCH, LONG, 5), return_sequences=True, return_state=True, go_backwards=go_backwards
    )
    inputs = random_inputs((BATCH, LONG, 5))
    assert_same_function(custom, builtin, inputs, mask=make_masks(time=LONG)[mask_name])


def test_unknown_length_with_mask_in_compiled_training():
    """Inputs of unknown length, padded and masked, as the speech and chat demos declare them."""
    inputs = random_inputs((4, LONG, 5))
    inputs[1, 12:] = inputs[3, 17:] = 0.0  # padding, masked below
    targets = np.random.default_rng(1).normal(size=(4, LONG, UNITS)).astype("float32")
    models = {}
    for layer_class in (keras.layers.LSTM, ExplicitLSTM):
        sequence = keras.Input((None, 5))
        outputs = layer_class(UNITS, return_sequences=True)(keras.layers.Masking(0.0)(sequence))
        models[layer_class] = keras.Model(sequence, outputs)
        models[layer_class].compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    models[ExplicitLSTM].set_weights(models[keras.layers.LSTM].get_weights())
    results = {}
    for layer_class, model in models.items():
        results[layer_class] = [float(model.train_on_batch(inputs, targets)) for _ in range(3)]
        results[layer_class].append(model.predict(inputs, verbose=0))
    for step, (expected, actual) in enumerate(zip(results[keras.layers.LSTM], results[ExplicitLSTM], strict=True)):
        assert_close(actual, expected, GRADIENT_TOLERANCE, f"step {step}")
    assert results[ExplicitLSTM][0] != results[ExplicitLSTM][2]  # training moved the weights
