"""Prices for a run, from the settings' data source; data problems become one-line `CLIError`s."""

from datasets import stocks
from demos.common import CLIError


def load_prices(settings):
    """`datasets.stocks.Prices` from `--csv`, `--offline` or a download of `--ticker`."""
    try:
        return stocks.load(settings.ticker, settings.start, settings.end, settings.csv, settings.offline)
    except stocks.StockDataError as error:
        raise CLIError(str(error)) from None
