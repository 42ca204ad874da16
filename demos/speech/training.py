"""Training: features, model, early stopping, held-out evaluation, and the run's files."""

import keras
import numpy as np
from matplotlib.figure import Figure
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import ConfusionMatrixDisplay, confusion_matrix

from datasets import fsdd
from demos import common
from demos.callbacks import EpochTimes
from demos.distribution import check_batch, data_parallel, single_device_copy
from demos.layers import check_layer, lstm_class
from demos.speech.data import batches, frame_statistics, load_data, pad_frames
from demos.speech.features import FEATURE_KINDS
from demos.speech.model import build_model
from demos.speech.settings import APP, NORMALIZATIONS

SAMPLE_COUNT = 8  # held-out utterances returned in `common.TrainResult.sample_inputs`
MAX_TIMESCALE = 100  # frames: the chrono layer prepares for memories up to about an utterance (median 26, longest 143)


def train(settings, initial_weights=None):
    """Trains a spoken-digit classifier and writes its run folder; returns a `common.TrainResult`."""
    check_settings(settings)
    check_batch(settings.batch_size, settings.distribute)
    common.set_seed(settings.seed)
    lstm = lstm_class(settings.layer, max_timescale=MAX_TIMESCALE)
    with common.Stopwatch() as loading:
        data = load_data(settings)
    run_dir = common.new_run_dir(APP, settings.layer, settings.out)
    stopping = keras.callbacks.EarlyStopping(patience=settings.patience, restore_best_weights=True)
    epoch_times = EpochTimes()
    with data_parallel(settings.distribute) as devices, common.Stopwatch() as fitting:
        common.write_settings(run_dir, settings, devices)
        statistics = frame_statistics(data.train)
        model = build_model(settings, lstm, *statistics)
        initial_weights = common.start_from(model, initial_weights)
        masking = (settings.spec_augment, statistics[0]) if settings.spec_augment else None
        history = model.fit(
            batches(data.train, settings.batch_size, seed=settings.seed, devices=devices, masking=masking),
            validation_data=batches(data.validation, settings.batch_size, devices=devices),
            epochs=settings.epochs,
            callbacks=[stopping, epoch_times],
            verbose=common.progress_verbosity(),
        )
    model = single_device_copy(model, devices)
    common.save_model(model, run_dir / common.MODEL_FILE)
    predicted, actual = predict_part(model, data.test, settings.batch_size)
    metrics = {
        "app": APP,
        "layer": settings.layer,
        "split": data.split,
        "devices": devices,
        "features": settings.features,
        "test_accuracy": float(np.mean(predicted == actual)),
        "test_count": len(actual),
        "confusion": confusion_matrix(actual, predicted, labels=list(fsdd.DIGITS)),
        "baseline": "logistic regression on each utterance's mean and spread of frames",
        "baseline_test_accuracy": baseline_accuracy(data),
        "train_count": len(data.train),
        "validation_count": len(data.validation),
        "skipped_files": [str(path) for path in data.skipped],
        "epochs": len(history.epoch),
        "best_epoch": int(np.argmin(history.history["val_loss"])) + 1,
        "feature_seconds": loading.seconds,
        "train_seconds": fitting.seconds,
        "epoch_seconds": epoch_times.seconds,
        "history": common.history_dict(history),
    }
    common.write_json(run_dir / "metrics.json", metrics)
    common.plot_history(metrics["history"], run_dir / "history.png", title=f"spoken digits, {settings.layer} LSTM")
    plot_confusion(metrics["confusion"], run_dir / "confusion.png",
                   f"{settings.layer} LSTM, {data.split} split: {metrics['test_accuracy']:.1%} of {len(actual)}")
    sample_inputs = pad_frames(data.test.features[:SAMPLE_COUNT])
    return common.TrainResult(metrics, model, initial_weights, sample_inputs, run_dir)


def check_settings(settings):
    """Numbers out of range are the user's mistake: one line each."""
    check_layer(settings.layer)
    if settings.features not in FEATURE_KINDS:
        raise common.CLIError(f"--features must be one of {', '.join(FEATURE_KINDS)}, got {settings.features!r}")
    if settings.normalize not in NORMALIZATIONS:
        raise common.CLIError(f"--normalize must be one of {', '.join(NORMALIZATIONS)}, got {settings.normalize!r}")
    common.check_ranges(
        settings,
        at_least_one=("epochs", "units", "lstm_layers", "batch_size", "n_mels", "n_mfcc", "n_fft", "hop_length"),
        fractions=("dropout", "spec_augment", "speed_range"),
        open_fractions=("validation_fraction",),
        positive=("learning_rate",),
        not_negative=("augment_copies", "pitch_range", "eq_db", "noise_snr"),
    )


def predict_part(model, part, batch_size):
    """Predicted and true digits of every utterance of `part`, in the same order."""
    ordered = batches(part, batch_size)
    probabilities = model.predict(ordered, verbose=0)
    return probabilities.argmax(axis=-1), part.digits[ordered.order]


def baseline_accuracy(data):
    """Test accuracy of a linear classifier on utterance-level statistics, for comparison."""

    def summary(part):
        return np.stack([np.concatenate([item.mean(axis=0), item.std(axis=0)]) for item in part.features])

    train_summary = summary(data.train)
    center, scale = train_summary.mean(axis=0), train_summary.std(axis=0) + 1e-6
    classifier = LogisticRegression(max_iter=2000)
    classifier.fit((train_summary - center) / scale, data.train.digits)
    return float(classifier.score((summary(data.test) - center) / scale, data.test.digits))


def plot_confusion(matrix, path, title):
    """A 10 x 10 confusion matrix (rows: the digit said; columns: the digit heard) as a PNG."""
    figure = Figure(figsize=(5.5, 5), layout="constrained")
    axis = figure.subplots()
    ConfusionMatrixDisplay(np.asarray(matrix), display_labels=list(fsdd.DIGITS)).plot(
        ax=axis, colorbar=False, cmap="Blues"
    )
    axis.set_title(title, fontsize=10)
    figure.savefig(path, dpi=110)
