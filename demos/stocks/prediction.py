"""Forecasts from a trained model: the next days, by iterating the model on its own forecasts."""

import numpy as np
import pandas as pd

from demos.common import CLIError
from demos.stocks.features import FIRST_COMPLETE_DAY, daily_features, windows


def forecast_log_return(model, close, window):
    """The model's log return forecast made on the last day of `close` (only that day and before are used)."""
    if len(close) < FIRST_COMPLETE_DAY + window:
        raise CLIError(
            f"need at least {FIRST_COMPLETE_DAY + window} days of prices for a window of {window}, got {len(close)}"
        )
    recent = np.asarray(close[-(FIRST_COMPLETE_DAY + window) :])
    inputs = windows(daily_features(recent), [len(recent) - 1], window)
    return float(model.predict(inputs, verbose=0)[0, 0])


def forecast_days(model, close, days, window, horizon):
    """Closes of the next `days` trading days, by recursion.

    Each step forecasts the close `horizon` days after the last known (or
    already forecast) day and appends it; for `horizon` > 1 the days in between
    lie on a straight line in log price. The forecasts then serve as inputs of
    the next step, so errors compound and the path flattens towards the drift
    the model has learned.
    """
    log_path = list(np.log(np.asarray(close, dtype="float64")))
    while len(log_path) < len(close) + days:
        step = forecast_log_return(model, np.exp(log_path), window)
        log_path += [log_path[-1] + step * day / horizon for day in range(1, horizon + 1)]
    return np.exp(log_path[len(close) : len(close) + days])


def next_trading_days(last_date, days):
    """The `days` weekdays after `last_date` (exchange holidays are not known here)."""
    return pd.bdate_range(last_date + pd.Timedelta(days=1), periods=days)
