"""Held-out measures of a spoken-digit model.

On the test recordings: accuracy (a digit answered "no digit" is wrong),
false rejects, calibration error before and after temperature scaling, and
the same recordings in a room (`rooms.evaluation_room`), and in one whose
noise swells and fades (`rooms.swinging_room`), through `predict`'s path; on
sounds and voices training never heard: non-digit false accepts and the
held-apart voices' digits; beside them, the logistic-regression baseline and
PocketSphinx (`reference.py`).
"""

import dataclasses

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import ConfusionMatrixDisplay

from datasets import fsdd
from demos.speech.augmentation import PERTURBATION_VERSION
from demos.speech.calibration import (
    answers,
    expected_calibration_error,
    fit_temperature,
    save_calibration,
    with_temperature,
)
from demos.speech.data import by_own_speaker
from demos.speech.features import cached_features
from demos.speech.part import CLASS_NAMES, NO_DIGIT
from demos.speech.prediction import class_probabilities, heard, recording_answer, signal_stretches, warps
from demos.speech.reference import pocketsphinx_accuracy
from demos.speech.rooms import evaluation_room, swinging_room
from demos.speech.synthetic import evaluation_non_digits, held_apart_digits

MIN_CONFIDENCES = (0.0, 0.3, 0.5, 0.7, 0.9)  # thresholds of the trade-off between false rejects and false accepts


def held_out_measures(run, data):
    """Every held-out measure of a trained `run` (`runs.Run`) on `data`, as `metrics.json` keys.

    Fits the temperature on the validation part and saves it with the run
    (`calibration.json`), so that `predict` answers as measured here.
    """
    model, settings = run.model, run.settings
    temperature = fit_temperature(class_probabilities(model, data.validation.features), data.validation.digits)
    save_calibration(run.run_dir, temperature, settings.min_confidence)
    signals = [fsdd.load_audio(path) for path in data.test_paths]
    raw = heard_part(model, settings, dataclasses.replace(data.test, signals=signals))
    calibrated = with_temperature(raw, temperature)
    given = answers(calibrated, settings.min_confidence)
    digits = data.test.digits
    measures = {
        "test_accuracy": float(np.mean(given == digits)),
        "test_count": len(digits),
        "class_only_test_accuracy": float(np.mean(raw.argmax(axis=-1) == digits)),
        "false_reject_rate": float(np.mean(given == NO_DIGIT)),
        "class_only_false_reject_rate": float(np.mean(raw.argmax(axis=-1) == NO_DIGIT)),
        "temperature": temperature,
        "test_ece_before": expected_calibration_error(raw, digits),
        "test_ece_after": expected_calibration_error(calibrated, digits),
        "confusion": confusion(digits, given),
    }
    non_digits, kinds = evaluation_non_digits(settings)
    non_digits = by_own_speaker(non_digits, settings)  # pooled, as training's "no digit" examples
    others = with_temperature(heard_part(model, settings, non_digits), temperature)
    measures["trade_off"] = trade_off(calibrated, digits, others)
    measures.update(non_digit_measures(others, model, settings, temperature))
    measures["false_accepts_by_kind"] = false_accepts_by_kind(answers(others, settings.min_confidence), kinds)
    measures.update(room_measures(run, signals, digits))
    return measures


def heard_part(model, settings, part):
    """The model's probabilities of `part`, averaged over the test-time warps (`prediction.warps`): its frames as
    they are, then its signals heard warped and standardized as the part was (`by_own_speaker`)."""
    probabilities = [class_probabilities(model, part.features)]
    for warp in warps(settings)[1:]:
        warped = dataclasses.replace(part, features=heard_warped(part.signals, settings, warp))
        probabilities.append(class_probabilities(model, by_own_speaker(warped, settings).features))
    return np.mean(probabilities, axis=0)


def heard_warped(signals, settings, warp):
    """Frames of each signal heard with its frequencies warped by `warp`, cached by content: every fold of `loso`
    hears the same non-digits and voices never heard, and a held-out speaker is heard alike in every run."""
    return cached_features(signals, settings, "heard", [PERTURBATION_VERSION, warp],
                           lambda _, signal: heard(signal, settings, warp))


def confusion(actual, given):
    """Counts of each class said (rows) against each answered (columns), "none" last."""
    matrix = np.zeros((len(CLASS_NAMES), len(CLASS_NAMES)), int)
    np.add.at(matrix, (actual, given), 1)
    return matrix.tolist()


def trade_off(digits_probabilities, digits, others_probabilities):
    """Accuracy, false rejects (digits) and false accepts (non-digits) at each `MIN_CONFIDENCES` threshold."""
    rows = {}
    for threshold in MIN_CONFIDENCES:
        given = answers(digits_probabilities, threshold)
        rows[str(threshold)] = {"accuracy": float(np.mean(given == digits)),
                                "false_reject_rate": float(np.mean(given == NO_DIGIT)),
                                "false_accept_rate": float(np.mean(answers(others_probabilities, threshold) != NO_DIGIT))}
    return rows


def non_digit_measures(others, model, settings, temperature):
    """False accepts on the non-digits (calibrated `others` probabilities) and accuracy on the digits of the
    voices never heard (`synthetic.py`)."""
    measures = {
        "non_digit_count": len(others),
        "non_digit_false_accept_rate": float(np.mean(answers(others, settings.min_confidence) != NO_DIGIT)),
        "class_only_non_digit_false_accept_rate": float(np.mean(others.argmax(axis=-1) != NO_DIGIT)),
    }
    held = by_own_speaker(held_apart_digits(settings), settings)  # each voice by its own digits, as a held-out speaker
    if held is not None:
        probabilities = with_temperature(heard_part(model, settings, held), temperature)
        measures["held_apart_voice_accuracy"] = float(np.mean(answers(probabilities, settings.min_confidence)
                                                              == held.digits))
        measures["held_apart_voice_count"] = len(held)
    return measures


def false_accepts_by_kind(given, kinds):
    """For each kind of non-digit (a word, or a kind of sound): how many there were and how often each digit was
    answered (`given`: the answers, `NO_DIGIT` where none)."""
    table, kinds = {}, np.asarray(kinds)
    for kind in sorted(set(kinds)):
        answered = given[kinds == kind]
        digits, counts = np.unique(answered[answered != NO_DIGIT], return_counts=True)
        table[kind] = {"count": len(answered), "answered": {str(d): int(c) for d, c in zip(digits, counts, strict=True)}}
    return table


def room_measures(run, signals, digits):
    """The test recordings in a room (a second of silence each side, pink noise at 20 dB) and in one whose noise
    swells and fades, through `predict`'s path, and PocketSphinx on them clean and in both rooms."""
    rooms = [evaluation_room(signal, seed) for seed, signal in enumerate(signals)]
    swinging = [swinging_room(signal, seed) for seed, signal in enumerate(signals)]
    reference = {f"pocketsphinx_{name}_accuracy": pocketsphinx_accuracy(audio, digits, fsdd.SAMPLE_RATE,
                                                                          run.settings.cache_dir)
                 for name, audio in (("test", signals), ("room", rooms), ("swinging_room", swinging))}
    threshold = run.settings.min_confidence
    found = signal_stretches(run, rooms + swinging,
                             hear_all=lambda pieces, warp: heard_warped(pieces, run.settings, warp))
    answered = np.array([recording_answer(item, threshold) for item in found])
    return {"room_accuracy": float(np.mean(answered[: len(rooms)] == digits)),
            "swinging_room_accuracy": float(np.mean(answered[len(rooms) :] == digits)), **reference}


def plot_trade_off(axis, trade_off, targets):
    """False accepts of non-digits against false rejects of digits at each `--min-confidence` (`trade_off`),
    the target corner (`targets`: at most that many false rejects and false accepts) shaded."""
    thresholds = sorted(trade_off, key=float)
    rejects = [trade_off[t]["false_reject_rate"] for t in thresholds]
    accepts = [trade_off[t]["false_accept_rate"] for t in thresholds]
    axis.add_patch(Rectangle((0, 0), *targets, color="tab:green", alpha=0.25, label="targets"))
    axis.plot(rejects, accepts, marker="o")
    labels = []  # [(x, y, thresholds)]: thresholds whose points lie within half a point of each other share a label
    for threshold, x, y in zip(thresholds, rejects, accepts):
        if labels and abs(x - labels[-1][0]) < 0.005 and abs(y - labels[-1][1]) < 0.005:
            labels[-1][2].append(threshold)
        else:
            labels.append((x, y, [threshold]))
    for x, y, names in labels:
        axis.annotate(", ".join(names), (x, y), textcoords="offset points", xytext=(4, 4), fontsize=8)
    axis.set(xlim=(0, max(0.3, *rejects) * 1.05), ylim=(0, max(0.3, *accepts) * 1.05),
             xlabel="digits answered \"no digit\"", ylabel="non-digits answered as a digit",
             title="--min-confidence: one error for the other")
    axis.grid(alpha=0.3)
    axis.legend(fontsize=8)


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
    """The confusion matrix (rows: the digit said; columns: the class answered, "none" last) as a PNG."""
    figure = Figure(figsize=(5.5, 5), layout="constrained")
    axis = figure.subplots()
    ConfusionMatrixDisplay(np.asarray(matrix), display_labels=CLASS_NAMES).plot(
        ax=axis, colorbar=False, cmap="Blues"
    )
    axis.set_title(title, fontsize=10)
    figure.savefig(path, dpi=110)
