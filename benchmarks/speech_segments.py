"""How well `predict`'s cut finds a spoken digit in noise (`demos.speech.segments.split_digits`).

A development set with no FSDD speaker in it: each digit said by eight
synthesized training voices (espeak-ng, flite, festival; none of the voices
kept apart for evaluation), each take placed at a random moment of a
3-second recording, in white or brown noise, steady or swelling and fading
by 6-12 dB either way 0.5-4 times a second, with knocks, or with
reverberation. For each condition it prints, averaged over the takes: the
share of the digit inside the stretch that overlaps it most, how long that
stretch runs outside the digit, and how many stretches miss the digit.

    python -m benchmarks.speech_segments
    python -m benchmarks.speech_segments --seed 1

The voices are synthesized once and cached in `--cache-dir`.
"""

import argparse

import numpy as np

from datasets import fsdd
from demos.cli import CLIError, check_folder, check_ranges
from demos.speech import rooms
from demos.speech.segments import split_digits
from demos.startup import import_keras

RATE = fsdd.SAMPLE_RATE
VOICES = ("espeak-ng:en-us+m3", "espeak-ng:en-gb+f2", "espeak-ng:en-us+klatt", "espeak-ng:en-gb-scotland+m5",
          "flite:kal", "flite:awb", "flite:slt", "festival:kal_diphone")
LENGTH = 3.0  # seconds of each recording


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.speech_segments", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0, help="draws the takes' rates and pitches, places and noises")
    parser.add_argument("--cache-dir", default=".cache/speech", help="where the synthesized takes are kept")
    return parser.parse_args(argv)


def steady(colour):
    """A maker of steady noise of `colour`: `(length, random) -> noise`."""
    return lambda length, random: rooms.coloured_noise(length, colour, random)


def swelling(colour):
    """A maker of noise of `colour` swelling and fading by 6-12 dB either way, 0.5-4 times a second."""
    return lambda length, random: rooms.swung(rooms.coloured_noise(length, colour, random), random.uniform(6, 12),
                                              random.uniform(0.5, 4), random.uniform(0, 2 * np.pi))


def knocking(colour):
    """A maker of steady noise of `colour` with three loud knocks (10-100 ms decaying bursts) at random moments."""
    def noise(length, random):
        sound = rooms.coloured_noise(length, colour, random)
        for _ in range(3):
            at, width = random.integers(0, length - 800), random.integers(80, 800)
            decay = np.exp(-np.arange(width) / (width / 4))
            sound[at : at + width] += random.uniform(3, 8) * random.normal(size=width) * decay
        return sound / np.sqrt(np.mean(sound**2))
    return noise


def conditions():
    """(name, SNR in dB or None for near silence, noise maker, reverberation or not)."""
    yield "clean, 0.3 s of silence each side", None, None, False
    for colour in ("white", "brown"):
        for snr in (20.0, 10.0):
            yield f"{colour} noise, {snr:.0f} dB", snr, steady(colour), False
            yield f"{colour} noise, {snr:.0f} dB, swelling and fading", snr, swelling(colour), False
    yield "brown noise, 15 dB, with knocks", 15.0, knocking("brown"), False
    yield "white noise, 15 dB, reverberation (RT60 0.5 s)", 15.0, steady("white"), True


def recording(speech, snr, noise, reverberate, random):
    """The take in its condition, and the sample where the take starts."""
    if snr is None:
        padded = rooms.pad_silence(speech, 0.3, 0.3)
        return padded + 1e-4 * random.normal(size=len(padded)).astype("float32"), int(0.3 * RATE)
    if reverberate:
        speech = rooms.reverberate(speech, 0.5, random)
    before = random.uniform(0.3, max(0.4, LENGTH - len(speech) / RATE - 0.3))
    padded = rooms.pad_silence(speech, before, max(0.0, LENGTH - before - len(speech) / RATE))
    return rooms.add_noise(padded, speech, snr, noise(len(padded), random)), int(before * RATE)


def cut_measures(signal, start, length):
    """(share of the digit in the stretch overlapping it most, seconds of that stretch outside it, stretches
    missing it) for a digit of `length` samples from `start`."""
    spans = split_digits(signal)
    overlaps = [max(0, min(end, start + length) - max(begin, start)) for begin, end in spans]
    if not spans or max(overlaps) == 0:
        return 0.0, 0.0, len(spans)
    best = int(np.argmax(overlaps))
    begin, end = spans[best]
    return overlaps[best] / length, (end - begin - overlaps[best]) / RATE, sum(overlap == 0 for overlap in overlaps)


def main(argv=None):
    args = parse_args(argv)
    try:
        check_ranges(args, not_negative=("seed",))
        check_folder(args.cache_dir, "--cache-dir")
        import_keras()  # quietly, before the voices' progress bar imports it
        from demos.speech import voices

        missing = sorted(set(VOICES) - set(voices.installed_voices()))
        if missing:
            raise CLIError(f"needs the voices {', '.join(missing)} (make voices installs their engines)")
        plan = voices.takes(list(VOICES), voices.DIGIT_WORDS, 1, args.seed)
        takes, _, _ = voices.synthesized(plan, args.cache_dir, "the development set's digits")
    except CLIError as error:
        raise SystemExit(f"error: {error}") from None
    print(f"{len(takes)} takes; share of the digit in its stretch / seconds outside it / stretches missing it")
    for name, snr, noise, reverberate in conditions():
        rows = [cut_measures(*recording(take, snr, noise, reverberate, np.random.default_rng([args.seed, k])),
                             len(take)) for k, take in enumerate(takes)]
        share, outside, misses = np.mean(rows, axis=0)
        print(f"{name:48s} {share:.2f} / {outside:.2f} s / {misses:.2f}", flush=True)


if __name__ == "__main__":
    main()
