"""The pictures of the stocks demo: the test period, the next days, the price above a gate trace."""

import numpy as np
from matplotlib.figure import Figure

ZOOM_DAYS = 60  # the lower panel of the price test plot shows the last days up close
CALM_TO_STORM_DAYS = 500  # the lower panel of the volatility test plot: about two years around the highest volatility


def plot_test_period(dates, actual, forecasts, path, title):
    """Actual closes and the forecasts (name -> prices) over the test period, then its last days."""
    lines = [("actual", actual, "black", 1.4)] + [(name, values, None, 1.0) for name, values in forecasts.items()]
    zoom = slice(max(0, len(dates) - ZOOM_DAYS), len(dates))
    plot_two_panels(dates, lines, "close", zoom, "test period", f"last {zoom.stop - zoom.start} days of it", path,
                    title)


def plot_two_panels(dates, lines, ylabel, zoom, top_title, bottom_title, path, title):
    """`lines` = (label, values, colour, width) over all `dates`, and again over the days of the slice `zoom`."""
    figure = Figure(figsize=(11, 7), layout="constrained")
    axes = figure.subplots(2, 1)
    for axis, part in zip(axes, (slice(0, len(dates)), zoom), strict=True):
        for label, values, color, width in lines:
            axis.plot(dates[part], values[part], color=color, linewidth=width, label=label)
        axis.set_ylabel(ylabel)
        axis.grid(alpha=0.3)
        axis.legend(fontsize=8, ncol=3)
    axes[0].set_title(top_title)
    axes[1].set_title(bottom_title)
    figure.suptitle(title)
    figure.savefig(path, dpi=110)


def plot_next_days(history_dates, history, future_dates, future, path, title):
    """The last days of history and the forecast that continues them."""
    figure = Figure(figsize=(10, 4.5), layout="constrained")
    axis = figure.subplots()
    axis.plot(history_dates, history, color="black", linewidth=1.2, label="close")
    axis.plot(
        [history_dates[-1], *future_dates], [history[-1], *future], marker="o", markersize=3, label="forecast"
    )
    axis.plot([history_dates[-1], *future_dates], [history[-1]] * (len(future_dates) + 1), color="grey",
              linestyle="--", label="persistence: no change")
    axis.set_ylabel("close")
    axis.grid(alpha=0.3)
    axis.legend()
    axis.set_title(title)
    figure.savefig(path, dpi=110)


def price_header(close, label):
    """A `header(axis)` for `plot_gate_trace`: the close on each day of the window."""

    def header(axis):
        axis.plot(range(len(close)), close, color="black", marker=".", linewidth=1)
        axis.set_ylabel(label.split()[-1], fontsize=8)
        axis.set_title(label, loc="left", fontsize=9)
        axis.grid(alpha=0.3)

    return header


def plot_volatility(dates, actual, forecasts, path, title):
    """Realised against forecast volatility (annualised %, from log variances), the baselines beside."""
    from demos.stocks.volatility import annualized_volatility

    styles = {"model": ("LSTM", "tab:red", 1.6), "har": ("har", "tab:blue", 1.0),
              "garch": ("garch", "tab:green", 1.0), "gjr_garch": ("gjr-garch", "tab:olive", 1.0),
              "ewma": ("ewma", "tab:purple", 0.8), "persistence": ("persistence", "tab:grey", 0.8)}
    lines = [("realised", annualized_volatility(actual), "black", 1.2)]
    lines += [(label, annualized_volatility(forecasts[name]), color, width)
              for name, (label, color, width) in styles.items() if name in forecasts]
    peak = int(np.argmax(actual))
    first = min(max(0, peak - CALM_TO_STORM_DAYS * 3 // 4), max(0, len(dates) - CALM_TO_STORM_DAYS))
    zoom = slice(first, min(len(dates), first + CALM_TO_STORM_DAYS))
    plot_two_panels(dates, lines, "volatility, % a year", zoom,
                    "test period: each forecast is dated on the last day it covers",
                    f"{dates[zoom][0].date()}..{dates[zoom][-1].date()}: into and out of the highest volatility",
                    path, title)


def plot_volatility_forecast(dates, monthly, future_dates, forecast, path, title, persistence=None):
    """The last month's volatility over the recent days, and the forecast over the days it covers
    (beside persistence's, when given)."""
    figure = Figure(figsize=(10, 4.5), layout="constrained")
    axis = figure.subplots()
    axis.plot(dates, monthly, color="black", linewidth=1.2, label="volatility of the last 22 days")
    axis.plot(future_dates, [forecast] * len(future_dates), color="tab:red", linewidth=3, marker="o",
              label="LSTM forecast: mean over the coming days")
    if persistence is not None:
        axis.plot(future_dates, [persistence] * len(future_dates), color="grey", linestyle="--",
                  label="persistence: the last month's level")
    axis.set_ylabel("volatility, % a year")
    axis.set_title(title)
    axis.grid(alpha=0.3)
    axis.legend()
    figure.savefig(path, dpi=110)
