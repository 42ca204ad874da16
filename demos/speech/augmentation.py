"""Perturbed copies of the training recordings: other speeds, pitches, microphones and noise levels.

A speaker never heard differs from the training voices in pitch, vocal-tract
length (formants) and speaking rate, and in FSDD each voice also comes through
its own microphone and room; perturbing the training audio along those axes
widens what the model hears: vocal tract length perturbation (VTLP) warps
the frequency axis as a longer or shorter tract would, and a share of the
copies are heard in a room (`rooms.in_a_room`). Loudness is not perturbed: the features are
measured against each utterance's loudest bin, so a gain changes nothing.
"""

import hashlib
import json
from pathlib import Path

import librosa
import numpy as np
import scipy.signal

from datasets import fsdd
from demos.speech.features import cache_key, read_cache, signal_features, write_cache
from demos.speech.rooms import in_a_room
from demos.speech.segments import longest_stretch

# Raise when `perturb` changes (or the cut it makes, `segments.split_digits`), so that copies made before are not read.
PERTURBATION_VERSION = 2
AUGMENTATION_FIELDS = ("augment_copies", "speed_range", "pitch_range", "vtlp", "eq_db", "noise_snr", "room",
                       "room_swing")
PITCH_WINDOW = 512  # STFT window of the pitch shift, in samples (64 ms at 8 kHz: 6x faster than librosa's 2048)
VTLP_WINDOW = 256  # STFT window of the frequency warp, in samples
VTLP_BOUNDARY = 0.85  # share of the Nyquist frequency below which the warp is a plain scaling (Jaitly and Hinton)


def perturb(signal, settings, random):
    """One perturbed copy of a mono 8 kHz signal.

    speed: resampled by a factor in [1 - speed_range, 1 + speed_range] and
        played at 8 kHz: tempo, pitch and formants move together (Kaldi's
        speed perturbation);
    pitch: shifted by up to `pitch_range` semitones, duration kept;
    vocal tract: the frequency axis warped by a factor in [1 - vtlp, 1 + vtlp] (`warp_frequencies`);
    microphone: a random tilt of the spectrum and a peak or dip at a random
        frequency, each of up to `eq_db` dB (`colour`);
    noise: white noise at a signal-to-noise ratio drawn from [noise_snr, 40] dB;
    room: with probability `room`, a random room and device around it
        (`rooms.in_a_room`, its noise swelling and fading with probability
        `room_swing`), then cut to its longest stretch of speech, as
        `predict` cuts a recording (`segments.split_digits`).
    """
    if settings.speed_range:
        speed = random.uniform(1 - settings.speed_range, 1 + settings.speed_range)
        signal = librosa.resample(signal, orig_sr=fsdd.SAMPLE_RATE, target_sr=round(fsdd.SAMPLE_RATE / speed))
    if settings.pitch_range:
        steps = random.uniform(-settings.pitch_range, settings.pitch_range)
        signal = librosa.effects.pitch_shift(signal, sr=fsdd.SAMPLE_RATE, n_steps=steps, n_fft=PITCH_WINDOW)
    if settings.vtlp:
        signal = warp_frequencies(signal, random.uniform(1 - settings.vtlp, 1 + settings.vtlp))
    if settings.eq_db:
        signal = colour(signal, settings.eq_db, random)
    if settings.noise_snr:
        snr_db = random.uniform(settings.noise_snr, max(settings.noise_snr, 40.0))
        noise_power = np.mean(signal**2) / 10 ** (snr_db / 10)
        signal = signal + random.normal(0.0, np.sqrt(noise_power), signal.shape).astype(signal.dtype)
    if random.random() < settings.room:
        signal = longest_stretch(in_a_room(signal, random, swing_share=settings.room_swing))
    return signal


def perturbation_key(settings):
    """What the perturbed copies depend on besides the audio: the code's version, the settings and the seed."""
    return [PERTURBATION_VERSION, [getattr(settings, name) for name in AUGMENTATION_FIELDS], settings.seed]


def warp_frequencies(signal, alpha):
    """Vocal tract length perturbation (Jaitly and Hinton, 2013): each frame's spectrum with its frequencies
    scaled by `alpha`, piecewise linearly so that the band edge stays put; the phase is kept.

    Below `VTLP_BOUNDARY` x min(alpha, 1) / alpha of the Nyquist frequency a
    frequency f moves to alpha f; above, a straight line takes it to Nyquist.
    """
    spectrum = librosa.stft(signal, n_fft=VTLP_WINDOW, hop_length=VTLP_WINDOW // 4)
    bins = np.linspace(0.0, 1.0, spectrum.shape[0])  # frequency as a share of Nyquist
    boundary = VTLP_BOUNDARY * min(alpha, 1.0) / alpha
    warped = np.where(bins <= boundary, alpha * bins,
                      1 - (1 - alpha * boundary) * (1 - bins) / (1 - boundary))  # where each bin's energy goes
    magnitude = np.stack([np.interp(bins, warped, column) for column in np.abs(spectrum).T], axis=1)
    return librosa.istft(magnitude * np.exp(1j * np.angle(spectrum)), hop_length=VTLP_WINDOW // 4,
                         length=len(signal)).astype("float32")


def colour(signal, eq_db, random):
    """`signal` through another microphone: a first-order tilt, then a peaking filter (RBJ's audio EQ cookbook).

    The tilt `1 - a z^-1` changes the level at 4 kHz against 0 Hz by up to
    `eq_db` dB either way; the peak or dip, of up to `eq_db` dB, sits between
    200 and 3,500 Hz with a Q between 0.7 and 2.
    """
    ratio = 10 ** (eq_db / 20)
    a = random.uniform(-1, 1) * (ratio - 1) / (ratio + 1)  # (1 + a) / (1 - a): Nyquist against DC gain
    signal = scipy.signal.lfilter([1.0, -a], [1.0], signal)
    amplitude = 10 ** (random.uniform(-eq_db, eq_db) / 40)
    w0 = 2 * np.pi * random.uniform(200.0, 3500.0) / fsdd.SAMPLE_RATE
    alpha = np.sin(w0) / (2 * random.uniform(0.7, 2.0))
    numerator = [1 + alpha * amplitude, -2 * np.cos(w0), 1 - alpha * amplitude]
    denominator = [1 + alpha / amplitude, -2 * np.cos(w0), 1 - alpha / amplitude]
    return scipy.signal.lfilter(numerator, denominator, signal).astype("float32")


def augmented_features(recordings, settings):
    """`settings.augment_copies` perturbed frame arrays per recording, recording-major, cached like the features.

    Copy `c` of recording `r` is `result[r * copies + c]`. The draws depend
    on the seed and the recording's name only, so a fold of leave-one-speaker-out
    reads the same copies as any other run with the same settings.
    """
    key = json.dumps([cache_key(recordings, settings), perturbation_key(settings)])
    path = Path(settings.cache_dir) / f"fsdd-copies-{hashlib.sha256(key.encode()).hexdigest()[:20]}.npz"
    if path.exists():
        return read_cache(path)[0]
    copies = []
    for recording in recordings:
        signal = fsdd.load_audio(recording.path)
        for copy in range(settings.augment_copies):
            random = np.random.default_rng([settings.seed, copy, *recording.path.name.encode()])
            copies.append(signal_features(perturb(signal, settings, random), settings))
    write_cache(path, copies, [])
    return copies
