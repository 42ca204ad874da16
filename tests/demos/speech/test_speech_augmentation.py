import dataclasses

import numpy as np
import pytest

from datasets import fsdd
from demos.cli import CLIError
from demos.speech import augmentation
from demos.speech.data import load_data
from demos.speech.features import signal_features
from demos.speech.settings import Settings
from demos.speech.training import check_settings


@pytest.fixture
def settings(tmp_path, digits_dir):
    return Settings(data_dir=str(digits_dir), cache_dir=str(tmp_path / "cache"), test_speakers="theo",
                    augment_copies=0, no_digit_share=0.0, near_miss_share=0.0)


def perturbed(signal, settings, seed=0, **changes):
    return augmentation.perturb(signal, dataclasses.replace(settings, **changes), np.random.default_rng(seed))


def test_each_perturbation_changes_what_it_should(digits_dir, settings):
    signal = fsdd.load_audio(digits_dir / "3_theo_5.wav")
    off = {"speed_range": 0.0, "pitch_range": 0.0, "vtlp": 0.0, "eq_db": 0.0, "noise_snr": 0.0, "room": 0.0}
    assert np.array_equal(perturbed(signal, settings, **off), signal)
    lengths = [len(perturbed(signal, settings, seed, **{**off, "speed_range": 0.2})) for seed in range(6)]
    assert all(0.8 * len(signal) - 2 <= n <= 1.2 * len(signal) + 2 for n in lengths) and len(set(lengths)) > 1
    shifted = perturbed(signal, settings, **{**off, "pitch_range": 3.0})
    assert len(shifted) == len(signal) and not np.allclose(shifted, signal, atol=1e-3)
    noisy = perturbed(signal, settings, **{**off, "noise_snr": 10.0})
    snr_db = 10 * np.log10(np.mean(signal**2) / np.mean((noisy - signal) ** 2))
    assert 9.0 < snr_db < 41.0
    warped = perturbed(signal, settings, **{**off, "vtlp": 0.1})
    assert len(warped) == len(signal) and not np.allclose(warped, signal, atol=1e-3)
    rooms = [perturbed(signal, settings, seed, **{**off, "room": 0.99}) for seed in range(4)]
    assert all(0.5 * len(signal) < len(room) < len(signal) + 4.5 * fsdd.SAMPLE_RATE for room in rooms)
    assert len({len(room) for room in rooms}) > 1  # rooms differ, and each is cut to its speech


def band_levels_db(signal):
    """Power in dB of the bands 0-1 kHz and 3-4 kHz of an 8 kHz signal."""
    power = np.abs(np.fft.rfft(signal)) ** 2
    frequencies = np.fft.rfftfreq(len(signal), 1 / fsdd.SAMPLE_RATE)
    return [10 * np.log10(power[(frequencies >= low) & (frequencies < low + 1000)].mean()) for low in (0, 3000)]


def test_another_microphone_colours_the_spectrum_within_its_bounds():
    noise = np.random.default_rng(0).normal(size=fsdd.SAMPLE_RATE * 4).astype("float32")
    np.testing.assert_allclose(augmentation.colour(noise, 0.0, np.random.default_rng(1)), noise, atol=1e-6)
    before = np.subtract(*band_levels_db(noise))
    tilts = [np.subtract(*band_levels_db(augmentation.colour(noise, 6.0, np.random.default_rng(seed)))) - before
             for seed in range(8)]
    assert max(abs(tilt) for tilt in tilts) < 2 * 6.0 + 1.0  # tilt and peak, each at most 6 dB
    assert max(tilts) - min(tilts) > 3.0  # the microphones differ


def test_loudness_does_not_change_the_features(digits_dir, settings):
    """Why volume is not perturbed: the features are measured against the loudest bin."""
    signal = fsdd.load_audio(digits_dir / "3_theo_5.wav")
    quiet = signal_features(0.1 * signal, settings)
    np.testing.assert_allclose(quiet, signal_features(signal, settings), atol=2e-3)


def test_copies_join_the_training_part_only(settings, monkeypatch):
    plain = load_data(settings)
    with_copies = load_data(dataclasses.replace(settings, augment_copies=2))
    assert len(with_copies.train) == 3 * len(plain.train)
    assert len(with_copies.validation) == len(plain.validation) and len(with_copies.test) == len(plain.test)
    assert "theo" not in with_copies.train.speakers
    copies = with_copies.train.subset(np.arange(len(plain.train), len(with_copies.train)))
    assert np.array_equal(copies.digits, np.repeat(plain.train.digits, 2))
    assert not np.array_equal(copies.features[0], plain.train.features[0])

    def no_perturbing(*args):
        raise AssertionError("copies were made again")

    monkeypatch.setattr(augmentation, "perturb", no_perturbing)  # the second run reads the cache
    again = load_data(dataclasses.replace(settings, augment_copies=2))
    assert all(np.array_equal(a, b) for a, b in zip(again.train.features, with_copies.train.features, strict=True))


@pytest.mark.parametrize("flag, value", [("augment_copies", -1), ("speed_range", 1.0), ("pitch_range", -2.0),
                                         ("noise_snr", -5.0), ("vtlp", 1.0), ("room", -0.5), ("room_swing", 1.5),
                                         ("no_digit_share", -1)])
def test_bad_perturbation_settings_are_refused(settings, flag, value):
    with pytest.raises(CLIError, match=flag.replace("_", "-")):
        check_settings(dataclasses.replace(settings, **{flag: value}))


@pytest.mark.parametrize("flag", ["room", "room_swing", "other_room_swing"])
def test_every_copy_may_be_put_in_a_room_and_every_room_may_swing(settings, flag):
    check_settings(dataclasses.replace(settings, **{flag: 1.0}))  # a share of all is a choice, not a mistake
