"""`trace_gates` records what the layer computes; `plot_gate_trace` draws it."""

import keras
import numpy as np
import pytest
from lstm_testing import (
    BATCH,
    FEATURES,
    TIME,
    UNITS,
    assert_close,
    make_masks,
    random_inputs,
    randomize_weights,
)

from custom_layers import GATE_NAMES, ExplicitLSTM, plot_gate_trace, trace_gates

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def built_layer(**config):
    layer = ExplicitLSTM(UNITS, return_sequences=True, **config)
    layer.build(random_inputs().shape)
    randomize_weights(layer)
    return layer


@pytest.fixture(scope="module")
def trace():
    return trace_gates(built_layer(), random_inputs())


def test_keys_and_shapes(trace):
    assert tuple(trace) == GATE_NAMES
    assert set(GATE_NAMES) == {
        "input_gate",
        "forget_gate",
        "candidate",
        "output_gate",
        "cell_state",
        "hidden_state",
    }
    for name, values in trace.items():
        assert isinstance(values, np.ndarray), name
        assert values.shape == (BATCH, TIME, UNITS), name


def test_gates_are_in_their_ranges(trace):
    for name in ("input_gate", "forget_gate", "output_gate"):
        assert 0.0 <= trace[name].min() and trace[name].max() <= 1.0, name
    assert np.abs(trace["candidate"]).max() <= 1.0
    assert np.abs(trace["hidden_state"]).max() <= 1.0


def test_states_follow_the_equations(trace):
    previous_cell = np.concatenate([np.zeros((BATCH, 1, UNITS)), trace["cell_state"][:, :-1]], axis=1)
    expected_cell = trace["forget_gate"] * previous_cell + trace["input_gate"] * trace["candidate"]
    assert_close(trace["cell_state"], expected_cell, 1e-6, "C_t = f_t * C_{t-1} + i_t * C~_t")
    assert_close(trace["hidden_state"], trace["output_gate"] * np.tanh(trace["cell_state"]), 1e-6, "h_t")


@pytest.mark.parametrize(
    "mask_name, go_backwards", [(None, False), (None, True), ("right_padded", False), ("holes", True)]
)
def test_hidden_state_is_the_layer_output(mask_name, go_backwards):
    layer = built_layer(go_backwards=go_backwards)
    inputs = random_inputs(seed=5)
    mask = None if mask_name is None else make_masks()[mask_name]
    trace = trace_gates(layer, inputs, mask=mask)
    assert_close(trace["hidden_state"], layer(inputs, mask=mask), 1e-6, "hidden_state")


def test_last_hidden_state_is_the_output_without_sequences():
    layer = built_layer()
    last_only = ExplicitLSTM(UNITS)
    inputs = random_inputs(seed=6)
    last_only.build(inputs.shape)
    last_only.set_weights(layer.get_weights())
    assert_close(trace_gates(layer, inputs)["hidden_state"][:, -1], last_only(inputs), 1e-6, "last h_t")


def test_stateful_layer_starts_from_its_state_and_keeps_it():
    layer = built_layer(stateful=True)
    first, second = random_inputs(seed=1), random_inputs(seed=2)
    layer(first)
    state_before = [keras.ops.convert_to_numpy(state) for state in layer.states]
    trace = trace_gates(layer, second)
    for before, after in zip(state_before, layer.states, strict=True):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(after), before)
    assert_close(trace["hidden_state"], layer(second), 1e-6, "trace from the carried state")


def test_unbuilt_layer_is_refused():
    with pytest.raises(ValueError, match="not built"):
        trace_gates(ExplicitLSTM(UNITS), random_inputs())


def test_other_layers_are_refused():
    builtin = keras.layers.LSTM(UNITS)
    builtin.build(random_inputs().shape)
    with pytest.raises(ValueError, match="ExplicitLSTM"):
        trace_gates(builtin, random_inputs())


@pytest.mark.parametrize("shape", [(BATCH, TIME, FEATURES + 1), (BATCH, FEATURES)])
def test_inputs_of_the_wrong_shape_are_refused(shape):
    with pytest.raises(ValueError, match="inputs"):
        trace_gates(built_layer(), np.zeros(shape, dtype="float32"))


def test_mask_of_the_wrong_shape_is_refused():
    with pytest.raises(ValueError, match="mask"):
        trace_gates(built_layer(), random_inputs(), mask=np.ones((BATCH, TIME + 1), dtype=bool))


@pytest.mark.parametrize("with_extras", [False, True])
def test_plot_writes_a_png(trace, tmp_path, with_extras):
    path = tmp_path / "trace.png"
    extras = {}
    if with_extras:
        extras = {"tick_labels": list("hello, "), "title": "a trace", "max_units": 2, "sample": 1}
        extras["header"] = lambda axis: axis.plot(np.arange(TIME), np.sin(np.arange(TIME)))
    figure = plot_gate_trace(trace, path, **extras)
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    assert len(figure.axes) >= len(GATE_NAMES) + with_extras
    if with_extras:
        bottom = [axis for axis in figure.axes if axis.get_xticklabels()][-1]
        assert [label.get_text() for label in bottom.get_xticklabels()] == list("hello, ")
        assert any(axis.lines for axis in figure.axes), "the header row was not drawn"


def test_plot_without_path_only_returns_the_figure(trace, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    figure = plot_gate_trace(trace)
    assert figure.axes and not list(tmp_path.iterdir())


def test_trace_of_each_direction_inside_bidirectional():
    inputs = random_inputs()
    mask = make_masks()["right_padded"]
    both = keras.layers.Bidirectional(ExplicitLSTM(UNITS, return_sequences=True), merge_mode=None)
    forward_output, backward_output = (keras.ops.convert_to_numpy(x) for x in both(inputs, mask=mask))
    forward = trace_gates(both.forward_layer, inputs, mask=mask)
    backward = trace_gates(both.backward_layer, inputs, mask=mask)
    assert both.backward_layer.go_backwards
    assert_close(forward["hidden_state"], forward_output, 1e-6, "forward h_t")
    # Bidirectional flips the backward layer's outputs back into input order; the trace keeps processing order.
    assert_close(backward["hidden_state"][:, ::-1], backward_output, 1e-6, "backward h_t")
    assert not np.allclose(forward["hidden_state"], backward["hidden_state"][:, ::-1])
