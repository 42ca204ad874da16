"""From a recording to a sequence of feature frames, and a disk cache of them."""

import hashlib
import json
import warnings
from pathlib import Path

import librosa
import numpy as np

from datasets import fsdd
from datasets.storage import atomic_path
from demos.speech.settings import FEATURE_FIELDS

FEATURE_KINDS = ("logmel", "mfcc")
CACHE_VERSION = 2  # raise when the extraction code changes, so old caches are not read


def feature_settings(settings):
    """The settings that change the features (and so the cache key), as a dict."""
    return {name: getattr(settings, name) for name in FEATURE_FIELDS}


def signal_features(signal, settings):
    """Frames `(time, features)` of a mono 8 kHz signal: log-mel in dB, or MFCCs with deltas."""
    signal, _ = librosa.effects.trim(
        signal, top_db=settings.trim_db, frame_length=settings.n_fft, hop_length=settings.hop_length
    )
    mel = librosa.feature.melspectrogram(
        y=signal, sr=fsdd.SAMPLE_RATE, n_fft=settings.n_fft, hop_length=settings.hop_length, n_mels=settings.n_mels
    )
    log_mel = librosa.power_to_db(mel, ref=np.max)  # loudness-independent: the loudest bin is 0 dB
    if settings.features == "logmel":
        frames = log_mel.T
    else:
        mfcc = librosa.feature.mfcc(S=log_mel, n_mfcc=settings.n_mfcc)
        deltas = [librosa.feature.delta(mfcc, order=order, mode="nearest") for order in (1, 2)]
        frames = np.concatenate([mfcc, *deltas]).T
    if settings.normalize == "utterance":  # CMVN: each feature's mean and spread over the utterance removed
        frames = standardized(frames, pooled_statistics([frames]))
    return frames.astype("float32")


def pooled_statistics(frame_arrays):
    """Mean and spread of each feature over all frames of `frame_arrays` (the spread kept above 0)."""
    frames = np.concatenate(frame_arrays)
    return frames.mean(axis=0), frames.std(axis=0) + 1e-5


def standardized(frames, statistics):
    """`frames` with each feature's mean removed and its spread scaled to 1, by `(mean, spread)`."""
    mean, spread = statistics
    return ((frames - mean) / spread).astype("float32")


def file_features(path, settings):
    """Frames of an audio file at any sample rate; `ValueError` if it is not audio or is silent."""
    return signal_features(fsdd.load_audio(path), settings)


def recording_features(recordings, settings):
    """Frames of each recording, computed once and then read from the cache.

    A file that cannot be read, or is empty, is skipped with a warning naming it.

    Returns:
        `(kept, features, skipped)`: the recordings that were read, their
        frame arrays, and the paths of the skipped files.
    """
    if settings.features not in FEATURE_KINDS:
        raise ValueError(f"features must be one of {', '.join(FEATURE_KINDS)}, got {settings.features!r}")
    cache_path = Path(settings.cache_dir) / f"fsdd-{cache_key(recordings, settings)}.npz"
    if cache_path.exists():
        features, skipped_names = read_cache(cache_path)
    else:
        features, skipped_names = extract_all(recordings, settings)
        write_cache(cache_path, features, skipped_names)
    skipped = [recording.path for recording in recordings if recording.path.name in skipped_names]
    kept = [recording for recording in recordings if recording.path.name not in skipped_names]
    for path in skipped:
        warnings.warn(f"skipping {path}: not readable audio, or empty", stacklevel=2)
    return kept, features, skipped


def cache_key(recordings, settings):
    """A hash of the extraction code's version, the feature settings and every file's name, size and time."""
    files = [(r.path.name, r.path.stat().st_size, r.path.stat().st_mtime_ns) for r in recordings]
    text = json.dumps([CACHE_VERSION, feature_settings(settings), files])
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def cached_features(signals, settings, tag, depends_on, frames_of):
    """`frames_of(k, signal)` for the k-th of `signals`, computed once: cached in `settings.cache_dir` by `tag`, the
    audio itself, the extraction code's version, the feature settings and `depends_on` (whatever else the frames
    depend on, as JSON)."""
    key = json.dumps([CACHE_VERSION, tag, audio_digest(signals), feature_settings(settings), depends_on])
    path = Path(settings.cache_dir) / f"{tag}-{hashlib.sha256(key.encode()).hexdigest()[:20]}.npz"
    if path.exists():
        return read_cache(path)[0]
    features = [frames_of(k, signal) for k, signal in enumerate(signals)]
    write_cache(path, features, [])
    return features


def audio_digest(signals):
    """A hash of the samples of every signal (float32) and of where each ends, for caches keyed by content."""
    digest = hashlib.sha256()
    for signal in signals:
        samples = np.asarray(signal, "float32")
        digest.update(len(samples).to_bytes(8, "little") + samples.tobytes())
    return digest.hexdigest()


def extract_all(recordings, settings):
    features, skipped_names = [], []
    for recording in recordings:
        try:
            features.append(file_features(recording.path, settings))
        except ValueError:
            skipped_names.append(recording.path.name)
    return features, skipped_names


def write_cache(path, features, skipped_names):
    """Writes all frames in one array plus the lengths; atomically, so a crash leaves no broken cache."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = np.concatenate(features) if features else np.zeros((0, 0), "float32")
    lengths = np.array([len(item) for item in features], dtype="int64")
    with atomic_path(path) as partial:
        np.savez(partial, frames=frames, lengths=lengths, skipped=np.array(skipped_names, dtype=str))


def read_cache(path):
    with np.load(path) as cache:
        features = np.split(cache["frames"], np.cumsum(cache["lengths"])[:-1]) if len(cache["lengths"]) else []
        return features, set(cache["skipped"].tolist())

