"""The settings of the lesson: one dataclass, one field per flag; `--quick` swaps in smaller ones."""

import dataclasses

APP = "lesson"


@dataclasses.dataclass
class Settings:
    quick: bool = False  # small models and short training: about 10 minutes in all
    lags: str = "5,10,20,50,100,200"  # section 1: lags k of the recall task, comma-separated
    memory_units: int = 32  # section 1: units of the plain RNN and of the LSTM
    train_count: int = 4096  # section 1: training sequences per lag
    test_count: int = 512  # section 1: test sequences per lag (a separate draw)
    memory_epochs: int = 60  # section 1: most epochs per lag and model (stops once solved on validation)
    gradient_lag: int = 50  # section 1: the lag whose input gradients are drawn
    runs: str = "runs"  # trained demo runs are looked for in <runs>/<app>/ (the latest custom-layer one)
    chat_sample: int = 200  # sections 3 and 5: training replies traced in the chat model
    speech_sample: int = 200  # section 3: test recordings traced in the speech model
    stocks_sample: int = 200  # section 3: test windows traced in the stock model
    seed: int = 0  # seeds the tasks, the weights and the samples
    out: str | None = None  # folder of index.html and lesson.json; None: runs/lesson/<time>


# `--quick`: a shorter memory task, fewer samples (and a missing demo model is trained with its QUICK_SETTINGS).
QUICK_OVERRIDES = {"lags": "5,20,50,100", "train_count": 2048, "memory_epochs": 25, "chat_sample": 100,
                   "speech_sample": 100}

# A demo model the lesson trains when <runs>/<app>/ has none: the app's defaults (its QUICK_SETTINGS with
# --quick), and these on top (the stock demo reads the prices shipped with `backtesting`).
DEMO_OVERRIDES = {"stocks": {"offline": True}}


def resolved(settings):
    """The settings with `--quick`'s values in place of the defaults it replaces."""
    if not settings.quick:
        return settings
    defaults = Settings()
    changes = {name: value for name, value in QUICK_OVERRIDES.items() if getattr(settings, name) == getattr(defaults, name)}
    return dataclasses.replace(settings, **changes)
