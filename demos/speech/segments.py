"""Finding the stretches of speech in a recording: a digit among silence, room noise or other digits."""

import librosa
import numpy as np

from datasets import fsdd

SILENCE_DB = 25  # a loud frame is within this many dB of the loudest
NOISE_MARGIN_DB = 10  # ... and this many dB above the noise floor (the quietest tenth of the frames)
EDGE_SILENCE_DB = 40  # a stretch reaches out to frames within this many dB of the loudest
EDGE_DB = 4  # ... and this many dB above the noise floor
FRAME, HOP = 256, 64  # samples of the loudness frames
SHORTEST_DIGIT = 0.12  # seconds: a louder stretch shorter than this is a click, not a digit
LONGEST_PAUSE = 0.2  # seconds: louder stretches closer than this belong to one digit
MARGIN = 0.05  # seconds kept before and after each stretch (soft onsets and endings)


def split_digits(signal, sample_rate=fsdd.SAMPLE_RATE):
    """`(start, end)` sample ranges of the stretches of speech in `signal`, split on the silences between them.

    A frame is loud when it is within `SILENCE_DB` of the loudest frame and
    `NOISE_MARGIN_DB` above the noise floor (the quietest tenth of frames);
    a stretch grows from its loud frames to the neighbouring frames above the
    floor by `EDGE_DB` (or within `EDGE_SILENCE_DB` of the loudest, in a
    clean recording), so that soft onsets and endings ("f", "s") stay in it.
    """
    level = librosa.amplitude_to_db(librosa.feature.rms(y=signal, frame_length=FRAME, hop_length=HOP)[0],
                                    ref=1.0, amin=1e-10)
    floor, peak = np.percentile(level, 10), level.max()
    loud = level > max(peak - SILENCE_DB, floor + NOISE_MARGIN_DB)
    edges = level > max(peak - EDGE_SILENCE_DB, floor + EDGE_DB)
    merged = []
    for start, end in runs(edges):
        if not loud[start:end].any():
            continue
        if merged and (start - merged[-1][1]) * HOP < LONGEST_PAUSE * sample_rate:
            merged[-1][1] = end
        else:
            merged.append([start, end])
    margin = int(MARGIN * sample_rate)
    spans = [(start * HOP, min(len(signal), end * HOP)) for start, end in merged]  # frame k is centred on k * HOP
    return [(max(0, start - margin), min(len(signal), end + margin)) for start, end in spans
            if end - start >= SHORTEST_DIGIT * sample_rate]


def runs(flags):
    """`(start, end)` index ranges of the runs of True in a boolean array."""
    changes = np.flatnonzero(np.diff(np.concatenate([[0], flags.astype(int), [0]])))
    return list(zip(changes[::2], changes[1::2], strict=True))




def longest_stretch(signal):
    """The longest stretch of speech in `signal` (all of it when none is found)."""
    spans = split_digits(signal)
    start, end = max(spans, key=lambda span: span[1] - span[0]) if spans else (0, len(signal))
    return signal[start:end]
