"""Return-based features, input windows, targets and the chronological split.

Day t's features use closes up to day t only, so a window ending on day t
holds nothing of the future. The target of day t is the log return of the
close `horizon` days later: log(close[t + horizon] / close[t]).
"""

import dataclasses

import numpy as np
import pandas as pd

from demos.cli import CLIError

FEATURES = ["return_1d", "return_5d", "volatility_20d"]
FIRST_COMPLETE_DAY = 20  # the first day with all features (20 daily returns for the volatility)


def daily_features(close):
    """Features of each day, `(days, len(FEATURES))` float32; rows before `FIRST_COMPLETE_DAY` hold NaN."""
    log_close = np.log(pd.Series(np.asarray(close, dtype="float64")))
    returns = log_close.diff()
    columns = [returns, log_close.diff(5), returns.rolling(20).std()]
    return np.stack([column.to_numpy() for column in columns], axis=-1).astype("float32")


def windows(features, origins, window):
    """The `window` days of features ending on each day of `origins`: `(len(origins), window, features)`."""
    every_window = np.lib.stride_tricks.sliding_window_view(
        features, window, axis=0
    )  # (days - window + 1, features, window)
    return np.ascontiguousarray(every_window[np.asarray(origins) - window + 1].transpose(0, 2, 1))


def targets(close, origins, horizon):
    """Log return from each origin day's close to the close `horizon` days later."""
    log_close = np.log(np.asarray(close, dtype="float64"))
    return (log_close[origins + horizon] - log_close[origins]).astype("float32")


@dataclasses.dataclass
class Split:
    """Origin days (where a forecast is made) of each part, by the day their target falls on."""

    train: np.ndarray
    validation: np.ndarray
    test: np.ndarray
    validation_start: int  # first day of the validation period
    test_start: int  # first day of the test period


def split_days(days, window, horizon, test_fraction, validation_fraction, first_day=FIRST_COMPLETE_DAY):
    """Chronological split: the test period is the last `test_fraction` of the days.

    Validation is the end of the training part. A forecast belongs to the part
    its target day falls in (its last target day, for a `horizon` of several
    days), so no training target lies in a later period. The first window
    starts on `first_day`, the first day with every feature.
    """
    test_start = int(round(days * (1 - test_fraction)))
    validation_start = int(round(test_start * (1 - validation_fraction)))
    origins = np.arange(first_day + window - 1, days - horizon)
    target_days = origins + horizon
    split = Split(
        train=origins[target_days < validation_start],
        validation=origins[(target_days >= validation_start) & (target_days < test_start)],
        test=origins[target_days >= test_start],
        validation_start=validation_start,
        test_start=test_start,
    )
    if min(len(split.train), len(split.validation), len(split.test)) < 2:
        raise CLIError(
            f"{days} days are too few for --window {window} and --horizon {horizon}: "
            f"training, validation and test need at least 2 forecasts each"
        )
    return split
