"""A trained run applied to one audio file: its features and the digit said."""

from pathlib import Path

import numpy as np

from datasets import fsdd
from demos.cli import CLIError
from demos.runs import load_run
from demos.speech.features import file_features, pooled_statistics, signal_features, standardized
from demos.speech.settings import APP, Settings

SILENCE_DB = 25  # audio quieter than this many dB below the loudest part is silence between digits
SHORTEST_DIGIT = 0.12  # seconds: a louder stretch shorter than this is a click, not a digit
LONGEST_PAUSE = 0.2  # seconds: louder stretches closer than this belong to one digit
MARGIN = 0.05  # seconds kept before and after each stretch (soft onsets and endings)


def load_speech_run(model=None):
    """The model named by `--model` (latest run if None) and the settings saved beside it."""
    return load_run(APP, Settings, model)


def audio_features(path, settings):
    """Feature frames `(1, time, features)` of an audio file; a bad file is a `CLIError`."""
    if not Path(path).is_file():
        raise CLIError(f"no file {path}")
    try:
        return as_one_speaker([file_features(path, settings)], settings)[0][np.newaxis]
    except ValueError as error:
        raise CLIError(str(error)) from None


def as_one_speaker(frame_arrays, settings):
    """With `--normalize speaker`, the frames of one file standardized by their pooled statistics:
    the file is all we hear of its speaker. Otherwise unchanged."""
    if settings.normalize != "speaker":
        return frame_arrays
    statistics = pooled_statistics(frame_arrays)
    return [standardized(frames, statistics) for frames in frame_arrays]


def check_top(top):
    if not 1 <= top <= 10:
        raise CLIError(f"--top must be between 1 and 10, got {top}")


def predict_file(run, path, top=3):
    """The `top` most likely digits of the whole recording at `path`, as `(digit, probability)` pairs."""
    check_top(top)
    return top_digits(run.model.predict(audio_features(path, run.settings), verbose=0)[0], top)


def top_digits(probabilities, top):
    """The `top` likeliest digits, as `(digit, probability)` pairs, likeliest first."""
    best = np.argsort(-probabilities, kind="stable")[:top]
    return [(int(digit), float(probabilities[digit])) for digit in best]


def split_digits(signal, sample_rate=fsdd.SAMPLE_RATE):
    """`(start, end)` sample ranges of the spoken digits in `signal`, split on the silences between them."""
    import librosa

    intervals = librosa.effects.split(signal, top_db=SILENCE_DB, frame_length=256, hop_length=64)
    merged = []
    for start, end in intervals:
        if merged and start - merged[-1][1] < LONGEST_PAUSE * sample_rate:
            merged[-1][1] = end
        else:
            merged.append([int(start), int(end)])
    margin = int(MARGIN * sample_rate)
    return [(max(0, start - margin), min(len(signal), end + margin)) for start, end in merged
            if end - start >= SHORTEST_DIGIT * sample_rate]


def predict_digits(run, path):
    """Each digit said in the recording at `path`: `[(start s, end s, digit, probability)]`, in time order."""
    return [(start, end, *top_digits(probabilities, 1)[0]) for start, end, probabilities in stretches(run, path)]


def stretches(run, path):
    """The digit probabilities of each stretch of speech at `path`: `[(start s, end s, probabilities)]`.

    The recording is read at any sample rate and channel count, split on
    silence, and each stretch is classified on its own (with `--normalize
    speaker`, after standardizing all stretches by their pooled statistics):
    silence and noise around a digit are never read as part of it.
    """
    if not Path(path).is_file():
        raise CLIError(f"no file {path}")
    try:
        signal = fsdd.load_audio(path)
    except ValueError as error:
        raise CLIError(str(error)) from None
    spans = split_digits(signal)
    if not spans:
        raise CLIError(f"{path}: no stretch of sound long enough to be a digit")
    digits = as_one_speaker([signal_features(signal[start:end], run.settings) for start, end in spans], run.settings)
    return [(start / fsdd.SAMPLE_RATE, end / fsdd.SAMPLE_RATE, run.model.predict(frames[np.newaxis], verbose=0)[0])
            for (start, end), frames in zip(spans, digits, strict=True)]
