"""Rooms and devices around a digit: reverberation, a telephone line, clipping, noise, silence.

`in_a_room` draws a random room for a training copy; `evaluation_room` is
the fixed condition of "LOSO in a room" (a second of silence on each side,
pink noise at 20 dB SNR), and `swinging_room` the same with noise whose
level rises and falls. The two use different noises on purpose: the
evaluation's pink noise is never among the training rooms' white, brown
and mains-hum noises (steady, unless `--room-swing`), so the room
accuracies measure rooms not trained on.
"""

import numpy as np
import scipy.signal

from datasets import fsdd

TELEPHONE_BAND = (300.0, 3400.0)  # Hz
TRAINING_NOISES = ("white", "brown", "hum")
EVALUATION_SILENCE = 1.0  # seconds on each side
EVALUATION_SNR = 20.0  # dB
SWING_DB = 10.0  # the swinging room's noise rises and falls by this much around its mean level
SWINGS_PER_SECOND = (1.0, 4.0)  # ... this many times a second (drawn per recording)


def coloured_noise(length, colour, random):
    """Unit-variance noise: "white", "pink" (1/f power), "brown" (1/f^2) or "hum" (50/60 Hz and harmonics)."""
    if colour == "hum":
        base = random.choice([50.0, 60.0])
        time = np.arange(length) / fsdd.SAMPLE_RATE
        noise = sum(random.uniform(0.2, 1.0) / k * np.sin(2 * np.pi * base * k * time + random.uniform(0, 6.3))
                    for k in range(1, 8))
        noise = noise + 0.05 * random.normal(size=length)
    else:
        exponent = {"white": 0.0, "pink": 1.0, "brown": 2.0}[colour]
        spectrum = np.fft.rfft(random.normal(size=length))
        frequencies = np.maximum(np.fft.rfftfreq(length), 1.0 / length)
        noise = np.fft.irfft(spectrum / frequencies ** (exponent / 2), n=length)
    return (noise - noise.mean()) / (noise.std() + 1e-12)


def speech_power(signal, frame=256):
    """Mean power of the louder half of the signal's frames: the digit's own power, not its pauses'."""
    frames = len(signal) // frame
    if frames < 2:
        return float(np.mean(signal**2)) + 1e-12
    powers = np.sort((signal[: frames * frame].reshape(frames, frame) ** 2).mean(axis=1))
    return float(powers[frames // 2 :].mean()) + 1e-12


def reverberate(signal, rt60, random):
    """`signal` in a room whose reverberation time (60 dB decay) is `rt60` s: a decaying-noise impulse response."""
    length = int(rt60 * fsdd.SAMPLE_RATE)
    time = np.arange(length) / fsdd.SAMPLE_RATE
    response = random.normal(size=length) * np.exp(-6.9 * time / rt60)  # ln(1000) = 6.9: -60 dB at rt60
    response[0] = 1.0  # the direct sound
    wet = scipy.signal.fftconvolve(signal, response)[: len(signal)]
    return (wet * np.sqrt(np.mean(signal**2) / (np.mean(wet**2) + 1e-12))).astype("float32")


def telephone(signal):
    """`signal` through a telephone line: 300-3,400 Hz (a fourth-order Butterworth band-pass)."""
    nyquist = fsdd.SAMPLE_RATE / 2
    sos = scipy.signal.butter(4, [TELEPHONE_BAND[0] / nyquist, min(TELEPHONE_BAND[1] / nyquist, 0.99)],
                              btype="band", output="sos")
    return scipy.signal.sosfilt(sos, signal).astype("float32")


def clip(signal, share):
    """`signal` clipped at the level below which `1 - share` of its samples lie (an overdriven input)."""
    level = np.quantile(np.abs(signal), 1 - share)
    return np.clip(signal, -level, level).astype("float32")


def pad_silence(signal, before, after):
    """`before` and `after` seconds of digital silence around `signal`."""
    return np.concatenate([np.zeros(int(before * fsdd.SAMPLE_RATE), "float32"), signal,
                           np.zeros(int(after * fsdd.SAMPLE_RATE), "float32")])


def in_a_room(signal, random, max_silence=2.0, snr_range=(5.0, 30.0), swing_share=0.0):
    """A random room and device for a training copy: each condition drawn on its own.

    Reverberation (RT60 0.2-0.8 s, half the time), a telephone band (a
    quarter), clipping of the loudest 1-10% (a tenth), then up to
    `max_silence` s of silence on each side and white, brown or hum noise at
    an SNR drawn from `snr_range` (always), with probability `swing_share`
    swelling and fading by up to `SWING_DB` dB either way (`swung`).
    """
    if random.random() < 0.5:
        signal = reverberate(signal, random.uniform(0.2, 0.8), random)
    if random.random() < 0.25:
        signal = telephone(signal)
    if random.random() < 0.1:
        signal = clip(signal, random.uniform(0.01, 0.1))
    padded = pad_silence(signal, *random.uniform(0, max_silence, 2))
    noise = coloured_noise(len(padded), TRAINING_NOISES[random.integers(len(TRAINING_NOISES))], random)
    if swing_share and random.random() < swing_share:  # no draw without swings: the same rooms as before them
        noise = swung(noise, random.uniform(0, SWING_DB), *swing_timing(random))
    return add_noise(padded, signal, random.uniform(*snr_range), noise)


def add_noise(padded, speech, snr_db, noise):
    """`padded` (speech with silence around it) plus `noise` at `snr_db` below the power of `speech` alone."""
    scale = np.sqrt(speech_power(speech) / 10 ** (snr_db / 10))
    return (padded + noise[: len(padded)] * scale).astype("float32")


def evaluation_room(signal, seed):
    """"LOSO in a room": `EVALUATION_SILENCE` s of silence on each side and pink noise at `EVALUATION_SNR` dB."""
    return pink_room(signal, np.random.default_rng(seed))


def swinging_room(signal, seed):
    """"In a room, noise that swells and fades": as `evaluation_room`, the pink noise's level swinging by
    `SWING_DB` dB either way, 1-4 times a second (a fan, passing traffic); `EVALUATION_SNR` on average."""
    random = np.random.default_rng([seed, 1])
    return pink_room(signal, random, swing=(SWING_DB, *swing_timing(random)))


def pink_room(signal, random, swing=None):
    """`signal` with `EVALUATION_SILENCE` s of silence each side and pink noise at `EVALUATION_SNR` dB, its level
    `swung` by `swing` (`(dB, per second, phase)`) when given."""
    padded = pad_silence(signal, EVALUATION_SILENCE, EVALUATION_SILENCE)
    noise = coloured_noise(len(padded), "pink", random)
    return add_noise(padded, signal, EVALUATION_SNR, noise if swing is None else swung(noise, *swing))


def swing_timing(random):
    """How often a swinging noise rises and falls (`SWINGS_PER_SECOND`) and where in its cycle it starts."""
    return random.uniform(*SWINGS_PER_SECOND), random.uniform(0, 2 * np.pi)


def swung(noise, swing_db, per_second, phase):
    """`noise` whose level rises and falls by `swing_db` dB either way, `per_second` times a second, its mean
    power kept."""
    time = np.arange(len(noise)) / fsdd.SAMPLE_RATE
    envelope = 10 ** (swing_db * np.sin(2 * np.pi * per_second * time + phase) / 20)
    return noise * envelope / np.sqrt(np.mean(envelope**2))
