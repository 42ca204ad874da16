"""A trained run applied to recordings: their stretches of sound, and the digit (or "no digit") each one says.

Each stretch is heard three times (`--test-warp 0.1`): as it is, and with
its frequencies warped by 0.9 and by 1.1, as a longer or a shorter vocal
tract would say it (the warp `--vtlp` gives the training copies); the
model's three probabilities are averaged. A voice never heard is then
also read as the nearer voices it was trained on would say the same.
"""

from pathlib import Path

import numpy as np

from datasets import fsdd
from demos.cli import CLIError
from demos.runs import load_run
from demos.speech.augmentation import warp_frequencies
from demos.speech.calibration import answers, load_calibration, with_temperature
from demos.speech.features import pooled_statistics, signal_features, standardized
from demos.speech.part import CLASS_NAMES, NO_DIGIT
from demos.speech.segments import longest_stretch, split_digits
from demos.speech.settings import APP, Settings

AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".mp3", ".m4a", ".aiff", ".aif")


def load_speech_run(model=None):
    """The model named by `--model` (latest run if None) and the settings saved beside it."""
    return load_run(APP, Settings, model)


def audio_features(path, settings):
    """Feature frames `(1, time, features)` of the longest stretch of sound in an audio file (as `predict` cuts
    it); a bad file is a `CLIError`."""
    return stretch_features(longest_stretch(read_signal(path)), settings)


def stretch_features(stretch, settings):
    """Feature frames `(1, time, features)` of one stretch of a recording, as `predict` reads it alone; a stretch
    with no sound is a `CLIError`."""
    try:
        return as_one_speaker([signal_features(stretch, settings)], settings)[0][np.newaxis]
    except ValueError as error:
        raise CLIError(str(error)) from None


def warps(settings):
    """The frequency warps each stretch is heard with: 1 (as it is), then 1 - and 1 + `test_warp` unless it is 0."""
    return (1.0, 1.0 - settings.test_warp, 1.0 + settings.test_warp) if settings.test_warp else (1.0,)


def heard(signal, settings, warp=1.0):
    """Feature frames of a mono 8 kHz `signal` with its frequencies warped by `warp` (1: as it is)."""
    return signal_features(signal if warp == 1.0 else warp_frequencies(signal, warp), settings)


def heard_probabilities(model, settings, groups, batch_size=64, hear_all=None):
    """The model's probabilities for every signal of `groups`, in order, averaged over `warps(settings)`.

    A group is the signals of one voice (a file's stretches, a speaker's
    recordings): with `--normalize speaker` they are standardized together.
    `hear_all(signals, warp)` gives the frames of many signals at once
    (None: `heard`, one by one; the measures pass one that caches them).
    """
    if not any(groups):
        return np.zeros((0, len(CLASS_NAMES)))
    hear_all = hear_all or (lambda signals, warp: [heard(signal, settings, warp) for signal in signals])
    total = 0.0
    for warp in warps(settings):
        heard_frames = iter(hear_all([signal for group in groups for signal in group], warp))
        frames = [item for group in groups if group
                  for item in as_one_speaker([next(heard_frames) for _ in group], settings)]
        total = total + class_probabilities(model, frames, batch_size)
    return total / len(warps(settings))


def as_one_speaker(frame_arrays, settings):
    """With `--normalize speaker`, the frames of one file standardized by their pooled statistics:
    the file is all we hear of its speaker. Otherwise unchanged."""
    if settings.normalize != "speaker":
        return frame_arrays
    statistics = pooled_statistics(frame_arrays)
    return [standardized(frames, statistics) for frames in frame_arrays]


def audio_files(names):
    """The files named, with the audio files of the folders named (sorted); a missing name is a `CLIError`."""
    files = []
    for name in map(Path, names):
        if name.is_dir():
            files += sorted(path for path in name.iterdir() if path.suffix.lower() in AUDIO_SUFFIXES)
        elif name.is_file():
            files.append(name)
        else:
            raise CLIError(f"no file or folder {name}")
    if not files:
        raise CLIError(f"no audio files ({', '.join(AUDIO_SUFFIXES)}) in {', '.join(map(str, names))}")
    return files


def check_top(top):
    if not 1 <= top <= len(CLASS_NAMES):
        raise CLIError(f"--top must be between 1 and {len(CLASS_NAMES)}, got {top}")


def top_digits(probabilities, top):
    """The `top` likeliest digits, as `(digit, probability)` pairs, likeliest first."""
    best = np.argsort(-probabilities, kind="stable")[:top]
    return [(int(digit), float(probabilities[digit])) for digit in best]


def predict_digits(run, path):
    """Each digit said in the recording at `path`: `[(start s, end s, digit, probability)]`, in time order.

    Stretches answered "no digit" (noise, other words) are left out.
    """
    threshold = min_confidence(run)
    found = [(start, end, stretch_class(probabilities, threshold), probabilities)
             for start, end, probabilities in stretches(run, path)]
    return [(start, end, digit, float(p[digit])) for start, end, digit, p in found if digit != NO_DIGIT]


def min_confidence(run):
    """The `--min-confidence` `run` was trained with (saved beside it; 0 for a run without it)."""
    return load_calibration(run.run_dir)[1]


def stretch_class(probabilities, threshold):
    """The class answered for one stretch: its likeliest digit, or `NO_DIGIT` when that wins or the likeliest
    digit is below `threshold` (`calibration.answers`)."""
    return int(answers(probabilities[np.newaxis], threshold)[0])


def read_signal(path):
    """The recording at `path` at 8 kHz mono; a missing or unreadable file, or one without samples, is a
    `CLIError`. Digital silence (every sample zero) is read: it is heard as no digit."""
    if not Path(path).is_file():
        raise CLIError(f"no file {path}")
    try:
        return fsdd.load_audio(path, silence_ok=True)
    except ValueError as error:
        raise CLIError(str(error)) from None


def stretches(run, path):
    """The calibrated class probabilities of each stretch of speech at `path`: `[(start s, end s, probabilities)]`.

    The recording is read at any sample rate and channel count, split on
    silence (`split_digits`), and each stretch is classified on its own
    (with `--normalize speaker`, after standardizing all stretches by their
    pooled statistics): silence and noise around a digit are never read as
    part of it. The last class is "no digit". A recording where nothing
    stands out from its noise gives no stretch: no digit.
    """
    return signal_stretches(run, [read_signal(path)])[0]


def signal_stretches(run, signals, batch_size=64, hear_all=None):
    """`stretches` of each of `signals` (8 kHz mono arrays), classified in batches (`hear_all`: as in
    `heard_probabilities`)."""
    spans = [split_digits(signal) for signal in signals]
    pieces = [[signal[start:end] for start, end in found] for signal, found in zip(signals, spans, strict=True)]
    probabilities = iter(calibrated(run, heard_probabilities(run.model, run.settings, pieces, batch_size, hear_all)))
    return [[(start / fsdd.SAMPLE_RATE, end / fsdd.SAMPLE_RATE, next(probabilities)) for start, end in found]
            for found in spans]


def class_probabilities(model, features, batch_size=64):
    """The model's probabilities for each frame array of `features`, in their order.

    Batches of similar lengths, each padded to `batch_size` rows and a power
    of two of frames: a handful of shapes, so the backend compiles a handful
    of programs however many recordings come.
    """
    order = np.argsort([len(item) for item in features], kind="stable")
    result = np.empty((len(features), len(CLASS_NAMES)), "float64")
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        length = 2 ** int(np.ceil(np.log2(max(32, max(len(features[k]) for k in rows)))))
        batch = np.zeros((batch_size, length, features[rows[0]].shape[1]), "float32")
        for slot, k in enumerate(rows):
            batch[slot, : len(features[k])] = features[k]
        result[rows] = np.asarray(model.predict_on_batch(batch))[: len(rows)]
    return result


def calibrated(run, probabilities):
    """`probabilities` at the temperature fitted when `run` was trained."""
    return with_temperature(probabilities, load_calibration(run.run_dir)[0])


def recording_answer(found, threshold):
    """One class for a recording of one digit: the stretch likeliest to be a digit decides; none: `NO_DIGIT`."""
    if not found:
        return NO_DIGIT
    return stretch_class(max(found, key=lambda item: item[2][:NO_DIGIT].max())[2], threshold)
