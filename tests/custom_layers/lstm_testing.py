"""Helpers for the tests of `custom_layers`: twin layers, inputs, masks, gradients, relative errors.

Gradients are taken the way each backend's own trainer takes them:
`tf.GradientTape` on TensorFlow, `jax.value_and_grad` over
`layer.stateless_call` on JAX.
"""

import keras
import numpy as np

from custom_layers import ExplicitLSTM

BATCH, TIME, FEATURES, UNITS = 3, 7, 5, 4
OUTPUT_TOLERANCE = 1e-5
GRADIENT_TOLERANCE = 1e-4


def relative_error(actual, expected):
    """max|actual - expected| / max|expected| (or a tiny number when that is 0)."""
    actual, expected = np.asarray(actual, dtype="float64"), np.asarray(expected, dtype="float64")
    assert actual.shape == expected.shape, f"shapes differ: {actual.shape} vs {expected.shape}"
    scale = max(float(np.max(np.abs(expected), initial=0.0)), np.finfo("float32").tiny)
    return float(np.max(np.abs(actual - expected), initial=0.0)) / scale


def assert_close(actual, expected, tolerance=OUTPUT_TOLERANCE, what="values"):
    error = relative_error(actual, expected)
    assert error <= tolerance, f"{what}: relative error {error:.2e} > {tolerance:.0e}"


def random_inputs(shape=(BATCH, TIME, FEATURES), seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def make_masks(batch=BATCH, time=TIME):
    """Boolean `(batch, time)` masks by name: padded on either side, or with holes."""
    steps = np.arange(time)
    lengths = np.array([time, 4, 2])[:batch]
    holes = np.ones((batch, time), dtype=bool)
    holes[0, [1, 2]] = holes[1, [0, 5, 6]] = holes[2, 3] = False
    no_steps = holes.copy()
    no_steps[2] = False
    return {
        "right_padded": steps[None, :] < lengths[:, None],
        "left_padded": steps[None, :] >= time - lengths[:, None],
        "holes": holes,
        "one_sample_empty": no_steps,
    }


def randomize_weights(layer, seed=0):
    """Gives every weight random values, so no gate starts at a special point."""
    rng = np.random.default_rng(seed)
    layer.set_weights([rng.normal(scale=0.5, size=w.shape).astype(w.dtype) for w in layer.get_weights()])


def with_shared_weights(custom, builtin, input_shape=(BATCH, TIME, FEATURES)):
    """Builds both layers, gives `builtin` random weights and copies them into `custom`."""
    builtin.build(input_shape)
    custom.build(input_shape)
    randomize_weights(builtin)
    custom.set_weights(builtin.get_weights())
    return custom, builtin


def twin_layers(input_shape=(BATCH, TIME, FEATURES), units=UNITS, **config):
    """`(ExplicitLSTM, keras.layers.LSTM)` with the same config and the same random weights."""
    return with_shared_weights(ExplicitLSTM(units, **config), keras.layers.LSTM(units, **config), input_shape)


def outputs_and_gradients(layer, inputs, initial_state=None, **call_kwargs):
    """Calls `layer` and differentiates a fixed random weighting of all its outputs.

    Returns:
        `(outputs, gradients)`: lists of NumPy arrays. The gradients are with
        respect to `inputs`, then each `initial_state` tensor, then each
        trainable variable of `layer`.
    """
    arrays = [np.asarray(inputs)] + [np.asarray(state) for state in initial_state or []]

    def call(arrays, layer_call):
        state = {} if initial_state is None else {"initial_state": list(arrays[1:])}
        outputs = keras.tree.flatten(layer_call(arrays[0], **call_kwargs, **state))
        return weighted_sum(outputs), outputs

    if keras.backend.backend() == "jax":
        outputs, gradients = _jax_gradients(layer, arrays, call)
    else:
        outputs, gradients = _tensorflow_gradients(layer, arrays, call)
    return [keras.ops.convert_to_numpy(x) for x in outputs], [
        keras.ops.convert_to_numpy(g) for g in gradients
    ]


def weighted_sum(outputs):
    """A scalar in which every output element has its own fixed random weight."""
    total = 0.0
    for index, output in enumerate(outputs):
        weights = np.random.default_rng(100 + index).normal(size=output.shape).astype("float32")
        total = total + keras.ops.sum(output * weights)
    return total


def _tensorflow_gradients(layer, arrays, call):
    import tensorflow as tf

    arrays = [tf.constant(array) for array in arrays]
    with tf.GradientTape() as tape:
        tape.watch(arrays)
        loss, outputs = call(arrays, layer)
    variables = list(layer.trainable_variables)
    return outputs, tape.gradient(loss, arrays + variables)


def _jax_gradients(layer, arrays, call):
    import jax

    non_trainable = [v.value for v in layer.non_trainable_variables]

    def loss(arrays, trainable):
        return call(
            arrays, lambda *args, **kwargs: layer.stateless_call(trainable, non_trainable, *args, **kwargs)[0]
        )

    trainable = [v.value for v in layer.trainable_variables]
    (_, outputs), (array_gradients, variable_gradients) = jax.value_and_grad(
        loss, argnums=(0, 1), has_aux=True
    )(arrays, trainable)
    return outputs, list(array_gradients) + list(variable_gradients)


def assert_same_function(custom, builtin, inputs, **call_kwargs):
    """Same outputs (and states) and same gradients for inputs, states and weights."""
    custom_outputs, custom_gradients = outputs_and_gradients(custom, inputs, **call_kwargs)
    builtin_outputs, builtin_gradients = outputs_and_gradients(builtin, inputs, **call_kwargs)
    assert len(custom_outputs) == len(builtin_outputs)
    for index, (actual, expected) in enumerate(zip(custom_outputs, builtin_outputs, strict=True)):
        assert_close(actual, expected, OUTPUT_TOLERANCE, f"output {index}")
    names = ["inputs"] + [f"initial_state[{i}]" for i in range(len(call_kwargs.get("initial_state") or []))]
    names += [v.path for v in builtin.trainable_variables]
    assert len(custom_gradients) == len(builtin_gradients) == len(names)
    for name, actual, expected in zip(names, custom_gradients, builtin_gradients, strict=True):
        assert_close(actual, expected, GRADIENT_TOLERANCE, f"gradient of {name}")
