"""Look inside a layer: record its gates on real input and draw them."""

import keras
import numpy as np
from keras import ops

from custom_layers.explicit_lstm import ExplicitLSTM
from custom_layers.lstm_step import LSTMStep

GATE_NAMES = LSTMStep._fields  # input_gate, forget_gate, candidate, output_gate, cell_state, hidden_state

# How each trace row is drawn: colour map and value range (None: symmetric around 0).
_STYLE = {
    "input_gate": ("viridis", (0.0, 1.0), "i_t  input gate"),
    "forget_gate": ("viridis", (0.0, 1.0), "f_t  forget gate"),
    "candidate": ("RdBu_r", (-1.0, 1.0), "C~_t  candidate"),
    "output_gate": ("viridis", (0.0, 1.0), "o_t  output gate"),
    "cell_state": ("RdBu_r", None, "C_t  cell state"),
    "hidden_state": ("RdBu_r", (-1.0, 1.0), "h_t  hidden state"),
    "normalizer_state": ("viridis", None, "n_t  normaliser state"),
    "stabilizer_state": ("RdBu_r", None, "m_t  stabiliser state"),
}


def trace_gates(layer, inputs, mask=None):
    """Runs a built `ExplicitLSTM` (or a variant) on `inputs` and records every gate.

    The trace comes from Keras' recurrent loop running the layer's own cell
    and step (`ExplicitLSTMCell.step`), with its weights, masking and
    direction, in inference mode; a stateful layer starts from its current
    state (which is left unchanged).

    Args:
        layer: A built `ExplicitLSTM`, for instance a layer of a trained model.
        inputs: Array `(batch, time, features)`.
        mask: Optional boolean array `(batch, time)`.

    Returns:
        A dict with the fields of the cell's step result (`GATE_NAMES` for
        the LSTM; the sLSTM adds `normalizer_state` and `stabilizer_state`),
        each a NumPy array `(batch, time, units)` in the order of the layer's
        `return_sequences` output (reversed in time when `go_backwards=True`);
        `hidden_state` equals that output. A masked step repeats the record
        of the step before it (zeros before the first unmasked step), as the
        layer repeats its output.
    """
    if not isinstance(layer, ExplicitLSTM):
        raise ValueError(f"`layer` must be an ExplicitLSTM, got {type(layer).__name__}.")
    if not layer.built:
        raise ValueError(f"Layer {layer.name!r} is not built yet: call it on data or load trained weights first.")
    inputs = ops.convert_to_tensor(inputs, dtype=layer.compute_dtype)
    _check_inputs(layer, inputs, mask)
    if layer.stateful:
        initial_state = [ops.convert_to_tensor(state) for state in layer.states]
    else:
        initial_state = layer.cell.get_initial_state(batch_size=ops.shape(inputs)[0])
    # Every record of a step is one output of this loop. Keras' loops size the output a masked step
    # repeats from the first state on some backends, so masked steps come out as zeros here and
    # are filled in below, as the layer fills its own output.
    loop = keras.layers.RNN(
        _TracingCell(layer.cell),
        return_sequences=True,
        go_backwards=layer.go_backwards,
        unroll=layer.unroll,
        zero_output_for_mask=True,
    )
    mask = None if mask is None else np.asarray(mask, dtype=bool)
    outputs = ops.convert_to_numpy(loop(inputs, initial_state=initial_state, mask=mask))
    if mask is not None and not layer.zero_output_for_mask:
        outputs = _repeat_over_masked_steps(outputs, mask[:, ::-1] if layer.go_backwards else mask)
    names = layer.cell.STEP._fields
    return dict(zip(names, np.split(outputs, len(names), axis=-1)))


def _repeat_over_masked_steps(outputs, mask):
    """Each masked step `(batch, time)` repeats the record of the step before it (zeros before the first)."""
    filled = outputs.copy()
    previous = np.zeros_like(outputs[:, 0])
    for step in range(outputs.shape[1]):
        keep = mask[:, step, None]
        filled[:, step] = np.where(keep, outputs[:, step], previous)
        previous = filled[:, step]
    return filled


class _TracingCell(keras.layers.Layer):
    """Wraps a built cell: the same step and states; the output is every gate, side by side."""

    def __init__(self, cell):
        super().__init__(dtype=cell.dtype_policy)
        self.cell = cell
        self.state_size = cell.state_size
        self.output_size = len(cell.STEP._fields) * cell.units
        self.built = True

    def call(self, inputs, states):
        result = self.cell.step(self.cell.project_inputs(inputs), states)
        return ops.concatenate(list(result), axis=-1), self.cell.next_states(result)


def _check_inputs(layer, inputs, mask):
    features = layer.cell.kernel.shape[0]
    if len(inputs.shape) != 3 or inputs.shape[-1] != features:
        raise ValueError(
            f"`inputs` must have shape (batch, time, {features}) for layer {layer.name!r}, "
            f"got {tuple(inputs.shape)}."
        )
    if mask is not None and tuple(np.shape(mask)) != tuple(inputs.shape[:2]):
        raise ValueError(f"`mask` must have shape {tuple(inputs.shape[:2])}, got {tuple(np.shape(mask))}.")


def plot_gate_trace(trace, path=None, sample=0, tick_labels=None, max_units=48, title=None, header=None):
    """Draws a trace as heatmaps, one row per gate or state, time on the x axis.

    Args:
        trace: The dict returned by `trace_gates`.
        path: Where to write the PNG; `None` only returns the figure.
        sample: Which sequence of the batch to draw. Default: 0.
        tick_labels: Optional label per time step (characters, dates...).
        max_units: Draw at most this many units, those whose h_t varies most.
            Default: 48.
        title: Optional figure title.
        header: Optional function `header(axis)` drawing an extra top row on
            the same time axis (a waveform, a spectrogram, a price line).

    Returns:
        The matplotlib `Figure`.
    """
    from matplotlib.cm import (
        ScalarMappable,  # only where a plot is drawn: the layer itself needs no matplotlib
    )
    from matplotlib.figure import Figure

    hidden = trace["hidden_state"][sample]  # (time, units)
    time_steps, units = hidden.shape
    shown = np.sort(np.argsort(-hidden.std(axis=0), kind="stable")[:max_units])
    names = [name for name in trace if name in _STYLE]
    rows = len(names) + (header is not None)
    figure = Figure(figsize=(max(8.0, min(24.0, 0.14 * time_steps + 3)), 1.6 * rows + 0.8), layout="constrained")
    axes = figure.subplots(rows, 1, sharex=True, squeeze=False)[:, 0]
    if header is not None:
        header(axes[0])
        # An invisible colour bar keeps the header exactly as wide as the heatmaps below it.
        figure.colorbar(ScalarMappable(), ax=axes[0], pad=0.01, fraction=0.03).ax.set_visible(False)
        axes = axes[1:]
    for axis, name in zip(axes, names):
        _draw_heatmap(figure, axis, name, trace[name][sample][:, shown].T)
        axis.set_ylabel(f"unit ({len(shown)} of {units})", fontsize=8)
    _set_time_ticks(axes[-1], time_steps, tick_labels)
    if title:
        figure.suptitle(title)
    if path is not None:
        figure.savefig(path, dpi=110)
    return figure


def _draw_heatmap(figure, axis, name, values):
    colour_map, value_range, label = _STYLE[name]
    if value_range is None:
        limit = float(np.abs(values).max()) or 1.0
        value_range = (-limit, limit)
    image = axis.imshow(
        values, aspect="auto", interpolation="nearest", cmap=colour_map,
        vmin=value_range[0], vmax=value_range[1], extent=(-0.5, values.shape[1] - 0.5, values.shape[0] - 0.5, -0.5),
    )
    axis.set_title(label, loc="left", fontsize=9)
    axis.set_yticks([])
    figure.colorbar(image, ax=axis, pad=0.01, fraction=0.03)


def _set_time_ticks(axis, time_steps, tick_labels):
    if tick_labels is None:
        axis.set_xlabel("time step")
        return
    labels = [repr(label)[1:-1] if isinstance(label, str) else str(label) for label in tick_labels]
    every = max(1, int(np.ceil(len(labels) / 120)))
    positions = list(range(0, min(time_steps, len(labels)), every))
    axis.set_xticks(positions)
    axis.set_xticklabels([labels[p] for p in positions], fontsize=7, family="monospace")
