"""PocketSphinx, an off-the-shelf speaker-independent recognizer, as a reference beside the LSTM.

Its bundled US English acoustic model, a JSGF grammar of the ten digit words
(one word per recording), audio upsampled to 16 kHz with a quarter second of
silence added on each side (its voice activity detection needs silence to
start from: without it, FSDD's tightly cut files lose a few points). `pip install
pocketsphinx` (in requirements.txt); without it the reference is left out.
Its answers depend on the audio alone, so they are kept in the cache folder
and read from there when the same recordings come again (each LOSO run).
"""

import hashlib
import json
import tempfile
from pathlib import Path

import librosa
import numpy as np

from datasets.storage import atomic_path
from demos.speech.features import audio_digest
from demos.speech.voices import DIGIT_WORDS

SAMPLE_RATE = 16000
CACHE_VERSION = 1  # raise when the decoding changes, so old answers are not read


def pocketsphinx_decoder(folder):
    """A decoder listening for one digit word, or None when PocketSphinx is not installed."""
    try:
        from pocketsphinx import Decoder
    except ImportError:
        return None
    grammar = folder / "digits.gram"
    grammar.write_text("#JSGF V1.0;\ngrammar digits;\npublic <digit> = " + " | ".join(DIGIT_WORDS) + ";\n")
    return Decoder(jsgf=str(grammar), samprate=SAMPLE_RATE, loglevel="FATAL")


def pocketsphinx_digit(decoder, signal, sample_rate):
    """The digit PocketSphinx hears in `signal`, or None when it hears none."""
    audio = librosa.resample(np.asarray(signal, "float32"), orig_sr=sample_rate, target_sr=SAMPLE_RATE)
    silence = np.zeros(SAMPLE_RATE // 4, "float32")
    audio = np.concatenate([silence, audio, silence])
    decoder.start_utt()
    decoder.process_raw((np.clip(audio, -1, 1) * 32767).astype("int16").tobytes(), full_utt=True)
    decoder.end_utt()
    hypothesis = decoder.hyp()
    words = hypothesis.hypstr.split() if hypothesis else []
    return DIGIT_WORDS.index(words[0]) if words and words[0] in DIGIT_WORDS else None


def pocketsphinx_answers(signals, sample_rate, cache_dir):
    """The digit (or None) PocketSphinx hears in each signal, from `cache_dir` when it decoded them before;
    None when it is not installed."""
    path = Path(cache_dir) / f"pocketsphinx-{answers_key(signals, sample_rate)}.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):  # not decoded yet, or a damaged file: decode again
        pass
    with tempfile.TemporaryDirectory() as folder:
        decoder = pocketsphinx_decoder(Path(folder))
        if decoder is None:
            return None
        answers = [pocketsphinx_digit(decoder, signal, sample_rate) for signal in signals]
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as partial:
        partial.write_text(json.dumps(answers))
    return answers


def answers_key(signals, sample_rate):
    """A hash of the audio and of how it is decoded."""
    key = json.dumps([CACHE_VERSION, sample_rate, DIGIT_WORDS, audio_digest(signals)])
    return hashlib.sha256(key.encode()).hexdigest()[:20]


def pocketsphinx_accuracy(signals, digits, sample_rate, cache_dir):
    """PocketSphinx's accuracy on `signals` of `digits`; None when it is not installed."""
    answers = pocketsphinx_answers(signals, sample_rate, cache_dir)
    if answers is None:
        return None
    return float(np.mean([answer == digit for answer, digit in zip(answers, digits, strict=True)]))
