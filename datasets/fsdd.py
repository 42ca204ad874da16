"""Free Spoken Digit Dataset (FSDD): where the recordings are, what they hold, how they split.

3,000 mono 8 kHz WAV recordings: 6 speakers x 10 digits x 50 takes, named
`{digit}_{speaker}_{take}.wav`. Licence: CC BY-SA 4.0, Zohar Jackson and the
FSDD contributors (https://github.com/Jakobovski/free-spoken-digit-dataset).

The recordings are looked for, in this order: a folder given by the caller,
the `FSDD_DIR` environment variable, the Keras cache (`~/.keras/datasets/fsdd`);
otherwise the v1.0.10 release archive is downloaded into that cache.
"""

import os
import re
import warnings
from pathlib import Path
from typing import NamedTuple

import numpy as np

from datasets.storage import cache_dir, keras_home

VERSION = "1.0.10"
ARCHIVE_URL = f"https://github.com/Jakobovski/free-spoken-digit-dataset/archive/refs/tags/v{VERSION}.tar.gz"
# GitHub builds its archives on request; no checksum of this one could be verified, so none is checked.
ARCHIVE_SHA256 = None
CACHE_NAME = "fsdd"  # folder under `<keras home>/datasets/`
ENV_VARIABLE = "FSDD_DIR"
SAMPLE_RATE = 8000
DIGITS = tuple(range(10))
TEST_TAKES = range(5)  # official split: takes 0-4 of every speaker and digit are the test set
NAME_PATTERN = re.compile(r"(?P<digit>[0-9])_(?P<speaker>[a-z]+)_(?P<take>[0-9]+)\.wav")


class Recording(NamedTuple):
    path: Path
    digit: int
    speaker: str
    take: int


class DataUnavailable(RuntimeError):
    """The recordings are neither on disk nor downloadable."""


def parse_name(path):
    """The `Recording` of a file named `{digit}_{speaker}_{take}.wav`; `ValueError` for any other name."""
    path = Path(path)
    match = NAME_PATTERN.fullmatch(path.name)
    if match is None:
        raise ValueError(f"{path.name!r} is not named digit_speaker_take.wav")
    return Recording(path, int(match["digit"]), match["speaker"], int(match["take"]))


def recordings_dir(data_dir=None):
    """The folder of WAV files: `data_dir`, `$FSDD_DIR`, the Keras cache, or a fresh download."""
    for source, folder in (("data folder", data_dir), (f"${ENV_VARIABLE}", os.environ.get(ENV_VARIABLE))):
        if folder:
            if not Path(folder).is_dir():
                raise DataUnavailable(f"{folder} ({source}) is not a folder")
            return Path(folder)
    if not cached_dir().is_dir():
        download()
    return cached_dir()


def cached_dir():
    """Where `download` leaves the recordings."""
    return cache_dir(CACHE_NAME) / f"free-spoken-digit-dataset-{VERSION}" / "recordings"


def download():
    """Downloads and extracts the release archive into the Keras cache (`cached_dir`)."""
    import keras

    keras_home().mkdir(parents=True, exist_ok=True)  # get_file falls back to /tmp when it is missing
    try:
        keras.utils.get_file(
            CACHE_NAME, ARCHIVE_URL, file_hash=ARCHIVE_SHA256, extract=True, cache_dir=keras_home()
        )
    except Exception as error:  # get_file reports network failures as a bare Exception
        raise DataUnavailable(
            f"cannot download FSDD ({error}); point --data-dir or ${ENV_VARIABLE} at a folder of its WAV files"
        ) from None
    if not cached_dir().is_dir():
        raise DataUnavailable(f"the FSDD archive holds no {cached_dir().relative_to(keras_home())}")


def list_recordings(directory):
    """The recordings of a folder, sorted by name; badly named `.wav` files are skipped with a warning.

    Returns:
        `(recordings, skipped)`: a list of `Recording` and a list of skipped paths.
    """
    recordings, skipped = [], []
    for path in sorted(Path(directory).glob("*.wav")):
        try:
            recordings.append(parse_name(path))
        except ValueError as error:
            warnings.warn(f"skipping {path}: {error}", stacklevel=2)
            skipped.append(path)
    return recordings, skipped


def split(recordings, test_speakers=()):
    """Splits into `(train, test)`: the official split, or whole speakers held out when named."""
    if test_speakers:
        unknown = set(test_speakers) - {recording.speaker for recording in recordings}
        if unknown:
            raise ValueError(f"no recordings of speaker(s) {', '.join(sorted(unknown))}")

    def is_test(recording):
        return recording.speaker in test_speakers if test_speakers else recording.take in TEST_TAKES

    train = [recording for recording in recordings if not is_test(recording)]
    test = [recording for recording in recordings if is_test(recording)]
    return train, test


def load_audio(path, sample_rate=SAMPLE_RATE, silence_ok=False):
    """A mono float32 signal at `sample_rate`, whatever the file's own rate and channels.

    Raises:
        ValueError: The file is not readable audio, holds no samples, or (unless `silence_ok`) only zeros.
    """
    import librosa

    try:
        with warnings.catch_warnings():  # librosa warns before falling back from soundfile to audioread
            warnings.simplefilter("ignore")
            signal, _ = librosa.load(path, sr=sample_rate, mono=True)
    except Exception as error:  # soundfile and audioread raise many unrelated types
        raise ValueError(f"{path} is not a readable audio file ({type(error).__name__})") from None
    if signal.size == 0 or not (silence_ok or np.any(signal)):
        raise ValueError(f"{path} holds no sound")
    return signal
