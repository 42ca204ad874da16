"""The settings of a stock-forecasting run."""

import dataclasses

APP = "stocks"
TARGET_DEFAULTS = {"price": {"window": 30, "horizon": 1}, "volatility": {"window": 60, "horizon": 5}}


@dataclasses.dataclass
class Settings:
    ticker: str = "GOOG"  # Yahoo Finance symbol to download
    start: str = "2010-01-01"  # first day to download (YYYY-MM-DD)
    end: str | None = None  # day after the last one to download (YYYY-MM-DD); None: today
    csv: str | None = None  # read prices from this CSV file (Date, Open, High, Low, Close, Volume) instead
    offline: bool = False  # use a series shipped with installed packages: GOOG, EURUSD (hourly), SP500, NASDAQ
    tickers: str | None = None  # several symbols, comma-separated: one model each, a table each and a pooled one
    target: str = "price"  # "price" (the close) or "volatility" (log mean daily variance over the horizon)
    layer: str = "custom"  # one of demos.cli.LAYER_NAMES ("custom": ExplicitLSTM, "builtin": keras.layers.LSTM)
    window: int = 0  # trading days of features the model sees; 0: 30 for price, 60 for volatility
    horizon: int = 0  # trading days ahead; 0: 1 for price, 5 for volatility
    drop_inputs: str = ""  # volatility inputs left out, comma-separated (see volatility.VOLATILITY_FEATURES)
    one_model: bool = False  # with --tickers: also one model for all of them, against one model each
    units: int = 32  # LSTM units
    epochs: int = 30  # most training epochs (early stopping on validation loss)
    patience: int = 5  # epochs without validation improvement before stopping
    batch_size: int = 64  # windows per training step
    learning_rate: float = 1e-3  # Adam learning rate
    test_fraction: float = 0.2  # last share of the days kept for the test period
    validation_fraction: float = 0.15  # last share of the training part used for validation
    refit_every: int = 252  # walk-forward: trading days between refits (252: a year)
    first_test_day: int = 504  # walk-forward: the first test block starts after this many days (2 years)
    distribute: bool = False  # train data-parallel over every local device (the global batch is split)
    cpu_devices: int = 0  # split the CPU into this many virtual devices first (0: leave it whole)
    seed: int = 0  # seeds the weights and the batches (same seed, same numbers)
    out: str | None = None  # run folder; None: a new folder under runs/stocks/

    def resolved(self):
        """These settings with `window` and `horizon` set (0 means the target's default)."""
        defaults = TARGET_DEFAULTS[self.target]
        return dataclasses.replace(self, window=self.window or defaults["window"],
                                   horizon=self.horizon or defaults["horizon"])

# A small run for the quick comparison and the lesson.
QUICK_SETTINGS = {"epochs": 4}
