"""Utterances as model inputs: frame arrays with their classes and speakers."""

import dataclasses

import numpy as np

from datasets import fsdd

NO_DIGIT = len(fsdd.DIGITS)  # the eleventh class: noise, silence, tones, words that are not digits
CLASS_NAMES = [*map(str, fsdd.DIGITS), "none"]


def class_name(index):
    """"0" to "9", or "no digit"."""
    return "no digit" if index == NO_DIGIT else str(index)


@dataclasses.dataclass
class Part:
    """Some utterances: frame arrays of varying length, classes (digits, or `NO_DIGIT`), speakers, and the audio
    of each where it is kept (the evaluation sets, heard again with their frequencies warped)."""

    features: list
    digits: np.ndarray
    speakers: list
    signals: list | None = None

    def __len__(self):
        return len(self.features)

    def subset(self, indices):
        return Part([self.features[i] for i in indices], self.digits[indices], [self.speakers[i] for i in indices],
                    None if self.signals is None else [self.signals[i] for i in indices])

    def __add__(self, other):
        if other is None:
            return self
        signals = None if self.signals is None or other.signals is None else self.signals + other.signals
        return Part(self.features + other.features, np.concatenate([self.digits, other.digits]).astype(int),
                    self.speakers + other.speakers, signals)
