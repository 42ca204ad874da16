"""The settings of a comparison run."""

import dataclasses

from demos.apps import APPS


@dataclasses.dataclass
class Settings:
    apps: str = ",".join(APPS)  # demos to run, comma-separated
    quick: bool = False  # each app's QUICK_SETTINGS: fewer epochs, a smaller chat model
    layers: str = "builtin,custom"  # LSTM layers to train, comma-separated (names of the demos' --layer)
    distribute: bool = False  # train data-parallel over every local device (the global batch is split)
    cpu_devices: int = 0  # split the CPU into this many virtual devices first (0: leave it whole)
    seed: int = 0  # seed of every training run (same seed, same numbers)
    seeds: str = ""  # several seeds, comma-separated, to tell a difference from noise; empty: --seed
    out: str | None = None  # report folder; None: runs/compare/<time>
