"""Sounds that are not digits, for the "no digit" class: noise, tones, near silence.

Training and evaluation draw from different kinds on purpose: training hears
white, brown and mains-hum noise, gliding tones with harmonics, clicks and
near silence; the evaluation hears pink noise, melodies of notes (music-like)
and a silence with faint pink noise, none of which training ever made.
"""

import numpy as np

from datasets import fsdd
from demos.speech.rooms import TRAINING_NOISES, coloured_noise

TRAINING_KINDS = ("noise", "glide", "clicks", "hush")
EVALUATION_KINDS = ("pink", "melody", "quiet")


def tone(frequency, seconds, random, harmonics=4):
    """A note of `seconds` at `frequency` (an array per sample, or a number) with decaying harmonics."""
    count = int(seconds * fsdd.SAMPLE_RATE)
    phase = 2 * np.pi * np.cumsum(np.broadcast_to(frequency, (count,))) / fsdd.SAMPLE_RATE
    weights = random.uniform(0.2, 1.0, harmonics) / np.arange(1, harmonics + 1)
    wave = sum(w * np.sin(k * phase) for k, w in enumerate(weights, 1) if k * np.max(frequency) < 3900)
    envelope = np.minimum(1.0, np.minimum(np.arange(count), np.arange(count)[::-1]) / (0.02 * fsdd.SAMPLE_RATE))
    return wave * envelope


def training_sound(kind, random):
    """One training non-digit of 0.3-2 s: "noise", "glide" (a gliding tone), "clicks" or "hush" (near silence)."""
    seconds = random.uniform(0.3, 2.0)
    count = int(seconds * fsdd.SAMPLE_RATE)
    if kind == "noise":
        sound = coloured_noise(count, TRAINING_NOISES[random.integers(len(TRAINING_NOISES))], random)
    elif kind == "glide":
        sound = tone(np.geomspace(*random.uniform(100, 2000, 2), count), seconds, random)
    elif kind == "clicks":
        sound = np.zeros(count)
        clicks = random.integers(2, 12)
        sound[random.integers(0, count, clicks)] = random.uniform(0.5, 1.0, clicks) * random.choice([-1, 1], clicks)
        sound = sound + 0.01 * random.normal(size=count)
    else:
        sound = 1e-3 * random.normal(size=count)
    return (sound / (np.abs(sound).max() + 1e-12) * random.uniform(0.1, 0.9)).astype("float32")


def evaluation_sound(kind, random):
    """One evaluation non-digit of 0.5-3 s: "pink" noise, a "melody" of notes, or "quiet" (faint pink noise)."""
    seconds = random.uniform(0.5, 3.0)
    count = int(seconds * fsdd.SAMPLE_RATE)
    if kind == "pink":
        sound = coloured_noise(count, "pink", random)
    elif kind == "melody":
        notes = random.integers(3, 9)
        pitches = 220.0 * 2 ** (random.integers(-5, 20, notes) / 12)  # semitones around A3
        sound = np.concatenate([tone(pitch, seconds / notes, random, harmonics=6) for pitch in pitches])
    else:
        sound = 2e-3 * coloured_noise(count, "pink", random)
    return (sound / (np.abs(sound).max() + 1e-12) * random.uniform(0.1, 0.9)).astype("float32")


def sounds(count, seed, evaluation=False):
    """`count` non-digit sounds, kinds in turn, drawn from `seed`."""
    random = np.random.default_rng(seed)
    kinds, make = (EVALUATION_KINDS, evaluation_sound) if evaluation else (TRAINING_KINDS, training_sound)
    return [make(kinds[k % len(kinds)], random) for k in range(count)]
