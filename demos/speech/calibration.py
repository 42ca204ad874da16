"""Probabilities that mean what they say: temperature scaling and the expected calibration error.

Temperature scaling (Guo et al., 2017) divides the log-probabilities by one
number T, fitted on the validation part to minimize its negative
log-likelihood: T above 1 softens an overconfident model and keeps its
ranking. The expected calibration error (ECE) bins answers by confidence and
averages |accuracy - confidence| over the bins, weighted by their size.
"""

import json

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax

from demos.speech.part import NO_DIGIT

CALIBRATION_FILE = "calibration.json"
BINS = 15


def with_temperature(probabilities, temperature):
    """`probabilities` (rows) as softmax(log p / T)."""
    return softmax(np.log(np.clip(probabilities, 1e-12, 1.0)) / temperature, axis=-1)


def fit_temperature(probabilities, labels):
    """The T in [0.05, 20] minimizing the negative log-likelihood of `labels` under `with_temperature`."""
    logs = np.log(np.clip(probabilities, 1e-12, 1.0))

    def loss(log_t):
        return -log_softmax(logs / np.exp(log_t), axis=-1)[np.arange(len(labels)), labels].mean()

    return float(np.exp(minimize_scalar(loss, bounds=(np.log(0.05), np.log(20.0)), method="bounded").x))


def expected_calibration_error(probabilities, labels, bins=BINS):
    """Mean |accuracy - confidence| over `bins` equal-width confidence bins, weighted by their answers."""
    confidence, answers = probabilities.max(axis=-1), probabilities.argmax(axis=-1)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    error = 0.0
    for b in range(bins):
        inside = which == b
        if inside.any():
            error += inside.mean() * abs((answers[inside] == labels[inside]).mean() - confidence[inside].mean())
    return float(error)


def answers(probabilities, min_confidence=0.0):
    """The class of each row; `NO_DIGIT` where it wins or where the likeliest digit is below `min_confidence`."""
    chosen = probabilities.argmax(axis=-1)
    return np.where(probabilities[:, :NO_DIGIT].max(axis=-1) < min_confidence, NO_DIGIT, chosen)


def save_calibration(run_dir, temperature, min_confidence):
    (run_dir / CALIBRATION_FILE).write_text(
        json.dumps({"temperature": temperature, "min_confidence": min_confidence}, indent=2) + "\n")


def load_calibration(run_dir):
    """`(temperature, min_confidence)` saved by `train`; (1, 0) for a run without them."""
    path = run_dir / CALIBRATION_FILE
    if not path.is_file():
        return 1.0, 0.0
    values = json.loads(path.read_text())
    return float(values["temperature"]), float(values["min_confidence"])
