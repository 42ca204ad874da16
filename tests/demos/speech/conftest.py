"""A small spoken-digit folder: real FSDD recordings when the shared copy exists, else synthesized tones."""

import os
import shutil
from pathlib import Path

import pytest

from datasets import fsdd

SHARED_COPY = Path(__file__).resolve().parents[4] / "shared" / "datasets" / "fsdd" / "recordings"
SPEAKERS = ("jackson", "theo")
TAKES = (0, 1, 5, 6, 7, 8)  # takes 0-1 fall in the official test set, 5-8 in the training set


def shared_recordings():
    folder = Path(os.environ.get(fsdd.ENV_VARIABLE) or SHARED_COPY)
    return folder if folder.is_dir() else None


@pytest.fixture(scope="session")
def digits_dir(tmp_path_factory, tone_recordings):
    """120 recordings: 2 speakers x 10 digits x 6 takes (tones when the shared copy is missing)."""
    folder = tmp_path_factory.mktemp("fsdd")
    source = shared_recordings()
    if source is None:
        return tone_recordings(folder, SPEAKERS, TAKES)
    for speaker in SPEAKERS:
        for digit in fsdd.DIGITS:
            for take in TAKES:
                name = f"{digit}_{speaker}_{take}.wav"
                shutil.copy(source / name, folder / name)
    return folder
