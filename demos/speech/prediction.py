"""A trained run applied to one audio file: its features and the digit said."""

from pathlib import Path

import numpy as np

from demos.common import CLIError, load_run
from demos.speech.features import file_features
from demos.speech.settings import APP, Settings


def load_speech_run(model=None):
    """The model named by `--model` (latest run if None) and the settings saved beside it."""
    return load_run(APP, Settings, model)


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
