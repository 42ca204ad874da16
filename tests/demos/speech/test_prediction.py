"""Each stretch heard as it is and with its frequencies warped, the model's probabilities averaged."""

import numpy as np
import pytest

from datasets import fsdd
from demos.speech.augmentation import warp_frequencies
from demos.speech.features import signal_features
from demos.speech.model import build_model
from demos.speech.prediction import class_probabilities, heard, heard_probabilities, warps
from demos.speech.settings import Settings


def vowel(pitch, formant, seconds=0.5):
    """A voiced sound: harmonics of `pitch` Hz, loudest near `formant` Hz."""
    time = np.arange(int(seconds * fsdd.SAMPLE_RATE)) / fsdd.SAMPLE_RATE
    harmonics = np.arange(pitch, 3800, pitch)
    weights = np.exp(-(((harmonics - formant) / 400.0) ** 2))
    return (weights @ np.sin(2 * np.pi * np.outer(harmonics, time))).astype("float32")


@pytest.fixture(scope="module")
def model():
    return build_model(Settings(units=4, lstm_layers=1), np.zeros(39), np.ones(39))


def test_warps_are_one_then_the_shorter_and_longer_tract():
    assert warps(Settings(test_warp=0.1)) == (1.0, 0.9, 1.1)
    assert warps(Settings(test_warp=0.0)) == (1.0,)


def test_probabilities_are_averaged_over_the_warped_hearings(model):
    settings = Settings(test_warp=0.1)
    groups = [[vowel(120, 700), vowel(150, 1200)], [], [vowel(220, 900)]]
    signals = [signal for group in groups for signal in group]
    each = [class_probabilities(model, [signal_features(signal if alpha == 1 else warp_frequencies(signal, alpha),
                                                        settings) for signal in signals])
            for alpha in (1.0, 0.9, 1.1)]
    averaged = heard_probabilities(model, settings, groups)
    np.testing.assert_allclose(averaged, (each[0] + each[1] + each[2]) / 3, atol=1e-6)
    assert np.abs(each[1] - each[0]).max() > 1e-4  # a warped hearing is another input
    once = heard_probabilities(model, Settings(test_warp=0.0), groups)
    np.testing.assert_allclose(once, each[0], atol=1e-6)
    assert heard_probabilities(model, settings, [[], []]).shape == (0, 11)


def test_a_given_hearing_hears_every_signal_of_a_warp_at_once(model):
    settings = Settings(test_warp=0.1, normalize="speaker")
    groups = [[vowel(120, 700), vowel(150, 1200)], [], [vowel(220, 900)]]
    calls = []

    def hear_all(signals, warp):
        calls.append((len(signals), warp))
        return [heard(signal, settings, warp) for signal in signals]

    given = heard_probabilities(model, settings, groups, hear_all=hear_all)
    assert calls == [(3, 1.0), (3, 0.9), (3, 1.1)]
    np.testing.assert_allclose(given, heard_probabilities(model, settings, groups), atol=1e-6)
