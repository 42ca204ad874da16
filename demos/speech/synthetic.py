"""What training hears besides FSDD, and the evaluation sets no training ever hears.

- `synthetic_digits`: the ten digits said by synthesized voices (`voices.py`),
  each take perturbed once (speed, pitch, vocal tract, room: `augmentation.perturb`);
- `no_digit_examples`: the "no digit" class: other words said by the same
  voices, and noise, tones, clicks, near silence (`nondigits.py`);
- `near_miss_examples`: "no digit" too: the training digits joined to part of
  another digit of the same voice, or reversed (`nearmisses.py`);
- `held_apart_digits` and `evaluation_non_digits`: digits and other words
  said by the voices of `voices.HELD_APART`, and sounds of kinds training never
  made: what "synthetic voices never heard" and the non-digit false accepts
  are measured on.

Every set is made once per setting and cached beside the FSDD features.
"""

import numpy as np

from datasets import fsdd
from demos.speech.augmentation import perturb, perturbation_key
from demos.speech.features import cached_features, signal_features
from demos.speech.nearmisses import kinds_of, near_misses
from demos.speech.nondigits import EVALUATION_KINDS, sounds
from demos.speech.part import NO_DIGIT, Part
from demos.speech.voices import (
    DIGIT_WORDS,
    ENV_VARIABLE,
    EVALUATION_WORDS,
    TRAINING_WORDS,
    installed_voices,
    is_held_apart,
    minimal_pairs,
    synthesized,
    takes,
)

NATURAL_TAKES = 5  # flite and festival voices (few, and nearer to a person) say each word this many times more
HELD_APART_TAKES = 2  # takes of each evaluation word and digit per held-apart voice
EVALUATION_SOUNDS = 240  # noise, melodies and quiet stretches among the evaluation's non-digits
WORDS_PER_VOICE = 32  # of the "no digit" words, each training voice says this many, drawn from the seed
VALIDATION_VOICES = 16  # espeak-ng voices (not trained on) whose digits join the validation part


def voices_for(settings, role="training"):
    """(espeak-ng voices, other voices) of a `role`: "training", "validation" or "held apart".

    Training: `settings.synth_voices` espeak-ng voices drawn from the seed,
    and every flite and festival voice; validation: `VALIDATION_VOICES` other
    espeak-ng voices, so that early stopping and the temperature see voices
    training never heard; held apart: the voices of `voices.HELD_APART`.
    """
    voices = [voice for voice in installed_voices() if is_held_apart(voice) == (role == "held apart")]
    espeak = [voice for voice in voices if voice.startswith("espeak-ng:")]
    natural = [voice for voice in voices if not voice.startswith("espeak-ng:")]
    if role == "held apart":
        return espeak, natural
    order = np.random.default_rng(settings.seed).permutation(len(espeak))
    if role == "training":
        return [espeak[k] for k in sorted(order[: settings.synth_voices])], natural
    return [espeak[k] for k in sorted(order[settings.synth_voices :][:VALIDATION_VOICES])], []


def spoken(settings, words, repeats, label, role="training", seed=0, words_per_voice=0):
    """Signals, words and voices of `words` said `repeats` times by each voice of `role` (natural ones more often;
    with `words_per_voice`, each voice says that many of the words, drawn from the seed)."""
    espeak, natural = voices_for(settings, role)
    plan = (takes(espeak, words, repeats, [settings.seed, seed, 0], words_per_voice)
            + takes(natural, words, repeats * NATURAL_TAKES, [settings.seed, seed, 1], words_per_voice))
    return synthesized(plan, settings.cache_dir, label) if plan else ([], [], [])


def synthetic_digits(settings, role="training"):
    """The digits said by the training (or validation) voices, each take perturbed once; None when none are asked
    for or found."""
    if not settings.synth_voices or not settings.synth_takes:
        return None
    signals, words, voices = spoken(settings, DIGIT_WORDS, settings.synth_takes, f"{role} digits", role)
    if not signals and role == "validation":
        return None
    if not signals:
        print(f"no synthesized voices (no espeak-ng, flite or festival found, or ${ENV_VARIABLE}=none): training "
              "without them", flush=True)
        return None
    features = perturbed_features(signals, settings, f"{role}-digits")
    return Part(features, np.array([DIGIT_WORDS.index(word) for word in words]), voices)


def no_digit_examples(settings, count, seed):
    """`count` "no digit" examples: half other words said by the training voices (perturbed), half sounds."""
    if count <= 0:
        return None
    words_part = []
    if settings.synth_voices:
        signals, _, _ = spoken(settings, TRAINING_WORDS + minimal_pairs(settings.minimal_pairs), 1, "other words",
                               words_per_voice=WORDS_PER_VOICE)
        chosen = np.random.default_rng([settings.seed, seed]).permutation(len(signals))[: count // 2]
        words_part = perturbed_features([signals[k] for k in chosen], settings, f"words-{seed}")
    noises = sounds(count - len(words_part), [settings.seed, seed])
    features = words_part + [signal_features(sound, settings) for sound in noises]
    return Part(features, np.full(len(features), NO_DIGIT), ["no digit"] * len(features))


def near_miss_examples(settings, recordings, count, seed):
    """`count` near misses of the FSDD `recordings` and the training voices' digits, each perturbed once."""
    if count <= 0 or not recordings:
        return None
    signals = [fsdd.load_audio(recording.path) for recording in recordings]
    digits = [recording.digit for recording in recordings]
    voices = [recording.speaker for recording in recordings]
    if settings.synth_voices and settings.synth_takes:
        spoken_signals, words, spoken_voices = spoken(settings, DIGIT_WORDS, settings.synth_takes, "training digits")
        signals, digits = signals + list(spoken_signals), digits + [DIGIT_WORDS.index(word) for word in words]
        voices = voices + list(spoken_voices)
    made = near_misses(signals, digits, voices, count, [settings.seed, seed, 7], kinds_of(settings.near_miss_kinds))
    features = perturbed_features(made, settings, f"near-misses-{seed}")
    return Part(features, np.full(len(features), NO_DIGIT), ["no digit"] * len(features))


def held_apart_digits(settings):
    """The digits said by the held-apart voices (never in training), clean; None without them."""
    signals, words, voices = spoken(settings, DIGIT_WORDS, HELD_APART_TAKES, "held-apart digits", "held apart")
    if not signals:
        return None
    return Part(perturbed_features(signals, settings, "held-apart-digits", perturbed=False),
                np.array([DIGIT_WORDS.index(word) for word in words]), voices, list(signals))


def evaluation_non_digits(settings):
    """Non-digits training never heard: the evaluation words in the held-apart voices, and evaluation sounds.

    Returns the `Part` and the kind of each of its items: the word said, or the sound's kind (`EVALUATION_KINDS`).
    """
    signals, words, _ = spoken(settings, EVALUATION_WORDS, HELD_APART_TAKES, "held-apart words", "held apart")
    signals = list(signals) + sounds(EVALUATION_SOUNDS, [settings.seed, 99], evaluation=True)
    kinds = list(words) + [EVALUATION_KINDS[k % len(EVALUATION_KINDS)] for k in range(EVALUATION_SOUNDS)]
    return Part(perturbed_features(signals, settings, "non-digits", perturbed=False), np.full(len(signals), NO_DIGIT),
                ["no digit"] * len(signals), signals), kinds


def perturbed_features(signals, settings, tag, perturbed=True):
    """Frames of each signal after one draw of `augmentation.perturb` (as they are with `perturbed` False),
    cached by content, settings and seed: the evaluation sets are read, not remade, by every fold."""

    def frames_of(k, signal):
        if perturbed:
            signal = perturb(signal, settings, np.random.default_rng([settings.seed, k, 11]))
        return signal_features(signal, settings)

    return cached_features(signals, settings, tag, perturbation_key(settings) if perturbed else None, frames_of)
