"""Near misses: a digit joined to part of another of the same voice, reversed, or without its first or last sound."""

import numpy as np

from datasets import fsdd
from demos.speech.nearmisses import CROSSFADE, joined, near_misses


def note(frequency, seconds=0.5, level=0.5):
    """A steady sine: nothing of it is trimmed as silence."""
    time = np.arange(int(seconds * fsdd.SAMPLE_RATE)) / fsdd.SAMPLE_RATE
    return (level * np.sin(2 * np.pi * frequency * time)).astype("float32")


def main_frequency(signal):
    spectrum = np.abs(np.fft.rfft(signal * np.hanning(len(signal))))
    return np.argmax(spectrum) * fsdd.SAMPLE_RATE / len(signal)


def test_a_join_keeps_both_pieces_and_brings_the_second_to_the_first_ones_loudness():
    first, second = note(500, level=0.5), note(1500, level=0.05)
    both = joined(first, second)
    assert len(both) == len(first) + len(second) - CROSSFADE
    np.testing.assert_array_equal(both[: len(first) - CROSSFADE], first[: len(first) - CROSSFADE])
    np.testing.assert_allclose(both[len(first):], 10 * second[CROSSFADE:], atol=1e-5)  # 0.05 -> 0.5


def test_each_near_miss_joins_a_digit_of_the_same_voice_or_reverses_one():
    # Voice "a" says digits 1 and 2 at 400 and 800 Hz; voice "b" says only digit 3, at 2000 Hz.
    signals = [note(400), note(800), note(2000)]
    digits, voices = [1, 2, 3], ["a", "a", "b"]
    made = near_misses(signals, digits, voices, 60, seed=0)
    assert len(made) == 60
    heard = set()
    for signal in made:
        start, end = main_frequency(signal[:1000]), main_frequency(signal[-1000:])
        if len(signal) == len(signals[0]):  # reversed: one whole digit backwards
            assert abs(start - end) < 20
            continue
        pair = tuple(sorted(round(f / 100) * 100 for f in (start, end)))
        assert pair == (400, 800)  # two different digits of voice "a", never voice "b"'s
        assert 1.3 * len(signals[0]) - CROSSFADE <= len(signal) <= 1.7 * len(signals[0])
        heard.add(round(start / 100) * 100)
    assert heard == {400, 800}  # the other digit before and after


def test_reversed_is_the_trimmed_digit_backwards():
    silence = np.zeros(2000, "float32")
    rising = note(600) * np.linspace(0.2, 1.0, 4000, dtype="float32")
    made = near_misses([np.concatenate([silence, rising, silence])], [4], ["solo"], 3, seed=1)
    for signal in made:  # a voice with one digit only: reversed each time
        assert abs(len(signal) - len(rising)) <= 256  # the silence around it was trimmed
        assert np.abs(signal[:400]).max() > 2 * np.abs(signal[-400:]).max()  # loud end first


def test_a_cut_takes_15_to_30_percent_off_one_end_of_a_digit_it_may_cut_and_fades_there():
    # "eight" (8) starts with a vowel: no onset cut; "two" (2) ends with one: no coda cut.
    signals = [note(400), note(800), note(1600)]
    made = near_misses(signals, [8, 2, 9], ["a", "a", "a"], 40, seed=3, kinds=["onset cut", "coda cut"])
    full = len(signals[0])
    for number, signal in enumerate(made):
        assert 0.7 * full - 1 <= len(signal) <= 0.85 * full + 1
        frequency = round(main_frequency(signal[1000:3000]) / 100) * 100
        assert frequency in ({800, 1600} if number % 2 == 0 else {400, 1600})
        outermost = (signal[:8], signal[-8:]) if number % 2 == 0 else (signal[-8:], signal[:8])
        assert np.abs(outermost[0]).max() < 0.1 < np.abs(outermost[1]).max()  # the cut end fades in or out, no click
    assert len({len(signal) for signal in made}) > 10


def test_the_default_kinds_are_drawn_as_before_the_cuts_existed():
    signals, digits, voices = [note(400), note(800), note(2000)], [1, 2, 3], ["a", "a", "b"]
    default = near_misses(signals, digits, voices, 12, seed=0)
    named = near_misses(signals, digits, voices, 12, seed=0, kinds=["after", "before", "reversed"])
    assert all(np.array_equal(a, b) for a, b in zip(default, named, strict=True))


def test_a_cut_takes_off_speech_not_the_faint_ends_around_it():
    loud, faint = note(500, seconds=0.4), note(500, seconds=0.3, level=0.5 / 10**1.5)  # 30 dB below
    digit = np.concatenate([faint, loud, faint])  # the faint ends stay after the first trim (40 dB)
    for kind in ("onset cut", "coda cut"):
        for signal in near_misses([digit], [1], ["a"], 5, seed=4, kinds=[kind]):
            assert 0.7 * len(loud) - 300 <= len(signal) <= 0.85 * len(loud) + 300  # a part of the loud note alone
