import numpy as np
import pytest

from datasets import fsdd
from demos.speech.rooms import add_noise, coloured_noise, evaluation_room, pad_silence, swung
from demos.speech.segments import HOP, levels, noise_distances, split_digits

RATE = fsdd.SAMPLE_RATE
NAMES = ("3_theo_1.wav", "7_jackson_0.wav", "0_theo_5.wav", "6_jackson_1.wav")


def digit_and_place(digits_dir, name):
    """A recording, and where its digit lies once a second of silence is put before it."""
    speech = fsdd.load_audio(digits_dir / name)
    (start, end), = split_digits(speech)
    return speech, (start + RATE, end + RATE)


def assert_found(signal, place, share=0.7, before=0.15):
    """The stretch that overlaps the digit most is the digit: at most `before` s before it and 0.3 s after it,
    and `share` of it at least."""
    clean_start, clean_end = place
    start, end = max(split_digits(signal), key=lambda span: min(span[1], clean_end) - max(span[0], clean_start))
    assert clean_start - before * RATE <= start and end <= clean_end + 0.3 * RATE
    # Pink noise hides the quiet "s" of "six" (a fifth of its length), not the voiced digit.
    assert min(end, clean_end) - max(start, clean_start) >= share * (clean_end - clean_start)


def in_noise(speech, snr_db, noise):
    padded = pad_silence(speech, 1.0, 1.0)
    return add_noise(padded, speech, snr_db, noise(len(padded)))


def swinging(length, random, swing_db=10.0, per_second=2.0):
    """Pink noise whose level rises and falls by `swing_db` `per_second` times a second (a fan, passing traffic)."""
    return swung(coloured_noise(length, "pink", random), swing_db, per_second, 0.0)


@pytest.mark.parametrize("name", NAMES)
def test_the_digit_is_found_in_a_room_and_beside_a_burst_of_noise(digits_dir, name):
    speech, place = digit_and_place(digits_dir, name)
    room = evaluation_room(speech, seed=0)
    bursts = room.copy()  # and a burst of louder noise in the silence before the digit: a stretch of its own
    bursts[RATE // 4 : RATE // 2] += 0.3 * np.abs(speech).max() * coloured_noise(RATE // 4, "white",
                                                                              np.random.default_rng(1))
    for signal in (room, bursts):
        assert_found(signal, place)


@pytest.mark.parametrize("name", NAMES)
def test_noise_that_swells_and_fades_is_not_taken_for_speech(digits_dir, name):
    speech, place = digit_and_place(digits_dir, name)
    random = np.random.default_rng(2)
    # 20 dB below the digit on average, the noise's loudest moments are within 10 dB of it: a swell just before
    # the digit may join it, and one at its end may hide the "s" of "six".
    assert_found(in_noise(speech, 20.0, lambda length: swinging(length, random)), place, share=0.6, before=0.2)


@pytest.mark.parametrize(("colour", "snr_db"), [("brown", 10.0), ("hum", 20.0)])
def test_rumble_and_hum_below_the_speech_band_are_not_taken_for_speech(digits_dir, colour, snr_db):
    random = np.random.default_rng(3)
    for name in NAMES:
        speech, place = digit_and_place(digits_dir, name)
        assert_found(in_noise(speech, snr_db, lambda length: coloured_noise(length, colour, random)), place)


def test_the_shape_of_a_spectrum_is_told_apart_from_its_loudness():
    random = np.random.default_rng(4)
    noise = random.normal(size=2 * RATE).astype("float32")
    noise[RATE:] *= 10  # 20 dB louder in the second second: the same noise
    tone = 4 * np.sin(2 * np.pi * 700 * np.arange(RATE // 2) / RATE).astype("float32")
    signal = np.concatenate([noise, noise[: RATE // 2] + tone])  # then a tone 9 dB above the quiet noise
    level, bands = levels(signal, RATE)
    distances = noise_distances(bands, level)
    frames = np.arange(len(distances)) * 64
    steady = (frames > 0.1 * RATE) & (frames < 1.9 * RATE)
    toned = (frames > 2.1 * RATE) & (frames < 2.4 * RATE)
    quiet, loud = (frames > 0.1 * RATE) & (frames < 0.9 * RATE), (frames > 1.1 * RATE) & (frames < 1.9 * RATE)
    assert level[loud].mean() > level[quiet].mean() + 15
    assert distances[steady].max() < 3.0 < 6.0 < distances[toned].min()


@pytest.mark.filterwarnings("error")
def test_a_sound_shorter_than_any_digit_has_no_stretch():
    burst = np.random.default_rng(5).normal(size=int(0.1 * RATE)).astype("float32")
    assert split_digits(burst) == []
    assert split_digits(np.concatenate([np.zeros(RATE // 2, "float32"), burst])) == []  # a click after silence


@pytest.mark.parametrize("quieter_db", [10, 20])
def test_a_digit_quieter_than_the_others_in_a_file_is_cut_as_it_is_alone(digits_dir, quieter_db):
    pause = np.zeros(64 * HOP, "float32")  # about half a second; every piece a whole number of the cut's frames
    digits = [fsdd.load_audio(digits_dir / name) for name in ("4_theo_1.wav", "8_jackson_0.wav", "2_theo_0.wav")]
    digits = [digit[: len(digit) // HOP * HOP] / np.abs(digit).max() for digit in digits]
    digits[1] = digits[1] * 10 ** (-quieter_db / 20)
    (start, end), = split_digits(np.r_[pause, digits[1], pause])  # the quiet "eight" alone
    spans = split_digits(np.concatenate([pause, *(np.r_[digit, pause] for digit in digits)]))
    shift = len(pause) + len(digits[0])  # the "eight" starts this much later in the file of three than alone
    assert len(spans) == 3 and spans[1] == (start + shift, end + shift)
