"""Finding the stretches of speech in a recording: a digit among silence, room noise or other digits.

Loudness is measured in the speech band only, so rumble, wind and mains hum
below it do not count; and a frame counts as speech only where the shape of
its spectrum (its loudness aside) differs from the noise's, so noise that
comes and goes (a fan speeding up, traffic passing) is not taken for a digit
when it swells.
"""

import functools

import librosa
import numpy as np

from datasets import fsdd

SILENCE_DB = 25  # a loud frame is within this many dB of the loudest
NOISE_MARGIN_DB = 10  # ... and this many dB above the noise floor (the quietest tenth of the frames)
SHAPE_DB = 3.0  # ... and its spectrum's shape differs from the noise's by this many dB (RMS over bands)
EDGE_SILENCE_DB = 40  # a stretch reaches out to frames within this many dB of the loudest
EDGE_DB = 4  # ... and this many dB above the noise floor
FRAME, HOP = 256, 64  # samples of the loudness frames
SPEECH_BAND = (200.0, 3800.0)  # Hz: where loudness is measured
SHAPE_BANDS = 12  # mel bands of the spectrum's shape
SHAPE_FRAMES = 5  # frames the band levels are averaged over before their shape is compared (about 40 ms)
NOISE_PERCENT = 30  # the quietest frames, whose spectrum's shape is taken as the noise's
SHORTEST_DIGIT = 0.12  # seconds: a louder stretch shorter than this is a click, not a digit
LONGEST_PAUSE = 0.2  # seconds: louder stretches closer than this belong to one digit
MARGIN = 0.05  # seconds kept before and after each stretch (soft onsets and endings)


def split_digits(signal, sample_rate=fsdd.SAMPLE_RATE):
    """`(start, end)` sample ranges of the stretches of speech in `signal`, split on the silences between them.

    A frame is loud when, in `SPEECH_BAND`, it is within `SILENCE_DB` of the
    loudest frame and `NOISE_MARGIN_DB` above the noise floor (the quietest
    tenth of frames), and the shape of its spectrum differs from the noise's
    by `SHAPE_DB` (`noise_distances`); a stretch grows from its loud frames to
    the neighbouring frames above the floor by `EDGE_DB` (or within
    `EDGE_SILENCE_DB` of the loudest, in a clean recording), so that soft
    onsets and endings ("f", "s") stay in it.
    """
    if len(signal) < SHORTEST_DIGIT * sample_rate:
        return []
    level, bands = levels(signal, sample_rate)
    floor, peak = np.percentile(level, 10), level.max()
    loud = (level > max(peak - SILENCE_DB, floor + NOISE_MARGIN_DB)) & (noise_distances(bands, level) > SHAPE_DB)
    edges = level > max(peak - EDGE_SILENCE_DB, floor + EDGE_DB)
    pause = LONGEST_PAUSE * sample_rate / HOP
    merged = joined([(start, end) for start, end in runs(edges) if loud[start:end].any()], pause)

    def long_enough(span):  # shorter ones are clicks, left out before any stretch is widened
        start, end = in_samples(span, len(signal))
        return end - start >= SHORTEST_DIGIT * sample_rate

    merged = [span for span in merged if long_enough(span)]
    margin = int(MARGIN * sample_rate)
    spans = [in_samples(span, len(signal)) for span in joined(widened(merged, level, floor), pause)]
    return [(max(0, start - margin), min(len(signal), end + margin)) for start, end in spans]


def in_samples(span, length):
    """A `(start, end)` range of frames as samples of a signal of `length` (frame k is centred on sample k x HOP)."""
    return span[0] * HOP, min(length, span[1] * HOP)


def joined(spans, pause):
    """Frame ranges in order, those less than `pause` frames apart joined into one."""
    merged = []
    for start, end in spans:
        if merged and start - merged[-1][1] < pause:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def widened(spans, level, floor):
    """Each stretch's edges reaching out to the frames within `EDGE_SILENCE_DB` of its own loudest frame (and
    `EDGE_DB` above the `floor`), up to its neighbours: a digit quieter than the file's loudest keeps the soft
    ending it has alone. The loudest stretch, and so a file of one digit, is left as it is."""
    out = []
    for k, (start, end) in enumerate(spans):
        low, high = spans[k - 1][1] if k else 0, spans[k + 1][0] if k + 1 < len(spans) else len(level)
        threshold = max(level[start:end].max() - EDGE_SILENCE_DB, floor + EDGE_DB)
        while start > low and level[start - 1] > threshold:
            start -= 1
        while end < high and level[end] > threshold:
            end += 1
        out.append((start, end))
    return out


def levels(signal, sample_rate):
    """Frame by frame (frame k centred on sample k x `HOP`), in dB: the mean power over `SPEECH_BAND`, `(frames,)`,
    and the level of each of `SHAPE_BANDS` mel bands spanning it, `(bands, frames)`."""
    power = np.abs(librosa.stft(signal, n_fft=FRAME, hop_length=HOP)) ** 2
    in_band, mel = speech_band(sample_rate)
    return 10 * np.log10(power[in_band].mean(axis=0) + 1e-20), 10 * np.log10(mel @ power + 1e-20)


@functools.cache
def speech_band(sample_rate):
    """The STFT bins within `SPEECH_BAND` (a mask) and the mel filters spanning it, made once per sample rate
    (cutting 3 s of noise took 14 ms when they were made on every call, 1.4 ms now)."""
    low, high = SPEECH_BAND[0], min(SPEECH_BAND[1], sample_rate / 2)
    frequencies = librosa.fft_frequencies(sr=sample_rate, n_fft=FRAME)
    mel = librosa.filters.mel(sr=sample_rate, n_fft=FRAME, n_mels=SHAPE_BANDS, fmin=low, fmax=high)
    return (frequencies >= low) & (frequencies <= high), mel


def noise_distances(bands, level):
    """How far each frame's spectrum is from the noise's in shape, its loudness aside: the RMS over bands, in dB,
    of the difference of the band levels less their mean, averaged over `SHAPE_FRAMES` frames, from the median
    of those of the quietest `NOISE_PERCENT`% of frames."""
    kernel = np.ones(SHAPE_FRAMES) / SHAPE_FRAMES  # zeros beyond the ends: the outer two frames' shapes shrink
    smooth = np.stack([np.convolve(band, kernel, mode="same") for band in bands])
    shape = smooth - smooth.mean(axis=0)
    noise = np.median(shape[:, level <= np.percentile(level, NOISE_PERCENT)], axis=1, keepdims=True)
    return np.sqrt(np.mean((shape - noise) ** 2, axis=0))


def runs(flags):
    """`(start, end)` index ranges of the runs of True in a boolean array."""
    changes = np.flatnonzero(np.diff(np.concatenate([[0], flags.astype(int), [0]])))
    return list(zip(changes[::2], changes[1::2], strict=True))


def longest_stretch(signal):
    """The longest stretch of speech in `signal` (all of it when none is found)."""
    spans = split_digits(signal)
    start, end = max(spans, key=lambda span: span[1] - span[0]) if spans else (0, len(signal))
    return signal[start:end]
