import numpy as np
import pytest

from demos.speech import evaluation
from demos.speech.part import NO_DIGIT, Part
from demos.speech.settings import Settings


def offset_part(offsets, label):
    """Two utterances per voice, each voice's frames around its own offset."""
    rng = np.random.default_rng(0)
    voices = [voice for voice in offsets for _ in range(2)]
    features = [(offsets[voice] + rng.normal(size=(20, 3))).astype("float32") for voice in voices]
    return Part(features, np.full(len(features), label), voices)


@pytest.mark.parametrize("normalize", ["global", "speaker"])
def test_voices_never_heard_are_read_as_training_reads_voices(monkeypatch, normalize):
    seen = []

    def probabilities(model, features):
        seen.append(np.concatenate(features))
        return np.full((len(features), NO_DIGIT + 1), 1.0 / (NO_DIGIT + 1))

    monkeypatch.setattr(evaluation, "held_apart_digits", lambda settings: offset_part({"a": 5.0, "b": -3.0}, 4))
    monkeypatch.setattr(evaluation, "class_probabilities", probabilities)
    evaluation.non_digit_measures(np.zeros((1, NO_DIGIT + 1)), None, Settings(normalize=normalize, test_warp=0.0),
                                  1.0)
    frames = seen[0]
    if normalize == "speaker":  # each voice standardized by its own frames: no offset left
        assert np.abs(frames.mean(axis=0)).max() < 1e-4 and np.allclose(frames.std(axis=0), 1.0, atol=1e-3)
    else:
        assert frames.mean() == pytest.approx(1.0, abs=0.2)  # the raw frames: the voices' offsets, 5 and -3
