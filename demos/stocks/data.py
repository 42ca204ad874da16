"""Prices for a run, from the settings' data source, and their chronological split; data problems are one line."""

from typing import NamedTuple

import numpy as np

from datasets import stocks
from demos.cli import CLIError
from demos.stocks.features import split_days, windows
from demos.stocks.tasks import make_task


class Period(NamedTuple):
    """A run's task and split, and what scoring its test period needs."""

    task: object  # a `tasks.PriceTask` or `tasks.VolatilityTask`
    split: object  # `features.split_days`: train, validation and test origins
    test_windows: np.ndarray  # the model's inputs on the test days
    fit_origins: np.ndarray  # the days the model and the baselines are fitted on


def load_period(settings):
    """The task of `settings` (resolved: window and horizon set) and its chronological split."""
    task = make_task(settings, load_prices(settings))
    split = split_days(len(task.close), settings.window, settings.horizon, settings.test_fraction,
                       settings.validation_fraction, task.first_day)
    return Period(task, split, windows(task.features, split.test, settings.window),
                      np.concatenate([split.train, split.validation]))


def load_prices(settings):
    """`datasets.stocks.Prices` from `--csv`, `--offline` or a download of `--ticker`."""
    try:
        return stocks.load(settings.ticker, settings.start, settings.end, settings.csv, settings.offline)
    except stocks.StockDataError as error:
        raise CLIError(str(error)) from None
