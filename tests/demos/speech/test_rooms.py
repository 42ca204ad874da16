import numpy as np
import pytest

from datasets import fsdd
from demos.speech.augmentation import warp_frequencies
from demos.speech.rooms import (
    clip,
    coloured_noise,
    evaluation_room,
    in_a_room,
    reverberate,
    speech_power,
    swung,
    telephone,
)

RATE = fsdd.SAMPLE_RATE


def sine(frequency, seconds=1.0):
    return np.sin(2 * np.pi * frequency * np.arange(int(seconds * RATE)) / RATE).astype("float32")


def peak_frequency(signal):
    spectrum = np.abs(np.fft.rfft(signal * np.hanning(len(signal))))
    return np.fft.rfftfreq(len(signal), 1 / RATE)[spectrum.argmax()]


def level_db(signal):
    return 10 * np.log10(np.mean(signal[len(signal) // 4 :] ** 2))


@pytest.mark.parametrize("colour, slope", [("white", 0.0), ("pink", -3.0), ("brown", -6.0)])
def test_noise_colours_fall_by_their_decibels_per_octave(colour, slope):
    noise = coloured_noise(2**16, colour, np.random.default_rng(0))
    power = np.abs(np.fft.rfft(noise)) ** 2
    frequencies = np.fft.rfftfreq(len(noise), 1 / RATE)
    bands = [power[(frequencies >= low) & (frequencies < 2 * low)].mean() for low in (250, 500, 1000)]
    per_octave = 10 * np.log10(np.array(bands[1:]) / np.array(bands[:-1]))
    np.testing.assert_allclose(per_octave, slope, atol=0.7)
    assert noise.std() == pytest.approx(1.0)


def test_the_telephone_band_passes_speech_and_cuts_below_300_hz():
    assert level_db(telephone(sine(1000))) - level_db(sine(1000)) > -1.0
    assert level_db(telephone(sine(100))) - level_db(sine(100)) < -15.0


def test_reverberation_keeps_the_length_and_the_power_and_smears_a_click():
    click = np.zeros(RATE, "float32")
    click[100] = 1.0
    wet = reverberate(click, 0.5, np.random.default_rng(0))
    assert len(wet) == len(click) and np.mean(wet**2) == pytest.approx(np.mean(click**2), rel=1e-3)
    tail = np.abs(wet[100 + RATE // 10 : 100 + RATE // 5])  # 0.1-0.2 s after the click: the room still rings
    assert tail.max() > 0.01 * np.abs(wet).max()


def test_clipping_flattens_the_loudest_samples():
    clipped = clip(sine(440), 0.1)
    assert np.abs(clipped).max() < 0.999 and np.mean(np.abs(clipped) >= np.abs(clipped).max() - 1e-6) >= 0.09


def test_the_evaluation_room_adds_a_second_of_silence_each_side_and_pink_noise_at_20_db():
    speech = sine(500, 0.6)
    room = evaluation_room(speech, seed=3)
    assert len(room) == len(speech) + 2 * RATE
    noise = np.r_[room[: RATE], room[-RATE:]]  # the padding holds the noise alone
    assert 10 * np.log10(np.mean(speech**2) / np.mean(noise**2)) == pytest.approx(20.0, abs=0.5)
    np.testing.assert_array_equal(room, evaluation_room(speech, seed=3))


def test_a_training_room_is_noisy_and_at_most_two_seconds_longer_each_side():
    speech = sine(500, 0.6)
    for seed in range(5):
        room = in_a_room(speech, np.random.default_rng(seed))
        assert len(speech) <= len(room) <= len(speech) + 4 * RATE
        snr = 10 * np.log10(speech_power(speech) / np.mean(room[:40] ** 2))  # the first 5 ms: noise, or noise on speech
        assert snr < 31


def test_a_training_rooms_noise_swells_and_fades_only_when_asked():
    def swing_db(room):  # the loudest tenth of a second against the quietest
        powers = np.mean(room[: len(room) // 800 * 800].reshape(-1, 800) ** 2, axis=1)
        return 10 * np.log10(powers.max() / powers.min())

    silence = np.zeros(RATE, "float32")  # the room's noise alone
    steady, swinging = ([swing_db(in_a_room(silence, np.random.default_rng(seed), swing_share=share))
                         for seed in range(40)] for share in (0.0, 1.0))
    assert np.median(steady) < 3.0 < 8.0 < np.median(swinging)  # swings of up to 10 dB either way


@pytest.mark.parametrize("alpha", [0.9, 1.1])
def test_vtlp_moves_a_tone_by_the_warp_factor(alpha):
    warped = warp_frequencies(sine(1000), alpha)
    assert peak_frequency(warped) == pytest.approx(1000 * alpha, abs=35)
    assert len(warped) == RATE


def test_vtlp_at_one_leaves_the_sound_as_it_is():
    tone = sine(700)
    np.testing.assert_allclose(warp_frequencies(tone, 1.0)[512:-512], tone[512:-512], atol=1e-3)


def test_swung_noise_rises_and_falls_by_its_swing_its_mean_power_kept():
    noise = coloured_noise(4 * RATE, "white", np.random.default_rng(0))
    swinging = swung(noise, 10.0, 1.0, 0.0)  # once a second: loudest at 0.25 s, quietest at 0.75 s, and so on

    def power_db(centre):  # over 40 ms around the same moment of each of the 4 seconds
        return 10 * np.log10(np.mean([swinging[int((second + centre) * RATE) - 160 : int((second + centre) * RATE)
                                                 + 160] ** 2 for second in range(4)]))

    assert abs(np.mean(swinging**2) - np.mean(noise**2)) < 0.02
    assert 18.5 < power_db(0.25) - power_db(0.75) < 21.0  # 10 dB either way
