"""Daily variance, the volatility target, and the LSTM's volatility features.

The daily variance v_t is the realised variance of day t's intraday log
returns where the bars are intraday (the offline EURUSD), else the
Garman-Klass range estimator from the day's open, high, low and close:

    v_t = 0.5 * log(H_t / L_t)^2 - (2 log 2 - 1) * log(C_t / O_t)^2

(it measures the day's trading range, not the overnight gap). The target of
day t is the log of the mean variance over the next `horizon` days,
log(mean(v_{t+1} .. v_{t+horizon})): volatility clusters, so it can be
forecast from the recent past. Day t's features use day t and before only:
the log variance over 1, 5 and 22 days (the HAR terms), the day's log return,
its negative part and its size (falls raise volatility more than rises: the
leverage effect), the day's log high-low range, and the day's volume against
its last month's mean (log), 0 where a series has no volume.
"""

import numpy as np
import pandas as pd

VOLATILITY_FEATURES = ["log_variance_1d", "log_variance_5d", "log_variance_22d", "return_1d", "negative_return",
                       "absolute_return", "log_range", "log_volume_ratio"]
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


def volatility_features(variance, prices, inputs=None):
    """Features of each day, `(days, len(inputs))` float32, `inputs` names of `VOLATILITY_FEATURES` (None: all)."""
    frame = prices.frame
    returns = np.diff(np.log(frame["Close"].to_numpy(dtype="float64")), prepend=np.nan)
    volume = frame["Volume"].to_numpy(dtype="float64")
    month_volume = mean_before(volume, 22)
    with np.errstate(divide="ignore", invalid="ignore"):
        volume_ratio = np.where((volume > 0) & (month_volume > 0), np.log(volume / month_volume), 0.0)
    columns = {
        "log_variance_1d": np.log(variance),
        "log_variance_5d": np.log(mean_before(variance, 5)),
        "log_variance_22d": np.log(mean_before(variance, 22)),
        "return_1d": returns,
        "negative_return": np.minimum(returns, 0.0),
        "absolute_return": np.abs(returns),
        "log_range": np.log(np.maximum(frame["High"] / frame["Low"], 1.0 + VARIANCE_FLOOR)).to_numpy("float64"),
        "log_volume_ratio": np.where(np.isnan(month_volume), np.nan, volume_ratio),
    }
    return np.stack([columns[name] for name in inputs or VOLATILITY_FEATURES], axis=-1).astype("float32")


def parse_inputs(text):
    """The feature names of `--drop-inputs` removed from `VOLATILITY_FEATURES`; ValueError for an unknown name."""
    dropped = [name.strip() for name in (text or "").split(",") if name.strip()]
    unknown = [name for name in dropped if name not in VOLATILITY_FEATURES]
    if unknown:
        raise ValueError(f"unknown input {unknown[0]!r}: the inputs are {', '.join(VOLATILITY_FEATURES)}")
    kept = [name for name in VOLATILITY_FEATURES if name not in dropped]
    if not kept:
        raise ValueError("--drop-inputs leaves no input")
    return kept


def volatility_targets(variance, origins, horizon):
    """log(mean(v_{t+1} .. v_{t+horizon})) for each origin day t."""
    cumulative = np.concatenate([[0.0], np.cumsum(variance)])
    origins = np.asarray(origins)
    return np.log((cumulative[origins + horizon + 1] - cumulative[origins + 1]) / horizon).astype("float32")


def annualized_volatility(log_variance):
    """A daily log variance as an annualised volatility in percent (252 trading days)."""
    return 100 * np.sqrt(252 * np.exp(log_variance))
