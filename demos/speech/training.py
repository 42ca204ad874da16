"""Training: features, model, early stopping, held-out evaluation, and the run's files."""

import dataclasses

import keras
import numpy as np

from demos import cli, plots, runs, startup
from demos.callbacks import EpochTimes
from demos.cli import check_layer
from demos.distribution import check_batch, data_parallel, single_device_copy
from demos.speech.data import batches, frame_statistics, load_data, pad_frames
from demos.speech.evaluation import baseline_accuracy, held_out_measures, plot_confusion
from demos.speech.features import FEATURE_KINDS
from demos.speech.model import average_of, build_model
from demos.speech.nearmisses import KINDS as NEAR_MISS_KINDS
from demos.speech.nearmisses import kinds_of
from demos.speech.settings import APP, NORMALIZATIONS, POOLINGS

SAMPLE_COUNT = 8  # held-out utterances returned in `runs.TrainResult.sample_inputs`


def train(settings, initial_weights=None):
    """Trains a spoken-digit classifier and writes its run folder; returns a `runs.TrainResult`."""
    check_settings(settings)
    check_batch(settings.batch_size, settings.distribute)
    startup.set_seed(settings.seed)
    with runs.Stopwatch() as loading:
        data = load_data(settings)
        parts = training_parts(settings, data)
    run_dir = runs.new_run_dir(APP, settings.layer, settings.out)
    with data_parallel(settings.distribute) as devices, runs.Stopwatch() as fitting:
        runs.write_settings(run_dir, settings, devices)
        validation = batches(data.validation, settings.batch_size, devices=devices)  # read alike by every classifier
        fitted = []
        for member, part in enumerate(parts):  # each from its own seed
            if settings.ensemble > 1:
                print(f"classifier {member + 1} of {settings.ensemble}", flush=True)
            if member:  # the first starts where a single model always did
                startup.set_seed(settings.seed + member)
            fitted.append(fit_member(dataclasses.replace(settings, seed=settings.seed + member), part, validation,
                                     frame_statistics(part), devices, initial_weights if member == 0 else None))
    model = average_of([single_device_copy(member.model, devices) for member in fitted])
    history, initial_weights = fitted[0].history, fitted[0].initial_weights
    runs.save_model(model, run_dir / cli.MODEL_FILE)
    print("measuring: held-out recordings, in a room, non-digits, voices never heard, PocketSphinx ...", flush=True)
    metrics = {
        "app": APP,
        "layer": settings.layer,
        "split": data.split,
        "devices": devices,
        "features": settings.features,
        **held_out_measures(runs.Run(model, settings, run_dir), data),
        "baseline": "logistic regression on each utterance's mean and spread of frames",
        "baseline_test_accuracy": baseline_accuracy(data),
        "train_count": len(data.train),
        "validation_count": len(data.validation),
        "skipped_files": [str(path) for path in data.skipped],
        "epochs": len(history.epoch),
        "member_epochs": [len(member.history.epoch) for member in fitted],
        "best_epoch": int(np.argmin(history.history["val_loss"])) + 1,
        "feature_seconds": loading.seconds,
        "train_seconds": fitting.seconds,
        "epoch_seconds": [seconds for member in fitted for seconds in member.epoch_seconds],
        "history": plots.history_dict(history),
    }
    runs.write_json(run_dir / "metrics.json", metrics)
    plots.plot_history(metrics["history"], run_dir / "history.png", title=f"spoken digits, {settings.layer} LSTM")
    plot_confusion(metrics["confusion"], run_dir / "confusion.png",
                   f"{settings.layer} LSTM, {data.split} split: {metrics['test_accuracy']:.1%} of {len(data.test)}")
    sample_inputs = pad_frames(data.test.features[:SAMPLE_COUNT])
    return runs.TrainResult(metrics, model, initial_weights, sample_inputs, run_dir)


def training_parts(settings, data):
    """What each classifier trains on: `data.train` for the first; for the others the same, unless
    `--other-room-swing` differs from `--room-swing` (and there are rooms): then the same recordings perturbed anew,
    the noise swelling and fading in that share of their rooms."""
    others = data.train
    if settings.ensemble > 1 and settings.other_room_swing != settings.room_swing and settings.room:
        named = "classifier 2" if settings.ensemble == 2 else f"classifiers 2-{settings.ensemble}"
        print(f"{named}: copies made anew, noise swelling in {settings.other_room_swing:.0%} of the rooms", flush=True)
        others = data.remake_train(dataclasses.replace(settings, room_swing=settings.other_room_swing))
    return [data.train] + [others] * (settings.ensemble - 1)


@dataclasses.dataclass
class Member:
    """One classifier as trained: the model, its history and epochs' seconds, and the weights it started from."""

    model: object
    history: object
    epoch_seconds: list
    initial_weights: list


def fit_member(settings, train_part, validation, statistics, devices, initial_weights=None):
    """Builds and trains one classifier on `train_part` from `settings.seed` (shuffling, masks, dropout; the weights
    from the global seed, set before), validated on the `validation` batches."""
    masking = (settings.spec_augment, statistics[0]) if settings.spec_augment else None
    training = batches(train_part, settings.batch_size, seed=settings.seed, devices=devices, masking=masking)
    model = build_model(settings, *statistics, steps_per_epoch=len(training))
    initial_weights = runs.start_from(model, initial_weights)
    stopping = keras.callbacks.EarlyStopping(patience=settings.patience, restore_best_weights=True)
    epoch_times = EpochTimes()
    history = model.fit(
        training,
        validation_data=validation,
        epochs=settings.epochs,
        callbacks=[*averaging(model), stopping, epoch_times],
        verbose=cli.progress_verbosity(),
    )
    return Member(model, history, epoch_times.seconds, initial_weights)


def averaging(model):
    """Where the optimizer averages the weights, a callback that puts the average in the model to be validated and
    at each epoch's end, so that early stopping judges and keeps the averaged weights."""
    return [keras.callbacks.SwapEMAWeights(swap_on_epoch=True)] if model.optimizer.use_ema else []


def check_settings(settings):
    """Numbers out of range are the user's mistake: one line each."""
    check_layer(settings.layer)
    cli.check_folder(settings.cache_dir, "--cache-dir")
    for name, allowed in (("features", FEATURE_KINDS), ("normalize", NORMALIZATIONS), ("pooling", POOLINGS)):
        cli.check_choice(name, getattr(settings, name), allowed)
    kinds = kinds_of(settings.near_miss_kinds)
    unknown = sorted(set(kinds) - set(NEAR_MISS_KINDS))
    if unknown or not kinds:
        named = f"{', '.join(unknown)} unknown" if unknown else "none given"
        raise cli.CLIError(f"--near-miss-kinds: {named}; choose among {', '.join(NEAR_MISS_KINDS)}")
    cli.check_ranges(
        settings,
        at_least_one=("epochs", "ensemble", "units", "lstm_layers", "batch_size", "n_mels", "n_mfcc", "n_fft",
                      "hop_length"),
        fractions=("dropout", "label_smoothing", "spec_augment", "speed_range", "vtlp", "test_warp", "min_confidence"),
        shares=("room", "room_swing", "other_room_swing"),
        open_fractions=("validation_fraction",),
        positive=("learning_rate",),
        not_negative=("augment_copies", "pitch_range", "eq_db", "noise_snr", "synth_voices", "synth_takes",
                      "no_digit_share", "minimal_pairs", "near_miss_share", "patience", "weight_average_epochs"),
    )
