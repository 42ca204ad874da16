"""The gates of the LSTM over one input window, under the close of those days."""

from custom_layers import plot_gate_trace
from demos.common import CLIError, trace_model_layer
from demos.stocks.features import FIRST_COMPLETE_DAY, daily_features, windows
from demos.stocks.model import LSTM_NAME
from demos.stocks.plots import price_header


def window_end(dates, window, day=None):
    """Index of the last day of the traced window: the last trading day on or before `day` (default: the last)."""
    end = len(dates) - 1 if day is None else int(dates.searchsorted(day, side="right")) - 1
    if end < FIRST_COMPLETE_DAY + window - 1:
        raise CLIError(
            f"no full window of {window} days ends on {(day or dates[-1]).date()}: need {FIRST_COMPLETE_DAY + window} days of prices up to it"
        )
    return end


def explain(model, prices, window, end, path):
    """Traces the gates over the window ending on day `end`; writes the plot and returns the trace."""
    close = prices.frame["Close"].to_numpy()
    trace = trace_model_layer(model, LSTM_NAME, windows(daily_features(close[: end + 1]), [end], window))
    dates = prices.frame.index[end - window + 1 : end + 1]
    figure = plot_gate_trace(
        trace,
        tick_labels=[date.strftime("%Y-%m-%d") for date in dates],
        title=f"{prices.ticker}: LSTM gates over the {window} days up to {dates[-1].date()}",
        header=price_header(close[end - window + 1 : end + 1], "close"),
    )
    for axis in figure.axes:
        axis.tick_params(axis="x", labelrotation=90)
    figure.savefig(path, dpi=110)
    return trace
