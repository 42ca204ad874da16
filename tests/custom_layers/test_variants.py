"""The LSTM variants against float64 references of their equations, and through the layer's machinery."""

import keras
import numpy as np
import pytest
import variant_testing as ref
from lstm_testing import (
    BATCH,
    FEATURES,
    TIME,
    UNITS,
    assert_close,
    make_masks,
    outputs_and_gradients,
    random_inputs,
)

from custom_layers import (
    SLSTM,
    ChronoInitializer,
    CoupledLSTM,
    ExplicitLSTM,
    LayerNormLSTM,
    PeepholeLSTM,
    plot_gate_trace,
    trace_gates,
)

VARIANTS = {
    "peephole": (PeepholeLSTM, ref.peephole_step, 2),
    "coupled": (CoupledLSTM, ref.coupled_step, 2),
    "layernorm": (LayerNormLSTM, ref.layernorm_step, 2),
    "slstm": (SLSTM, ref.slstm_step, 4),
}
GRADIENT_TOLERANCE = 1e-4


def built(name, weights_seed=0, **config):
    """A variant layer with random weights (every weight, extras included)."""
    layer = VARIANTS[name][0](UNITS, return_sequences=True, return_state=True, **config)
    layer.build((BATCH, TIME, FEATURES))
    rng = np.random.default_rng(weights_seed)
    layer.set_weights([rng.normal(scale=0.5, size=w.shape).astype("float32") for w in layer.get_weights()])
    return layer


def random_states(count, seed=1):
    rng = np.random.default_rng(seed)
    states = [rng.normal(size=(BATCH, UNITS)).astype("float32") for _ in range(count)]
    if count == 4:  # the sLSTM's normaliser is a sum of positive weights
        states[2] = np.abs(states[2]) + 0.5
    return states


def reference_gradients(step, inputs, states, weights, mask, epsilon=1e-6):
    """Central differences, in float64, of the weighted output sum that `lstm_testing` differentiates.

    Returns the gradients of inputs, states and weights, in that order.
    """
    arrays = [np.float64(a).copy() for a in (inputs, *states, *weights)]
    count = len(states)

    def loss():
        outputs = ref.run_sequence(step, arrays[0], arrays[1 + count :], arrays[1 : 1 + count], mask)
        return sum(np.sum(out * np.random.default_rng(100 + k).normal(size=out.shape)) for k, out in enumerate(outputs))

    gradients = []
    for array in arrays:
        gradient = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            saved = array[index]
            array[index] = saved + epsilon
            up = loss()
            array[index] = saved - epsilon
            gradient[index] = (up - loss()) / (2 * epsilon)
            array[index] = saved
        gradients.append(gradient)
    return gradients


@pytest.mark.parametrize("mask_name", [None, "right_padded"])
@pytest.mark.parametrize("name", list(VARIANTS))
def test_outputs_states_and_gradients_match_the_float64_reference(name, mask_name):
    _, step, state_count = VARIANTS[name]
    layer = built(name)
    inputs, states = random_inputs(), random_states(state_count)
    mask = None if mask_name is None else make_masks()[mask_name]
    outputs, gradients = outputs_and_gradients(layer, inputs, initial_state=states, mask=mask)
    weights = layer.get_weights()
    expected = ref.run_sequence(step, inputs, weights, states, mask)
    assert len(outputs) == len(expected) == 1 + state_count
    for index, (actual, wanted) in enumerate(zip(outputs, expected, strict=True)):
        assert_close(actual, wanted, 1e-5, f"{name} output {index}")
    expected_gradients = reference_gradients(step, inputs, states, weights, mask)
    for index, (actual, wanted) in enumerate(zip(gradients, expected_gradients, strict=True)):
        assert_close(actual, wanted, GRADIENT_TOLERANCE, f"{name} gradient {index}")


@pytest.mark.parametrize("name", list(VARIANTS))
def test_go_backwards_runs_the_reversed_sequence(name):
    _, step, state_count = VARIANTS[name]
    layer = built(name, go_backwards=True)
    inputs = random_inputs()
    outputs = layer(inputs)
    states = [np.zeros((BATCH, UNITS))] * state_count
    expected = ref.run_sequence(step, inputs[:, ::-1], layer.get_weights(), states)
    for actual, wanted in zip(outputs, expected, strict=True):
        assert_close(actual, wanted, 1e-5, "go_backwards")


@pytest.mark.parametrize("name", list(VARIANTS))
def test_stateful_carries_every_state_into_the_next_batch(name):
    _, step, state_count = VARIANTS[name]
    layer = VARIANTS[name][0](UNITS, return_sequences=True, stateful=True)
    inputs = random_inputs()
    layer(inputs[:, :3])
    second = keras.ops.convert_to_numpy(layer(inputs[:, 3:]))
    zeros = [np.zeros((BATCH, UNITS))] * state_count
    expected = ref.run_sequence(step, inputs, layer.get_weights(), zeros)[0][:, 3:]
    assert_close(second, expected, 5e-5, "second batch")  # float32: layer norm divides by a small spread


@pytest.mark.parametrize("name", list(VARIANTS))
def test_dropout_applies_in_training_only(name):
    layer = built(name, dropout=0.5, recurrent_dropout=0.5, seed=1)
    plain = built(name)
    inputs = random_inputs()
    for actual, wanted in zip(layer(inputs), plain(inputs), strict=True):
        assert_close(actual, wanted, 1e-6, "inference")
    trained = keras.ops.convert_to_numpy(layer(inputs, training=True)[0])
    assert not np.allclose(trained, keras.ops.convert_to_numpy(plain(inputs)[0]), atol=1e-3)


@pytest.mark.parametrize("name", list(VARIANTS))
def test_saved_model_reloads_with_the_same_predictions(name, tmp_path):
    layer_class = VARIANTS[name][0]
    model = keras.Sequential([keras.Input((None, FEATURES)), keras.layers.Masking(), layer_class(UNITS)])
    inputs = random_inputs()
    model.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras")
    assert type(loaded.layers[-1]) is layer_class
    assert_close(loaded.predict(inputs, verbose=0), model.predict(inputs, verbose=0), 1e-6, "reloaded")
    config = model.layers[-1].get_config()
    assert layer_class.from_config(config).get_config() == config


@pytest.mark.parametrize("name", list(VARIANTS))
def test_trace_gates_records_the_layers_own_computation(name):
    layer = built(name)
    inputs = random_inputs()
    mask = make_masks()["right_padded"]
    trace = trace_gates(layer, inputs, mask=mask)
    assert_close(trace["hidden_state"], layer(inputs, mask=mask)[0], 1e-6, "h_t")
    assert ("normalizer_state" in trace) == (name == "slstm")
    for gate in ("input_gate", "forget_gate", "output_gate"):
        assert 0.0 <= trace[gate].min() and trace[gate].max() <= 1.0, gate
    figure = plot_gate_trace(trace)
    assert len([axis for axis in figure.axes if axis.images]) == len(trace)  # one heatmap per field


def test_peephole_with_zero_peepholes_is_the_lstm():
    peephole = built("peephole")
    peephole.set_weights(peephole.get_weights()[:3] + [np.zeros(UNITS, "float32")] * 3)
    plain = ExplicitLSTM(UNITS, return_sequences=True, return_state=True)
    plain.build((BATCH, TIME, FEATURES))
    plain.set_weights(peephole.get_weights()[:3])
    inputs = random_inputs()
    for actual, wanted in zip(peephole(inputs), plain(inputs), strict=True):
        assert_close(actual, wanted, 1e-6, "zero peepholes")
    names = [w.path.split("/")[-1] for w in peephole.weights]
    assert names[3:] == ["peephole_input", "peephole_forget", "peephole_output"]


def test_coupled_has_three_weight_blocks_and_a_quarter_fewer_parameters():
    coupled, plain = CoupledLSTM(UNITS), ExplicitLSTM(UNITS)
    for layer in (coupled, plain):
        layer.build((BATCH, TIME, FEATURES))
    assert coupled.cell.kernel.shape == (FEATURES, 3 * UNITS)
    assert coupled.count_params() * 4 == plain.count_params() * 3
    trace = trace_gates(coupled, random_inputs())
    np.testing.assert_allclose(trace["input_gate"], 1.0 - trace["forget_gate"], atol=1e-7)


def test_slstm_stays_finite_over_1000_steps_of_large_pre_activations():
    time_steps = 1000
    layer = SLSTM(UNITS, return_sequences=True, return_state=True)
    layer.build((2, time_steps, FEATURES))
    rng = np.random.default_rng(5)
    layer.set_weights([rng.normal(scale=4.0, size=w.shape).astype("float32") for w in layer.get_weights()])
    inputs = rng.normal(scale=10.0, size=(2, time_steps, FEATURES)).astype("float32")
    outputs = [keras.ops.convert_to_numpy(x) for x in layer(inputs)]
    expected = ref.run_sequence(ref.slstm_step, inputs, layer.get_weights(), [np.zeros((2, UNITS))] * 4)
    pre_activation = np.abs(inputs @ layer.get_weights()[0]).max()
    assert pre_activation > 50  # exp() of it would overflow float32 without the stabiliser
    assert all(np.isfinite(x).all() for x in outputs) and all(np.isfinite(x).all() for x in expected)
    assert np.abs(outputs[0]).max() <= 1.0
    assert_close(outputs[0], expected[0], 1e-3, "h_t over 1000 steps")


@pytest.mark.parametrize("layer_class, gates", [(ExplicitLSTM, "ifco"), (CoupledLSTM, "fco")])
def test_chrono_initializer_sets_forget_and_input_biases_from_time_scales(layer_class, gates):
    layer = layer_class(64, bias_initializer=ChronoInitializer(max_timescale=50, seed=3), unit_forget_bias=False)
    layer.build((BATCH, TIME, FEATURES))
    blocks = dict(zip(gates, np.split(keras.ops.convert_to_numpy(layer.cell.bias), len(gates)), strict=True))
    assert np.all(blocks["f"] >= 0) and np.all(blocks["f"] <= np.log(49) + 1e-6)
    assert np.ptp(blocks["f"]) > 1.0  # a spread of time scales, not one
    if "i" in blocks:
        np.testing.assert_array_equal(blocks["i"], -blocks["f"])
    np.testing.assert_array_equal(blocks["c"], 0.0)
    np.testing.assert_array_equal(blocks["o"], 0.0)


def test_chrono_with_unit_forget_bias_is_refused():
    with pytest.raises(ValueError, match="unit_forget_bias"):
        ExplicitLSTM(UNITS, bias_initializer=ChronoInitializer(10))
    with pytest.raises(ValueError, match="max_timescale"):
        ChronoInitializer(2)
