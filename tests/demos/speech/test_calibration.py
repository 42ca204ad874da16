import numpy as np
import pytest
from scipy.special import softmax

from demos.speech.calibration import answers, expected_calibration_error, fit_temperature, with_temperature


def test_temperature_scaling_finds_the_temperature_the_labels_were_drawn_at():
    random = np.random.default_rng(0)
    logits = random.normal(0, 3, (20000, 11))
    truth = softmax(logits / 2.5, axis=-1)  # the labels follow the logits at temperature 2.5
    labels = np.array([random.choice(11, p=row) for row in truth])
    assert fit_temperature(softmax(logits, axis=-1), labels) == pytest.approx(2.5, rel=0.05)


def test_ece_is_the_weighted_gap_between_confidence_and_accuracy():
    # Bin [0.8, 0.867): two answers at 0.8, one right: gap 0.3; bin [0.6, 0.667): two at 0.6, both right: gap 0.4.
    probabilities = np.array([[0.8, 0.2], [0.8, 0.2], [0.6, 0.4], [0.6, 0.4]])
    labels = np.array([0, 1, 0, 0])
    assert expected_calibration_error(probabilities, labels) == pytest.approx(0.5 * 0.3 + 0.5 * 0.4)


def test_temperature_scaling_lowers_the_ece_of_an_overconfident_model():
    random = np.random.default_rng(1)
    logits = random.normal(0, 2, (5000, 11))
    labels = np.array([random.choice(11, p=row) for row in softmax(logits / 3, axis=-1)])
    overconfident = softmax(logits, axis=-1)
    fitted = with_temperature(overconfident, fit_temperature(overconfident, labels))
    assert expected_calibration_error(fitted, labels) < 0.3 * expected_calibration_error(overconfident, labels)
    np.testing.assert_array_equal(fitted.argmax(axis=-1), overconfident.argmax(axis=-1))  # the ranking is kept


def test_a_doubtful_digit_is_answered_no_digit():
    probabilities = np.array([[0.9] + [0.01] * 10, [0.4, 0.35] + [0.025] * 9, [0.1] * 10 + [0.0]])
    probabilities[2, 10] = 0.0
    np.testing.assert_array_equal(answers(probabilities, 0.5), [0, 10, 10])
    np.testing.assert_array_equal(answers(probabilities, 0.0), [0, 0, 0])
