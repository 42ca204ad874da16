"""A small spoken-digit folder: real FSDD recordings when the shared copy exists, else synthesized tones."""

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile

from datasets import fsdd

SHARED_COPY = Path(__file__).resolve().parents[4] / "shared" / "datasets" / "fsdd" / "recordings"
SPEAKERS = ("jackson", "theo")
TAKES = (0, 1, 5, 6, 7, 8)  # takes 0-1 fall in the official test set, 5-8 in the training set


def shared_recordings():
    folder = Path(os.environ.get(fsdd.ENV_VARIABLE) or SHARED_COPY)
    return folder if folder.is_dir() else None


def write_tone(path, digit, take, sample_rate=fsdd.SAMPLE_RATE):
    """A 0.3-0.4 s tone whose pitch says the digit, with a little noise per take."""
    seconds = 0.3 + 0.02 * (take % 5)
    time = np.arange(int(seconds * sample_rate)) / sample_rate
    noise = np.random.default_rng(take).normal(0, 0.01, time.size)
    soundfile.write(path, 0.5 * np.sin(2 * np.pi * (300 + 150 * digit) * time) + noise, sample_rate)


@pytest.fixture(scope="session")
def digits_dir(tmp_path_factory):
    """120 recordings: 2 speakers x 10 digits x 6 takes."""
    folder = tmp_path_factory.mktemp("fsdd")
    source = shared_recordings()
    for speaker in SPEAKERS:
        for digit in fsdd.DIGITS:
            for take in TAKES:
                name = f"{digit}_{speaker}_{take}.wav"
                if source is not None:
                    shutil.copy(source / name, folder / name)
                else:
                    write_tone(folder / name, digit, take)
    return folder
