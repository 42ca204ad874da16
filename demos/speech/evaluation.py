"""Held-out measures of a spoken-digit model: its predictions, the baseline's accuracy, the confusion matrix."""

import numpy as np
from matplotlib.figure import Figure
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import ConfusionMatrixDisplay

from datasets import fsdd
from demos.speech.data import batches


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
