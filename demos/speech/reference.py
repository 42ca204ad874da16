"""PocketSphinx, an off-the-shelf speaker-independent recognizer, as a reference beside the LSTM.

Its bundled US English acoustic model, a JSGF grammar of the ten digit words
(one word per recording), audio upsampled to 16 kHz with a quarter second of
silence added on each side (its voice activity detection needs silence to
start from: without it, FSDD's tightly cut files lose a few points). `pip install
pocketsphinx` (in requirements.txt); without it the reference is left out.
"""

import librosa
import numpy as np

from demos.speech.voices import DIGIT_WORDS

SAMPLE_RATE = 16000


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


def pocketsphinx_accuracy(signals, digits, sample_rate, folder):
    """PocketSphinx's accuracy on 8 kHz `signals` of `digits`; None when it is not installed."""
    decoder = pocketsphinx_decoder(folder)
    if decoder is None:
        return None
    return float(np.mean([pocketsphinx_digit(decoder, signal, sample_rate) == digit
                          for signal, digit in zip(signals, digits, strict=True)]))
