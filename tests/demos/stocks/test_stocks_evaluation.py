"""demos.stocks evaluation: metrics on a toy series and the Diebold-Mariano test by hand."""

import numpy as np
import pytest
from scipy import stats

from demos.stocks.evaluation import baseline_forecasts, diebold_mariano, report, scores, up_day_share


def test_scores_on_a_toy_series():
    actual, today, forecast = (
        np.array([11.0, 9.0, 12.0]),
        np.array([10.0, 10.0, 10.0]),
        np.array([10.5, 10.5, 11.0]),
    )
    result = scores(actual, today, forecast)
    assert result["rmse"] == pytest.approx(np.sqrt((0.25 + 2.25 + 1.0) / 3))
    assert result["mae"] == pytest.approx(1.0)
    assert result["mape"] == pytest.approx(100 * (0.5 / 11 + 1.5 / 9 + 1.0 / 12) / 3)
    assert result["directional_accuracy"] == pytest.approx(2 / 3)
    assert up_day_share(actual, today) == pytest.approx(2 / 3)


def test_baselines():
    forecasts = baseline_forecasts(np.array([100.0, 200.0]), horizon=2, drift=0.01)
    np.testing.assert_allclose(forecasts["persistence"], [100.0, 200.0])
    np.testing.assert_allclose(forecasts["drift"], [100.0 * np.exp(0.02), 200.0 * np.exp(0.02)])


def test_diebold_mariano_by_hand():
    errors, reference = np.array([1.0, -2.0, 3.0, 0.0, 1.0]), np.ones(5)
    # d = [0, 3, 8, -1, 0], mean 2, centred [-2, 1, 6, -3, -2]: gamma_0 = 54 / 5, gamma_1 = -8 / 5.
    one_step = 2 / np.sqrt(10.8 / 5) * np.sqrt((5 + 1 - 2) / 5)
    statistic, p_value = diebold_mariano(errors, reference, horizon=1)
    assert statistic == pytest.approx(one_step)
    assert p_value == pytest.approx(2 * stats.t.sf(one_step, df=4))
    two_step = 2 / np.sqrt((10.8 - 2 * 1.6) / 5) * np.sqrt((5 + 1 - 4 + 2 / 5) / 5)
    assert diebold_mariano(errors, reference, horizon=2)[0] == pytest.approx(two_step)
    assert diebold_mariano(reference, errors)[0] == pytest.approx(-one_step)


def test_diebold_mariano_of_equal_losses_is_not_significant():
    assert diebold_mariano(np.array([1.0, -1.0]), np.array([-1.0, 1.0])) == (0.0, 1.0)


def test_report_says_plainly_when_the_model_does_not_beat_persistence():
    metrics = {
        "ticker": "GOOG",
        "layer": "custom",
        "horizon": 1,
        "test_days": 3,
        "test_first_day": "2020-01-02",
        "test_last_day": "2020-01-06",
        "rmse": 2.0,
        "mae": 1.0,
        "mape": 1.0,
        "directional_accuracy": 0.5,
        "persistence_rmse": 1.9,
        "persistence_mae": 1.0,
        "persistence_mape": 1.0,
        "drift_rmse": 1.9,
        "drift_mae": 1.0,
        "drift_mape": 1.0,
        "drift_directional_accuracy": 0.6,
        "up_day_share": 0.6,
        "dm_pvalue": 0.2,
        "beats_persistence": False,
        "significant_at_5_percent": False,
    }
    text = report(metrics)
    assert "does not beat persistence" in text and "not significant at 5%" in text
    assert "Up days: 60.0%" in text
    assert "No forecasting skill" in text and "drift baseline does better" in text
