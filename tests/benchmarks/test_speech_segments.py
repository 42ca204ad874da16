"""`python -m benchmarks.speech_segments`: its measure of a cut, and one line when its voices are missing."""

import numpy as np
import pytest

from benchmarks.speech_segments import cut_measures, main

RATE = 8000


def test_a_tone_in_silence_is_cut_whole_and_nothing_else_is():
    tone = 0.5 * np.sin(2 * np.pi * 440 * np.arange(RATE // 2) / RATE)
    signal = np.concatenate([np.zeros(RATE), tone, np.zeros(RATE)]).astype("float32")
    share, outside, misses = cut_measures(signal, RATE, len(tone))
    assert share > 0.95 and outside <= 0.15 and misses == 0  # 50 ms of margin and half a frame each side


def test_a_stretch_away_from_the_digit_is_a_miss():
    tone = 0.5 * np.sin(2 * np.pi * 440 * np.arange(RATE // 2) / RATE)
    signal = np.concatenate([tone, np.zeros(RATE)]).astype("float32")
    share, outside, misses = cut_measures(signal, RATE, RATE // 4)  # a "digit" said in the silence, not heard
    assert (share, outside, misses) == (0.0, 0.0, 1)


def test_missing_voices_are_one_error_line(monkeypatch):
    monkeypatch.setenv("LSTM_LAB_VOICES", "none")
    with pytest.raises(SystemExit) as exit_info:
        main([])
    message = str(exit_info.value.code)
    assert message.startswith("error: needs the voices espeak-ng:") and "\n" not in message


def test_bad_flags_are_one_error_line(tmp_path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    for arguments, expected in ((["--seed", "-1"], "error: --seed must be 0 or more, got -1"),
                                (["--cache-dir", str(a_file)], f"error: --cache-dir {a_file}: ")):
        with pytest.raises(SystemExit) as exit_info:
            main(arguments)
        message = str(exit_info.value.code)
        assert message.startswith(expected) and "\n" not in message
