"""The settings of a stock-forecasting run."""

import dataclasses

from demos.common import CLIError


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
        for name in ("window", "horizon", "units", "epochs", "patience", "batch_size"):
            if getattr(self, name) < 1:
                raise CLIError(f"--{name.replace('_', '-')} must be at least 1, got {getattr(self, name)}")
        for name in ("test_fraction", "validation_fraction"):
            if not 0 < getattr(self, name) < 1:
                raise CLIError(
                    f"--{name.replace('_', '-')} must be between 0 and 1, got {getattr(self, name)}"
                )
        if self.layer not in ("custom", "builtin"):
            raise CLIError(f"--layer must be 'custom' or 'builtin', got {self.layer!r}")
