"""`intervene` holds gates inside the layer's own step, and leaving it restores the layer."""

import keras
import numpy as np
import pytest
from lstm_testing import UNITS, assert_close, random_inputs, randomize_weights

from custom_layers import ExplicitLSTM, PeepholeLSTM, intervene, trace_gates


def built_layer():
    layer = ExplicitLSTM(UNITS, return_sequences=True)
    layer.build(random_inputs().shape)
    randomize_weights(layer)
    return layer


def small_model():
    inputs = keras.Input(random_inputs().shape[1:])
    hidden = keras.layers.Bidirectional(ExplicitLSTM(UNITS, return_sequences=True))(inputs)
    model = keras.Model(inputs, keras.layers.Dense(3)(ExplicitLSTM(UNITS)(hidden)))
    for layer in model.layers:
        for inner in (layer, getattr(layer, "forward_layer", None), getattr(layer, "backward_layer", None)):
            if isinstance(inner, ExplicitLSTM):
                randomize_weights(inner)
    return model


def as_numpy(x):
    return keras.ops.convert_to_numpy(x)


def test_holding_nothing_changes_nothing():
    layer, inputs = built_layer(), random_inputs()
    with intervene(layer):
        held = as_numpy(layer(inputs))
    np.testing.assert_array_equal(held, as_numpy(layer(inputs)))


def test_forget_gate_at_zero_keeps_only_what_is_written():
    layer = built_layer()
    with intervene(layer, forget_gate=0.0):
        trace = trace_gates(layer, random_inputs())
    assert np.all(trace["forget_gate"] == 0.0)
    np.testing.assert_array_equal(trace["cell_state"], trace["input_gate"] * trace["candidate"])  # C_t = i_t * C~_t


def test_held_gates_follow_the_equations():
    layer = built_layer()
    with intervene(layer, input_gate=0.25, output_gate=1.0):
        trace = trace_gates(layer, random_inputs())
    assert np.all(trace["input_gate"] == 0.25) and np.all(trace["output_gate"] == 1.0)
    previous = np.concatenate([np.zeros_like(trace["cell_state"][:, :1]), trace["cell_state"][:, :-1]], axis=1)
    assert_close(trace["cell_state"], trace["forget_gate"] * previous + 0.25 * trace["candidate"], 1e-6, "C_t")
    assert_close(trace["hidden_state"], np.tanh(trace["cell_state"]), 1e-6, "h_t = tanh(C_t) with o_t = 1")


def test_only_the_chosen_units_are_held():
    layer, inputs = built_layer(), random_inputs()
    free = trace_gates(layer, inputs)
    with intervene(layer, forget_gate=1.0, units=[0, 2]):
        held = trace_gates(layer, inputs)
    assert np.all(held["forget_gate"][..., [0, 2]] == 1.0)
    assert not np.allclose(held["forget_gate"][..., 1], 1.0)
    # Unit 1 is not held, but it reads h_{t-1} of the held units, so it changes after the first step.
    np.testing.assert_allclose(held["hidden_state"][:, 0, 1], free["hidden_state"][:, 0, 1], atol=1e-6)


def test_leaving_restores_the_layer_even_after_an_error():
    layer, inputs = built_layer(), random_inputs()
    before = as_numpy(layer(inputs))
    with pytest.raises(RuntimeError), intervene(layer, forget_gate=0.0):
        raise RuntimeError("inside")
    np.testing.assert_array_equal(as_numpy(layer(inputs)), before)


def test_nested_holds_restore_the_outer_one():
    layer, inputs = built_layer(), random_inputs()
    with intervene(layer, forget_gate=0.0):
        outer = as_numpy(layer(inputs))
        with intervene(layer, output_gate=1.0):
            pass
        np.testing.assert_array_equal(as_numpy(layer(inputs)), outer)


def test_a_model_predicts_with_every_layer_held_then_restored():
    model, inputs = small_model(), random_inputs()
    before = model.predict(inputs, verbose=0)
    with intervene(model, forget_gate=0.0) as layers:
        held = model.predict(inputs, verbose=0)
        assert len(layers) == 3  # both directions of the Bidirectional layer, and the last layer
    after = model.predict(inputs, verbose=0)
    np.testing.assert_array_equal(after, before)
    assert not np.allclose(held, before)


@pytest.mark.parametrize(
    "target, arguments, message",
    [
        ("layer", {"forget_gate": 1.5}, "forget_gate=1.5"),
        ("layer", {"output_gate": -0.1}, "output_gate=-0.1"),
        ("layer", {"forget_gate": 0.0, "units": [UNITS]}, "units="),
        ("dense", {"forget_gate": 0.0}, "model_or_layer"),
        ("peephole", {"forget_gate": 0.0}, "PeepholeLSTM"),
        ("no_lstm", {"forget_gate": 0.0}, "holds no ExplicitLSTM"),
    ],
)
def test_bad_arguments_are_refused(target, arguments, message):
    if target == "peephole":
        target = PeepholeLSTM(UNITS)
        target.build(random_inputs().shape)
    elif target == "no_lstm":
        inputs = keras.Input((3,))
        target = keras.Model(inputs, keras.layers.Dense(2)(inputs))
    else:
        target = built_layer() if target == "layer" else keras.layers.Dense(2)
    with pytest.raises(ValueError, match=message), intervene(target, **arguments):
        pass
