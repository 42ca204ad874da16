"""Section 3, three common confusions about h_t and C_t, measured on the trained demo models.

(1) h_t against C_t: their ranges and how fast each changes from one step to the next.
(2) Why not output C_t: how often |C_t| leaves [-1, 1], while h_t = o_t tanh(C_t) never can.
(3) Can a small o_t hide a large C_t? The share of (unit, step) cells where |C_t| is large,
    o_t is small, and h_t is therefore near 0.
"""

import numpy as np
from matplotlib.figure import Figure

LARGE_CELL = 1.0  # |C_t| above this is "large": beyond what tanh(C_t) or h_t can reach
SMALL_GATE = 0.1  # o_t below this is "small": h_t is then within 0.1 of 0


def lag_one_autocorrelation(values, valid):
    """Mean over units of the correlation between a unit's value at t and at t + 1 (both real steps)."""
    both = valid[:, 1:] & valid[:, :-1]
    now, after = values[:, :-1][both], values[:, 1:][both]  # (pairs, units)
    now, after = now - now.mean(axis=0), after - after.mean(axis=0)
    spread = np.sqrt((now**2).sum(axis=0) * (after**2).sum(axis=0))
    moving = spread > 0
    return float(((now * after).sum(axis=0)[moving] / spread[moving]).mean())


def summary(traced):
    """The three measures on one model's trace (real steps only)."""
    trace, valid = traced.trace, traced.valid
    h, c, o = (trace[name][valid] for name in ("hidden_state", "cell_state", "output_gate"))  # (cells, units)
    hidden = (np.abs(c) > LARGE_CELL) & (o < SMALL_GATE)
    return {
        "cells": int(h.size),
        "h_range": [float(h.min()), float(h.max())],
        "c_range": [float(c.min()), float(c.max())],
        "h_p99_abs": float(np.percentile(np.abs(h), 99)),
        "c_p99_abs": float(np.percentile(np.abs(c), 99)),
        "h_autocorrelation": lag_one_autocorrelation(trace["hidden_state"], valid),
        "c_autocorrelation": lag_one_autocorrelation(trace["cell_state"], valid),
        "h_mean_step_change": mean_step_change(trace["hidden_state"], valid),
        "c_mean_step_change": mean_step_change(trace["cell_state"], valid),
        "share_abs_c_above_1": float((np.abs(c) > LARGE_CELL).mean()),
        "share_abs_h_above_1": float((np.abs(h) > 1.0).mean()),
        "share_large_c_small_o": float(hidden.mean()),
        "mean_abs_h_there": float(np.abs(h[hidden]).mean()) if hidden.any() else None,
        "mean_abs_c_there": float(np.abs(c[hidden]).mean()) if hidden.any() else None,
    }


def mean_step_change(values, valid):
    """Mean |x_{t+1} - x_t| over real consecutive steps and units."""
    both = valid[:, 1:] & valid[:, :-1]
    return float(np.abs(values[:, 1:] - values[:, :-1])[both].mean())


def example(traced):
    """The (sequence, unit) with the most hidden-memory steps: its C_t, o_t and h_t over the real steps."""
    trace, valid = traced.trace, traced.valid
    hidden = (np.abs(trace["cell_state"]) > LARGE_CELL) & (trace["output_gate"] < SMALL_GATE) & valid[..., None]
    counts = hidden.sum(axis=1)  # (batch, units)
    sequence, unit = np.unravel_index(counts.argmax(), counts.shape)
    if counts[sequence, unit] == 0:
        return None
    steps = valid[sequence]
    pick = {name: trace[name][sequence, steps, unit].tolist() for name in ("cell_state", "output_gate", "hidden_state")}
    labels = [traced.texts[sequence][t] for t in np.flatnonzero(steps)] if traced.texts else None
    return {"sequence": int(sequence), "unit": int(unit), "hidden_steps": int(counts[sequence, unit]), **pick,
            "labels": labels}


def measure(traced_by_app):
    results = {app: summary(traced) for app, traced in traced_by_app.items()}
    examples = {app: example(traced) for app, traced in traced_by_app.items()}
    found = {app: found for app, found in examples.items() if found is not None}
    best = max(found, key=lambda app: found[app]["hidden_steps"], default=None)
    return {"large_cell": LARGE_CELL, "small_gate": SMALL_GATE, "models": results,
            "example": None if best is None else {"app": best, **found[best]}}


def plot_example(example):
    figure = Figure(figsize=(7.5, 3.6), layout="constrained")
    axis = figure.subplots()
    steps = np.arange(len(example["cell_state"]))
    axis.plot(steps, example["cell_state"], label="C_t  cell state", color="tab:red")
    axis.plot(steps, example["output_gate"], label="o_t  output gate", color="tab:green")
    axis.plot(steps, example["hidden_state"], label="h_t = o_t tanh(C_t)", color="tab:blue", linewidth=2)
    hidden = (np.abs(example["cell_state"]) > LARGE_CELL) & (np.array(example["output_gate"]) < SMALL_GATE)
    for step in np.flatnonzero(hidden):
        axis.axvspan(step - 0.5, step + 0.5, color="grey", alpha=0.2, linewidth=0)
    axis.axhline(0, color="black", linewidth=0.6)
    if example["labels"]:
        every = max(1, len(steps) // 40)  # at most about 40 characters under the axis
        axis.set_xticks(steps[::every])
        axis.set_xticklabels([repr(label)[1:-1] for label in example["labels"][::every]], fontsize=7,
                             family="monospace")
    axis.set(xlabel="step", title=f"{example['app']} model, unit {example['unit']}: grey steps hold |C_t| > "
             f"{LARGE_CELL:g} behind o_t < {SMALL_GATE:g}")
    axis.legend(fontsize=8, loc="best")
    axis.grid(alpha=0.3)
    return figure
