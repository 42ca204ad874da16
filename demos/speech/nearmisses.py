"""Near misses: a digit with more speech joined to it, or said backwards, in the same voice, is "no digit".

A word that holds a digit or starts like one ("six" and then more) is not
that digit, and a voice the model has learned to answer must still be
answered "no digit" when it says something else. The synthesized words of
`voices.TRAINING_WORDS` come in other voices than FSDD's; these come in the
training speakers' own voices, made from their digit recordings:

- **joined**: the digit with the first or last 30-70% of another digit of the
  same speaker joined before or after it, without a pause ("six" + "-ven");
- **reversed**: the digit played backwards (the same sounds, not a word);
- **onset cut** and **coda cut** (`--near-miss-kinds`, off by default): the
  digit's speech (what is within 20 dB of its loudest) without its first or
  last 15-30%, about its first or last sound, so
  a word one sound away from it ("seven" -> "-even", "six" -> "si-"); only
  digits whose first (all but "eight") or last sound ("one", "five", "six",
  "seven", "eight", "nine") is a consonant, so that what is left is not the
  digit still.

Only recordings of the training part are used, so no held-out voice reaches
training.
"""

import librosa
import numpy as np

from datasets import fsdd

CROSSFADE = int(0.01 * fsdd.SAMPLE_RATE)  # samples over which two joined pieces overlap
TRIM = {"top_db": 40, "frame_length": 256, "hop_length": 64}  # silence cut off each digit before it is used
KINDS = ("after", "before", "reversed", "onset cut", "coda cut")
DEFAULT_KINDS = KINDS[:3]  # the other piece after the digit, before it, or the digit reversed
CUT_SHARE = (0.15, 0.3)  # of a digit's speech, the share an onset or coda cut takes off
CUT_TRIM = {**TRIM, "top_db": 20}  # a digit's speech, for the cuts: the faint ends kept by TRIM would be all they cut
CUTTABLE = {"onset cut": (0, 1, 2, 3, 4, 5, 6, 7, 9), "coda cut": (1, 5, 6, 7, 8, 9)}  # digits whose cut end is a consonant


def joined(first, second):
    """`first` then `second` with a short crossfade, `second` brought to `first`'s loudness."""
    second = second * np.sqrt(np.mean(first**2) / max(np.mean(second**2), 1e-12))
    fade = min(CROSSFADE, len(first), len(second))
    ramp = np.linspace(0.0, 1.0, fade, dtype="float32")
    middle = first[len(first) - fade :] * (1 - ramp) + second[:fade] * ramp
    return np.concatenate([first[: len(first) - fade], middle, second[fade:]]).astype("float32")


def faded(signal, end):
    """`signal` faded in at its "start" or out at its "end" over `CROSSFADE` samples: a cut, but no click."""
    ramp = np.linspace(0.0, 1.0, min(CROSSFADE, len(signal)), dtype="float32")
    signal = np.array(signal, "float32")
    if end == "start":
        signal[: len(ramp)] *= ramp
    else:
        signal[len(signal) - len(ramp) :] *= ramp[::-1]
    return signal


def kinds_of(text):
    """The near-miss kinds named in `text`, comma-separated (`--near-miss-kinds`)."""
    return tuple(kind.strip() for kind in text.split(",") if kind.strip())


def near_miss(signal, partner, kind, random):
    """One near miss of a trimmed digit `signal`, with `partner` (another digit of the same voice) for the joins."""
    if kind == "reversed":
        return np.ascontiguousarray(signal[::-1])
    if kind in CUTTABLE:
        signal = librosa.effects.trim(signal, **CUT_TRIM)[0]
        cut = int(len(signal) * random.uniform(*CUT_SHARE))
        return faded(signal[cut:], "start") if kind == "onset cut" else faded(signal[: len(signal) - cut], "end")
    share = random.uniform(0.3, 0.7)
    if kind == "after":
        return joined(signal, partner[int(len(partner) * (1 - share)) :])
    return joined(partner[: max(1, int(len(partner) * share))], signal)


def near_misses(signals, digits, voices, count, seed, kinds=DEFAULT_KINDS):
    """`count` near misses of the digits `signals` (with their `digits` and `voices`), `kinds` in turn.

    Each takes a random signal (for a cut, one of a digit it can cut) and,
    for the joins, another digit said by the same voice; a voice with one
    digit only gives reversed ones.
    """
    random = np.random.default_rng(seed)
    trimmed = [librosa.effects.trim(np.asarray(signal, "float32"), **TRIM)[0] for signal in signals]
    by_voice = {}
    for index, voice in enumerate(voices):
        by_voice.setdefault(voice, []).append(index)
    cuttable = {kind: [k for k, digit in enumerate(digits) if digit in cut] for kind, cut in CUTTABLE.items()}
    made = []
    for number in range(count):
        kind = kinds[number % len(kinds)]
        if kind in CUTTABLE:
            made.append(near_miss(trimmed[random.choice(cuttable[kind])], None, kind, random))
            continue
        index = int(random.integers(len(trimmed)))
        others = [k for k in by_voice[voices[index]] if digits[k] != digits[index]]
        kind = kind if others else "reversed"
        partner = trimmed[others[int(random.integers(len(others)))]] if others else None
        made.append(near_miss(trimmed[index], partner, kind, random))
    return made
