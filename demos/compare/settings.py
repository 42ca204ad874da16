"""The settings of a comparison run."""

import dataclasses


@dataclasses.dataclass
class Settings:
    apps: str = "speech,chat,stocks"  # demos to run, comma-separated
    quick: bool = False  # fewer epochs, smaller chat model and fewer benchmark shapes (see APP_OVERRIDES)
    seed: int = 0  # seed of every training run (same seed, same numbers)
    benchmark: bool = True  # also time the shapes of benchmarks/lstm_speed.py
    out: str | None = None  # report folder; None: runs/compare/<time>
