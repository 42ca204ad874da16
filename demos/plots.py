"""What a person reads after a run: curves per epoch as a PNG, tables as text."""

import numpy as np


def history_dict(history):
    """A Keras `History` as plain lists of floats per metric."""
    return {name: [float(value) for value in values] for name, values in history.history.items()}


def plot_history(history, path, title=None):
    """Draws training and validation curves, one panel per metric, to a PNG.

    Args:
        history: Mapping metric name -> list of per-epoch values (`history_dict`).
        path: PNG file to write.
        title: Optional figure title.
    """
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    metrics = [name for name in history if not name.startswith("val_") and name != "learning_rate"]
    figure = Figure(figsize=(5 * len(metrics), 3.6), layout="constrained")
    axes = np.atleast_1d(figure.subplots(1, len(metrics)))
    for axis, name in zip(axes, metrics):
        epochs = np.arange(1, len(history[name]) + 1)
        axis.plot(epochs, history[name], marker="o", markersize=3, label="training")
        if f"val_{name}" in history:
            axis.plot(epochs, history[f"val_{name}"], marker="o", markersize=3, label="validation")
        axis.set_xlabel("epoch")
        axis.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))  # one epoch: the tick 1, not fractions
        axis.set_ylabel(name)
        axis.grid(alpha=0.3)
        axis.legend()
    if title:
        figure.suptitle(title)
    figure.savefig(path, dpi=110)


def format_table(rows, headers):
    """Formats rows as an aligned plain-text table."""
    cells = [[str(header) for header in headers]] + [[_format_cell(value) for value in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _format_cell(value):
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
