"""Hold a gate at a constant while a model predicts, to see what the gate does.

    with intervene(model, forget_gate=0.0):
        model.predict(x)  # every ExplicitLSTM of the model forgets C_{t-1} at every step

A held gate replaces the computed one in the last two equations of the step,
inside the layer's own step (`ExplicitLSTMCell.step`), for every unit or for
the chosen ones:

    C_t = f_t * C_{t-1} + i_t * C~_t     with f_t and i_t held where asked
    h_t = o_t * tanh(C_t)                with o_t held where asked
"""

import contextlib

import keras
import numpy as np
from keras import ops

from custom_layers.explicit_lstm import ExplicitLSTM, ExplicitLSTMCell

HELD_GATES = ("forget_gate", "input_gate", "output_gate")


class GateHold:
    """What `intervene` holds in one cell: `{gate name: value}` and the units (a bool mask, or None: all)."""

    def __init__(self, values, unit_mask=None):
        self.values = values
        self.unit_mask = unit_mask

    def held(self, name, gate):
        """`gate` with this hold applied (unchanged if `name` is not held)."""
        if name not in self.values:
            return gate
        value = ops.full_like(gate, self.values[name])
        return value if self.unit_mask is None else ops.where(self.unit_mask, value, gate)


@contextlib.contextmanager
def intervene(model_or_layer, forget_gate=None, input_gate=None, output_gate=None, units=None):
    """Holds gates of every `ExplicitLSTM` in a model (or of one layer) at constants.

    Inside the `with` block every step of the layers uses the held values
    (see the module docstring); leaving it restores the layers. The compiled
    predict, evaluate and train functions of a model passed in are dropped on
    entering and on leaving, so that `predict`, `evaluate` and `*_on_batch`
    see the change; other models that share the layers (or a layer called
    inside a compiled function of your own) must be re-traced the same way.

    Args:
        model_or_layer: A `keras.Model` (each `ExplicitLSTM` in it, also
            inside `Bidirectional`, is held) or one `ExplicitLSTM`.
        forget_gate: Value in [0, 1] for f_t, or None (computed as usual).
            Default: None.
        input_gate: Value in [0, 1] for i_t, or None. Default: None.
        output_gate: Value in [0, 1] for o_t, or None. Default: None.
        units: Indices of the units held, or None for all of them. Default: None.

    Yields:
        The list of layers held.

    Example:

    >>> layer = ExplicitLSTM(4, return_sequences=True)
    >>> x = np.random.rand(2, 5, 3).astype("float32")
    >>> y = layer(x)
    >>> with intervene(layer, forget_gate=0.0, units=[0, 1]):
    ...     forgetful = layer(x)  # units 0 and 1 keep nothing from one step to the next
    """
    values = {name: value for name, value in zip(HELD_GATES, (forget_gate, input_gate, output_gate))
              if value is not None}
    for name, value in values.items():
        if not 0.0 <= float(value) <= 1.0:
            raise ValueError(f"`{name}` must be in [0, 1] (a gate's range), got {name}={value!r}.")
    layers = _explicit_layers(model_or_layer)
    holds = [GateHold(values, _unit_mask(layer, units)) if values else None for layer in layers]
    previous = [layer.cell.held_gates for layer in layers]
    try:
        for layer, hold in zip(layers, holds):
            layer.cell.held_gates = hold
        _drop_compiled_functions(model_or_layer)
        yield layers
    finally:
        for layer, hold in zip(layers, previous):
            layer.cell.held_gates = hold
        _drop_compiled_functions(model_or_layer)


def _explicit_layers(model_or_layer):
    """The `ExplicitLSTM` layers to hold; a `ValueError` for anything else."""
    if isinstance(model_or_layer, keras.Model):
        candidates = [layer for layer in model_or_layer._flatten_layers(include_self=False)
                      if isinstance(layer, ExplicitLSTM)]
    elif isinstance(model_or_layer, ExplicitLSTM):
        candidates = [model_or_layer]
    else:
        raise ValueError(f"`model_or_layer` must be a keras.Model or an ExplicitLSTM, "
                         f"got {type(model_or_layer).__name__}.")
    for layer in candidates:
        if type(layer.cell).step is not ExplicitLSTMCell.step:
            raise ValueError(f"intervene holds the gates of ExplicitLSTM's own step; layer {layer.name!r} "
                             f"is a {type(layer).__name__}, whose step differs.")
    if not candidates:
        raise ValueError(f"`model_or_layer` {model_or_layer.name!r} holds no ExplicitLSTM layer.")
    return candidates


def _unit_mask(layer, units):
    """A bool `(units,)` tensor marking the held units, or None for all."""
    if units is None:
        return None
    chosen = np.asarray(units, dtype=int).reshape(-1)
    if chosen.size == 0 or chosen.min() < 0 or chosen.max() >= layer.cell.units:
        raise ValueError(f"`units` must be indices in [0, {layer.cell.units}) for layer {layer.name!r}, "
                         f"got units={units!r}.")
    mask = np.zeros(layer.cell.units, dtype=bool)
    mask[chosen] = True
    return ops.convert_to_tensor(mask)


def _drop_compiled_functions(model_or_layer):
    """Makes a model re-trace its predict, test and train functions on their next use."""
    if isinstance(model_or_layer, keras.Model):
        for name in ("predict_function", "test_function", "train_function"):
            setattr(model_or_layer, name, None)
