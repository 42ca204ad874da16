"""The gates of the LSTM over one input window, under the series they read.

For the volatility target, `explain` shows the gates' story on market data:
the window is placed around a volatility spike, and `shock_response` says
what the forget and input gates did on the day of the shock and how long the
cell state held the memory of it.
"""

import numpy as np

from custom_layers import plot_gate_trace
from demos.cli import CLIError
from demos.gates import trace_model_layer
from demos.stocks.features import windows
from demos.stocks.model import TRACED_LAYER
from demos.stocks.plots import price_header

DAYS_AFTER_SPIKE = 20  # where a spike is traced, the window ends this many days after it


def window_end(task, window, day=None):
    """Index of the last day of the traced window: the last trading day on or before `day` (default: the last)."""
    dates = task.prices.frame.index
    end = len(dates) - 1 if day is None else int(dates.searchsorted(day, side="right")) - 1
    if end < task.first_day + window - 1:
        raise CLIError(f"no full window of {window} days ends on {(day or dates[-1]).date()}: "
                       f"need {task.first_day + window} days of prices up to it")
    return end


def spike_window_end(task, window):
    """The end of a window that holds the largest daily variance, `DAYS_AFTER_SPIKE` days before its end."""
    first = task.first_day + window - DAYS_AFTER_SPIKE - 1
    spike = first + int(np.argmax(task.variance[first : len(task.variance) - DAYS_AFTER_SPIKE]))
    return spike + DAYS_AFTER_SPIKE


def explain(model, task, window, end, path):
    """Traces the gates over the window ending on day `end`; writes the plot and returns the trace."""
    trace = trace_model_layer(model, TRACED_LAYER, windows(task.features, [end], window))
    dates = task.prices.frame.index[end - window + 1 : end + 1]
    label, series = task.header_series
    figure = plot_gate_trace(
        trace,
        tick_labels=[date.strftime("%Y-%m-%d") for date in dates],
        title=f"{task.prices.ticker}: LSTM gates over the {window} days up to {dates[-1].date()}",
        header=price_header(series[end - window + 1 : end + 1], label),
    )
    for axis in figure.axes:
        axis.tick_params(axis="x", labelrotation=90)
    figure.savefig(path, dpi=110)
    return trace


def explain_run(run, day, path):
    """Traces a run's gates over the window ending on `day` (a `pd.Timestamp`) and draws them at `path`.

    Without a day: the window ending on the last day, or for the volatility
    target the window that holds the largest daily variance (`spike_window_end`).
    Returns `(task, end, trace, at_spike)`: the run's task on its data, the
    index of the window's last day, the trace, and whether the window is placed
    around the spike.
    """
    from demos.stocks.data import load_prices
    from demos.stocks.tasks import make_task

    settings = run.settings
    task = make_task(settings, load_prices(settings))
    at_spike = settings.target == "volatility" and day is None
    end = spike_window_end(task, settings.window) if at_spike else window_end(task, settings.window, day)
    return task, end, explain(run.model, task, settings.window, end, path), at_spike


def shock_response(trace, shock_step, units=5):
    """What the gates did at `shock_step` of a trace, and how long the cell state held the shock.

    Returns a dict: the mean forget and input gates over all units on the
    5 steps before the shock and on the shock step; and, for the `units`
    units whose cell state moved most on the shock, the steps until that move
    had halved (None if it never did within the window).
    """
    forget, write, cell = (trace[name][0] for name in ("forget_gate", "input_gate", "cell_state"))
    before = slice(max(0, shock_step - 5), shock_step)
    jump = cell[shock_step] - cell[shock_step - 1]
    moved = np.argsort(-np.abs(jump))[:units]
    half_lives = {}
    for unit in moved:
        left = np.abs(cell[shock_step:, unit] - cell[shock_step - 1, unit]) < 0.5 * abs(jump[unit])
        half_lives[int(unit)] = int(np.argmax(left)) if left.any() else None
    return {
        "forget_gate_before": float(forget[before].mean()), "forget_gate_at_shock": float(forget[shock_step].mean()),
        "input_gate_before": float(write[before].mean()), "input_gate_at_shock": float(write[shock_step].mean()),
        "half_life_steps": half_lives,
    }
