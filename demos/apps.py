"""The apps, and what each one provides: the contract every app meets, written once.

An app is a package `demos/<name>/` with the same files for the same jobs
(`demos/README.md`): `settings.py` (a `Settings` dataclass with `seed`,
`distribute`, `out` and `layer`, and `QUICK_SETTINGS`), `data.py`, `model.py`,
`training.py` (`train(settings, initial_weights=None) -> runs.TrainResult`),
`evaluation.py`, `prediction.py`, `explain.py` and `__main__.py`.

The programs that serve every app (the comparison, the lesson) iterate over
`APPS`. An app's modules are imported only when its `parts()` are asked
for (importing its `model.py` also registers its layers and losses for
loading), so a `--help` starts no framework.
"""

import dataclasses
from collections.abc import Callable


@dataclasses.dataclass(frozen=True)
class Parts:
    """An app's code, imported."""

    Settings: type  # the settings dataclass; one field per `train` flag
    QUICK_SETTINGS: dict  # the fields a small run changes (the quick comparison, the lesson)
    TRACED_LAYER: str  # the name of the LSTM layer whose gates `explain` and the lesson read
    check_settings: Callable  # (settings) -> None; a `cli.CLIError` for settings no run can use
    train: Callable  # (settings, initial_weights=None) -> runs.TrainResult


@dataclasses.dataclass(frozen=True)
class App:
    name: str
    quality: str  # the key of metrics.json that says how good a run is
    baseline: str  # the same measure of the app's baseline, in the same run
    higher_is_better: bool
    data_parallel: bool  # whether `--distribute` can split its batches across devices
    parts: Callable  # () -> Parts (imports the app)


def parts_of(settings, model, training):
    """The `Parts` of an app from its three modules."""
    return Parts(settings.Settings, settings.QUICK_SETTINGS, model.TRACED_LAYER, training.check_settings,
                 training.train)


def speech_parts():
    from demos.speech import model, settings, training

    return parts_of(settings, model, training)


def chat_parts():
    from demos.chat import model, settings, training

    return parts_of(settings, model, training)


def stocks_parts():
    from demos.stocks import model, settings, training

    return parts_of(settings, model, training)


APPS = {
    "speech": App("speech", "test_accuracy", "baseline_test_accuracy", True, True, speech_parts),
    "chat": App("chat", "val_bits_per_char", "baseline_val_bits_per_char", False, False, chat_parts),
    "stocks": App("stocks", "rmse", "persistence_rmse", False, True, stocks_parts),
}
