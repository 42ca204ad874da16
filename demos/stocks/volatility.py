"""Daily variance, the volatility target, and the LSTM's volatility features.

The daily variance v_t is the realised variance of day t's intraday log
returns where the bars are intraday (the offline EURUSD), else the
Garman-Klass range estimator from the day's open, high, low and close:

    v_t = 0.5 * log(H_t / L_t)^2 - (2 log 2 - 1) * log(C_t / O_t)^2

(it measures the day's trading range, not the overnight gap). The target of
day t is the log of the mean variance over the next `horizon` days,
log(mean(v_{t+1} .. v_{t+horizon})): volatility clusters, so it can be
forecast from the recent past. Day t's features use day t and before only.
"""

import numpy as np
import pandas as pd

VOLATILITY_FEATURES = ["log_variance_1d", "log_variance_5d", "log_variance_22d", "return_1d"]
FIRST_COMPLETE_DAY = 22  # the first day with a month (22 trading days) of variances behind it
VARIANCE_FLOOR = 1e-8  # a day without a range (high = low) counts as a daily volatility of 0.01%


def daily_variance(prices):
    """v_t of each day: intraday realised variance if the prices have it, else Garman-Klass."""
    if prices.realized_variance is not None:
        variance = prices.realized_variance.to_numpy(dtype="float64")
    else:
        frame = prices.frame
        range_term = 0.5 * np.log(frame["High"] / frame["Low"]) ** 2
        drift_term = (2 * np.log(2) - 1) * np.log(frame["Close"] / frame["Open"]) ** 2
        variance = (range_term - drift_term).to_numpy(dtype="float64")
    return np.maximum(variance, VARIANCE_FLOOR)


def mean_before(variance, days):
    """The mean variance of the `days` days ending on each day (NaN before there are that many)."""
    return pd.Series(variance).rolling(days).mean().to_numpy()


def volatility_features(variance, close):
    """Features of each day, `(days, len(VOLATILITY_FEATURES))` float32: log variance means and the return."""
    returns = np.diff(np.log(np.asarray(close, dtype="float64")), prepend=np.nan)
    columns = [np.log(variance), np.log(mean_before(variance, 5)), np.log(mean_before(variance, 22)), returns]
    return np.stack(columns, axis=-1).astype("float32")


def volatility_targets(variance, origins, horizon):
    """log(mean(v_{t+1} .. v_{t+horizon})) for each origin day t."""
    cumulative = np.concatenate([[0.0], np.cumsum(variance)])
    origins = np.asarray(origins)
    return np.log((cumulative[origins + horizon + 1] - cumulative[origins + 1]) / horizon).astype("float32")


def annualized_volatility(log_variance):
    """A daily log variance as an annualised volatility in percent (252 trading days)."""
    return 100 * np.sqrt(252 * np.exp(log_variance))
