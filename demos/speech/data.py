"""The spoken-digit data set as model inputs: splits, padded batches, normalization statistics."""

import dataclasses
import functools
import math
from collections import Counter

import numpy as np
from sklearn.model_selection import train_test_split

from datasets import fsdd
from demos.batching import LengthBatches, pad
from demos.cli import CLIError
from demos.speech.augmentation import augmented_features
from demos.speech.features import pooled_statistics, recording_features, standardized
from demos.speech.part import Part
from demos.speech.synthetic import near_miss_examples, no_digit_examples, synthetic_digits

PAD_VALUE = 0.0  # padded frames are all zeros: a log-mel or MFCC frame never is


@dataclasses.dataclass
class SpokenDigits:
    train: Part
    validation: Part
    test: Part
    split: str  # "official" or "speakers:<names>"
    skipped: list  # paths of files that could not be used
    test_paths: list  # the test recordings' files, in the order of `test`
    remake_train: object  # settings -> the `train` part again, its recordings perturbed as those settings say


def load_data(settings):
    """Reads (or takes from the cache) the features of every recording and splits them.

    The test set is the official one (takes 0-4), or every recording of
    `settings.test_speakers`; the validation part is cut from the rest,
    stratified by digit and speaker.
    """
    try:
        directory = fsdd.recordings_dir(settings.data_dir)
    except fsdd.DataUnavailable as error:
        raise CLIError(str(error)) from None
    recordings, badly_named = fsdd.list_recordings(directory)
    kept, features, unreadable = recording_features(recordings, settings)
    if not kept:
        raise CLIError(f"no usable FSDD recordings in {directory}")
    everything = Part(features, np.array([r.digit for r in kept]), [r.speaker for r in kept])
    test_speakers = parse_speakers(settings.test_speakers)
    try:
        train_recordings, test_recordings = fsdd.split(kept, test_speakers)
    except ValueError as error:
        raise CLIError(f"--test-speakers: {error}") from None
    position = {recording.path: index for index, recording in enumerate(kept)}
    train_indices = np.array([position[r.path] for r in train_recordings], dtype=int)
    test_indices = np.array([position[r.path] for r in test_recordings], dtype=int)
    if len(test_indices) == 0 or len(train_indices) < 2:
        raise CLIError("the split leaves no test or training recordings: check --test-speakers and the data folder")
    fit_indices, validation_indices = cut_validation(everything, train_indices, settings)
    split = "speakers:" + ",".join(test_speakers) if test_speakers else "official"
    remake_train = functools.partial(training_part, everything=everything, kept=kept, fit_indices=fit_indices)
    fit = remake_train(settings)
    validation, test = everything.subset(validation_indices), everything.subset(test_indices)
    if settings.normalize == "speaker":
        validation, test = normalized_by_speaker([validation, test], everything)
    validation = with_extras(validation, settings, [kept[i] for i in validation_indices], "validation", 2)
    return SpokenDigits(fit, validation, test, split, badly_named + unreadable, [kept[i].path for i in test_indices],
                        remake_train)


def training_part(settings, everything, kept, fit_indices):
    """What a classifier trains on: the recordings at `fit_indices` (into `kept` and its features, `everything`) and
    their perturbed copies, then synthesized digits and "no digit" examples, perturbed as `settings` say."""
    fit = with_copies(everything.subset(fit_indices), fit_indices, kept, settings)
    if settings.normalize == "speaker":
        fit = normalized_by_speaker([fit], everything)[0]
    return with_extras(fit, settings, [kept[i] for i in fit_indices], "training", 1)


def with_extras(part, settings, recordings, role, seed):
    """`part` and the synthesized digits of the `role` voices, then "no digit" examples and near misses of
    `recordings` (drawn from `seed`), in the shares of the digits that `settings` give."""
    part += by_own_speaker(synthetic_digits(settings, role), settings)
    digits_count = len(part)
    part += by_own_speaker(no_digit_examples(settings, round(settings.no_digit_share * digits_count), seed), settings)
    return part + by_own_speaker(near_miss_examples(settings, recordings, round(settings.near_miss_share * digits_count),
                                                    seed), settings)


def by_own_speaker(part, settings):
    """With `--normalize speaker`, an added part standardized by each of its own speakers' (or voices') frames."""
    if part is None or settings.normalize != "speaker" or not len(part):
        return part
    return normalized_by_speaker([part], part)[0]


def with_copies(part, indices, recordings, settings):
    """`part` followed by the perturbed copies of its recordings (`indices` into `recordings`), if any are asked for."""
    copies = settings.augment_copies
    if not copies:
        return part
    print(f"perturbed copies: {copies} per recording (made for all {len(recordings)} recordings once, then cached)",
          flush=True)
    perturbed = augmented_features(recordings, settings)
    extra = [perturbed[index * copies + copy] for index in indices for copy in range(copies)]
    return Part(part.features + extra, np.concatenate([part.digits, np.repeat(part.digits, copies)]),
                part.speakers + [speaker for speaker in part.speakers for _ in range(copies)])


def normalized_by_speaker(parts, everything):
    """The parts with each utterance standardized by its speaker's statistics (CMVN per speaker).

    A speaker's statistics pool every frame of their recordings in
    `everything` (perturbed copies excluded): a held-out speaker's come from
    their own recordings, without their labels, as a recogniser adapts to a
    new voice before it answers.
    """
    statistics = {speaker: pooled_statistics([item for item, owner in zip(everything.features, everything.speakers)
                                              if owner == speaker])
                  for speaker in set(everything.speakers)}
    return [Part([standardized(item, statistics[speaker]) for item, speaker in zip(part.features, part.speakers)],
                 part.digits, part.speakers, part.signals) for part in parts]


def parse_speakers(text):
    return tuple(sorted({name.strip() for name in text.split(",") if name.strip()})) if text else ()


def cut_validation(everything, train_indices, settings):
    """Splits training indices into fit and validation parts, stratified by digit and speaker if possible."""
    strata = [f"{everything.digits[i]}-{everything.speakers[i]}" for i in train_indices]
    validation_size = math.ceil(settings.validation_fraction * len(strata))
    can_stratify = min(Counter(strata).values()) >= 2 and len(set(strata)) <= validation_size
    return train_test_split(
        train_indices,
        test_size=validation_size,
        random_state=settings.seed,
        stratify=strata if can_stratify else None,
    )


def pad_frames(features):
    """Frame arrays of varying length as one padded batch `(batch, time, features)`."""
    return pad(features, value=PAD_VALUE)


def mask_spans(frames, share, fill, random):
    """A copy of `frames` `(time, features)` with a random run of frames and a band of features set to `fill`."""
    frames = frames.copy()
    for axis in (0, 1):
        size = frames.shape[axis]
        width = random.integers(0, max(1, int(share * size)) + 1)
        start = random.integers(0, size - width + 1)
        if axis == 0:
            frames[start : start + width] = fill
        else:
            frames[:, start : start + width] = fill[start : start + width]
    return frames


def frame_statistics(part):
    """Mean and variance of every feature over all frames of `part` (the training part only)."""
    frames = np.concatenate(part.features)
    return frames.mean(axis=0), frames.var(axis=0)


def batches(part, batch_size, seed=None, devices=1, masking=None):
    """`LengthBatches` of padded frames and digits; shuffled every epoch when `seed` is given.

    `masking` = (share, fill values per feature): SpecAugment-style, each
    utterance of a batch gets a random run of up to that share of its frames,
    and a random band of up to that share of its features, set to the fill.
    The masks are drawn from the seed and the batch's own items, so they do
    not depend on how often or in which order Keras reads the batches.
    """

    def make_batch(rows):
        items = [part.features[i] for i in rows]
        if masking is not None:
            random = np.random.default_rng([seed or 0, *(int(row) for row in rows)])
            items = [mask_spans(item, *masking, random) for item in items]
        return pad_frames(items), part.digits[rows]

    return LengthBatches([len(item) for item in part.features], batch_size, make_batch, seed=seed, devices=devices)
