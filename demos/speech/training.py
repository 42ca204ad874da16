"""Training: features, model, early stopping, held-out evaluation, and the run's files."""

import keras
import numpy as np
from matplotlib.figure import Figure
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import ConfusionMatrixDisplay

from datasets import fsdd
from demos.common import (
    MODEL_FILE,
    CLIError,
    Stopwatch,
    TrainResult,
    history_dict,
    lstm_class,
    new_run_dir,
    plot_history,
    save_model,
    set_seed,
    start_from,
    write_json,
    write_settings,
)
from demos.speech.data import LengthBatches, frame_statistics, load_data, pad
from demos.speech.model import build_model

APP = "speech"
SAMPLE_COUNT = 8  # held-out utterances returned in `TrainResult.sample_inputs`


def train(settings, initial_weights=None):
    """Trains a spoken-digit classifier and writes its run folder; returns a `TrainResult`."""
    check_settings(settings)
    set_seed(settings.seed)
    lstm = lstm_class(settings.layer)
    with Stopwatch() as loading:
        data = load_data(settings)
    run_dir = new_run_dir(APP, settings.layer, settings.out)
    write_settings(run_dir, settings)
    model = build_model(settings, lstm, *frame_statistics(data.train))
    initial_weights = start_from(model, initial_weights)
    stopping = keras.callbacks.EarlyStopping(patience=settings.patience, restore_best_weights=True)
    with Stopwatch() as fitting:
        history = model.fit(
            LengthBatches(data.train, settings.batch_size, shuffle=True, seed=settings.seed),
            validation_data=LengthBatches(data.validation, settings.batch_size),
            epochs=settings.epochs,
            callbacks=[stopping],
            verbose="auto",
        )
    save_model(model, run_dir / MODEL_FILE)
    predicted, actual = predict_part(model, data.test, settings.batch_size)
    metrics = {
        "app": APP,
        "layer": settings.layer,
        "split": data.split,
        "features": settings.features,
        "test_accuracy": float(np.mean(predicted == actual)),
        "test_count": len(actual),
        "baseline": "logistic regression on each utterance's mean and spread of frames",
        "baseline_test_accuracy": baseline_accuracy(data),
        "train_count": len(data.train),
        "validation_count": len(data.validation),
        "skipped_files": [str(path) for path in data.skipped],
        "epochs": len(history.epoch),
        "best_epoch": int(np.argmin(history.history["val_loss"])) + 1,
        "feature_seconds": loading.seconds,
        "train_seconds": fitting.seconds,
        "history": history_dict(history),
    }
    write_json(run_dir / "metrics.json", metrics)
    plot_history(metrics["history"], run_dir / "history.png", title=f"spoken digits, {settings.layer} LSTM")
    plot_confusion(actual, predicted, run_dir / "confusion.png", metrics)
    sample_inputs = pad(data.test.features[:SAMPLE_COUNT])
    return TrainResult(metrics, model, initial_weights, sample_inputs, run_dir)


def check_settings(settings):
    """Numbers out of range are the user's mistake: one line each."""
    for name in ("epochs", "units", "batch_size", "n_mels", "n_mfcc", "n_fft", "hop_length"):
        if getattr(settings, name) < 1:
            raise CLIError(f"--{name.replace('_', '-')} must be at least 1, got {getattr(settings, name)}")
    if not 0 <= settings.dropout < 1:
        raise CLIError(f"--dropout must be at least 0 and below 1, got {settings.dropout}")
    if not 0 < settings.validation_fraction < 1:
        raise CLIError(f"--validation-fraction must be between 0 and 1, got {settings.validation_fraction}")


def predict_part(model, part, batch_size):
    """Predicted and true digits of every utterance of `part`, in the same order."""
    batches = LengthBatches(part, batch_size)
    probabilities = model.predict(batches, verbose=0)
    return probabilities.argmax(axis=-1), part.digits[np.concatenate(batches.batches)]


def baseline_accuracy(data):
    """Test accuracy of a linear classifier on utterance-level statistics, for comparison."""

    def summary(part):
        return np.stack([np.concatenate([item.mean(axis=0), item.std(axis=0)]) for item in part.features])

    train_summary = summary(data.train)
    center, scale = train_summary.mean(axis=0), train_summary.std(axis=0) + 1e-6
    classifier = LogisticRegression(max_iter=2000)
    classifier.fit((train_summary - center) / scale, data.train.digits)
    return float(classifier.score((summary(data.test) - center) / scale, data.test.digits))


def plot_confusion(actual, predicted, path, metrics):
    figure = Figure(figsize=(5.5, 5), layout="constrained")
    axis = figure.subplots()
    ConfusionMatrixDisplay.from_predictions(
        actual, predicted, labels=list(fsdd.DIGITS), ax=axis, colorbar=False, cmap="Blues"
    )
    axis.set_title(
        f"{metrics['layer']} LSTM, {metrics['split']} split: "
        f"{metrics['test_accuracy']:.1%} of {metrics['test_count']}",
        fontsize=10,
    )
    figure.savefig(path, dpi=110)
