import numpy as np
import pytest

from demos.speech import evaluation, features
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


def test_warped_hearings_are_computed_once_per_audio_and_warp(monkeypatch, tmp_path):
    settings = Settings(cache_dir=str(tmp_path))
    tone = np.sin(2 * np.pi * 440 * np.arange(4000) / 8000).astype("float32")
    signals = [tone, 0.5 * tone[:3000]]
    first = evaluation.heard_warped(signals, settings, 0.9)
    assert all(np.array_equal(frames, evaluation.heard(signal, settings, 0.9)) for frames, signal in zip(first, signals))
    calls = []
    monkeypatch.setattr(evaluation, "heard", lambda signal, settings, warp: calls.append(warp) or np.zeros((3, 39)))
    again = evaluation.heard_warped(signals, settings, 0.9)  # read from the cache: nothing heard again
    assert calls == [] and all(np.array_equal(a, b) for a, b in zip(first, again))
    evaluation.heard_warped(signals, settings, 1.1)  # another warp
    evaluation.heard_warped(signals[:1], settings, 0.9)  # other audio
    assert calls == [1.1, 1.1, 0.9]
    monkeypatch.setattr(features, "CACHE_VERSION", features.CACHE_VERSION + 1)  # the extraction code changed
    evaluation.heard_warped(signals[:1], settings, 0.9)
    assert calls == [1.1, 1.1, 0.9, 0.9]


def test_false_accepts_are_counted_for_each_kind_of_non_digit_with_the_digit_answered():
    given = np.array([NO_DIGIT, 5, 5, 4, NO_DIGIT, NO_DIGIT])
    kinds = ["hi", "hi", "hi", "sure", "sure", "pink"]
    table = evaluation.false_accepts_by_kind(given, kinds)
    assert table == {"hi": {"count": 3, "answered": {"5": 2}}, "pink": {"count": 1, "answered": {}},
                     "sure": {"count": 2, "answered": {"4": 1}}}
