"""The settings of a stock-forecasting run."""

import dataclasses

from demos.common import check_ranges
from demos.layers import check_layer

APP = "stocks"


@dataclasses.dataclass
class Settings:
    ticker: str = "GOOG"  # Yahoo Finance symbol to download
    start: str = "2010-01-01"  # first day to download (YYYY-MM-DD)
    end: str | None = None  # day after the last one to download (YYYY-MM-DD); None: today
    csv: str | None = None  # read prices from this CSV file (Date, Open, High, Low, Close, Volume) instead
    offline: bool = False  # use the GOOG prices 2004-2013 shipped with the backtesting package
    layer: str = "custom"  # "custom" (ExplicitLSTM) or "builtin" (keras.layers.LSTM)
    window: int = 30  # trading days of features the model sees
    horizon: int = 1  # predict the close this many trading days ahead
    units: int = 32  # LSTM units
    epochs: int = 30  # most training epochs (early stopping on validation loss)
    patience: int = 5  # epochs without validation improvement before stopping
    batch_size: int = 64  # windows per training step
    learning_rate: float = 1e-3  # Adam learning rate
    test_fraction: float = 0.2  # last share of the days kept for the test period
    validation_fraction: float = 0.15  # last share of the training part used for validation
    seed: int = 42  # random seed (same seed, same numbers)
    out: str | None = None  # run folder; None: a new folder under runs/stocks/

    def __post_init__(self):
        check_ranges(
            self,
            at_least_one=("window", "horizon", "units", "epochs", "patience", "batch_size"),
            open_fractions=("test_fraction", "validation_fraction"),
            positive=("learning_rate",),
        )
        check_layer(self.layer)
