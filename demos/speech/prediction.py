"""A trained run applied to one audio file: its features, the digit, the gates."""

import dataclasses
from pathlib import Path

import numpy as np

from demos.common import CLIError, load_model, read_json, resolve_model_path
from demos.speech.features import file_features
from demos.speech.settings import Settings
from demos.speech.training import APP


@dataclasses.dataclass
class TrainedRun:
    model: object  # the keras.Model
    settings: Settings  # the settings it was trained with (feature settings included)
    run_dir: Path  # the folder of model.keras


def load_run(model=None):
    """The model named by `--model` (latest run if None) and the settings saved beside it."""
    path = resolve_model_path(APP, model)
    settings_path = path.parent / "settings.json"
    if not settings_path.is_file():
        raise CLIError(f"no settings.json beside {path}: it is needed to compute the same features")
    fields = {field.name for field in dataclasses.fields(Settings)}
    settings = Settings(**{key: value for key, value in read_json(settings_path).items() if key in fields})
    return TrainedRun(load_model(path), settings, path.parent)


def audio_features(path, settings):
    """Feature frames `(1, time, features)` of an audio file; a bad file is a `CLIError`."""
    if not Path(path).is_file():
        raise CLIError(f"no file {path}")
    try:
        return file_features(path, settings)[np.newaxis]
    except ValueError as error:
        raise CLIError(str(error)) from None


def predict_file(run, path, top=3):
    """The `top` most likely digits of the recording at `path`, as `(digit, probability)` pairs."""
    if not 1 <= top <= 10:
        raise CLIError(f"--top must be between 1 and 10, got {top}")
    probabilities = run.model.predict(audio_features(path, run.settings), verbose=0)[0]
    best = np.argsort(-probabilities, kind="stable")[:top]
    return [(int(digit), float(probabilities[digit])) for digit in best]
