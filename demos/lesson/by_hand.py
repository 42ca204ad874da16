"""Section 2, one step by hand: one real time step of the trained speech model, unit by unit.

The first LSTM of the speech model (its forward direction) reads a real
recording. At one frame, every gate of three units is computed again from
the layer's weights with NumPy, term by term, and checked against what the
layer itself computed (`trace_gates`).
"""

import keras
import numpy as np

from custom_layers import trace_gates
from demos.apps import APPS
from demos.gates import layer_inputs
from demos.speech.data import pad_frames

GATE_ORDER = "ifco"  # Keras' order of the four weight blocks
GATE_FIELDS = {"i": "input_gate", "f": "forget_gate", "c": "candidate", "o": "output_gate"}


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def chosen_units(trace, step):
    """Three units worth reading: the one that keeps most (largest f_t), erases most, and holds most (|C_t|)."""
    forget, cell = trace["forget_gate"][0, step], np.abs(trace["cell_state"][0, step])
    units = [int(forget.argmax()), int(forget.argmin())]
    units.append(int(next(unit for unit in np.argsort(-cell) if unit not in units)))
    return units


def step_by_hand(layer, x_t, h_prev, c_prev, unit):
    """Every term of one unit's step, from the weights: `{gate: {Wx, Uh, b, z, value}, C_prev, C, h_prev, h}`."""
    kernel, recurrent_kernel, bias = (keras.ops.convert_to_numpy(w).astype("float64") for w in layer.cell.weights)
    units = layer.cell.units
    terms = {}
    for block, gate in enumerate(GATE_ORDER):
        column = block * units + unit
        wx, uh, b = float(x_t @ kernel[:, column]), float(h_prev @ recurrent_kernel[:, column]), float(bias[column])
        z = wx + uh + b
        terms[gate] = {"Wx": wx, "Uh": uh, "b": b, "z": z, "value": float(np.tanh(z) if gate == "c" else sigmoid(z))}
    c = terms["f"]["value"] * c_prev[unit] + terms["i"]["value"] * terms["c"]["value"]
    h = terms["o"]["value"] * np.tanh(c)
    return {"unit": unit, **terms, "C_prev": float(c_prev[unit]), "C": float(c), "h_prev": float(h_prev[unit]),
            "h": float(h)}


def measure(speech):
    """One frame in the middle of the first test recording, three units by hand, checked against the layer."""
    from demos.speech.data import load_data

    test = load_data(speech.settings).test
    frames = pad_frames(test.features[:1])
    layer, inputs, mask = layer_inputs(speech.model, APPS["speech"].parts().TRACED_LAYER, frames)
    trace = trace_gates(layer, inputs, mask=mask)
    step = inputs.shape[1] // 2
    x_t = inputs[0, step].astype("float64")
    h_prev, c_prev = (trace[name][0, step - 1].astype("float64") for name in ("hidden_state", "cell_state"))
    units = [step_by_hand(layer, x_t, h_prev, c_prev, unit) for unit in chosen_units(trace, step)]
    differences = []
    for computed in units:
        unit = computed["unit"]
        differences += [abs(computed[gate]["value"] - trace[GATE_FIELDS[gate]][0, step, unit]) for gate in GATE_ORDER]
        differences += [abs(computed["C"] - trace["cell_state"][0, step, unit]),
                        abs(computed["h"] - trace["hidden_state"][0, step, unit])]
    return {"recording": {"digit": int(test.digits[0]), "speaker": test.speakers[0], "frames": int(inputs.shape[1])},
            "step": step, "features": int(inputs.shape[2]), "layer_units": layer.cell.units, "units": units,
            "max_difference_from_layer": float(max(differences))}
