"""Volatility targeting: exposures from a forecast, and what a perfect and a blind forecast make of it."""

import numpy as np
import pytest

from demos.stocks.portfolio import close_to_close_ratio, exposures, performance, portfolio_scores


def test_exposure_is_the_target_over_the_forecast_volatility_capped():
    daily_one_percent = np.log(0.01**2)
    assert exposures([daily_one_percent], 1.0)[0] == pytest.approx(0.10 / np.sqrt(252) / 0.01)
    assert exposures([daily_one_percent], 4.0)[0] == pytest.approx(0.10 / np.sqrt(252) / 0.02)  # twice the vol
    assert exposures([np.log(1e-8)], 1.0)[0] == 2.0  # a calm forecast: at most twice the portfolio's value


def test_close_to_close_ratio_looks_back_only():
    close = np.array([100.0, 110.0, 99.0, 120.0])
    variance = np.array([9.0, 0.02, 0.01, 0.5])
    ratio = close_to_close_ratio(variance, close)
    assert ratio[1] == pytest.approx(np.log(1.1) ** 2 / 0.02)
    assert ratio[2] == pytest.approx((np.log(1.1) ** 2 + np.log(0.9) ** 2) / 0.03)
    changed = close_to_close_ratio(np.array([9.0, 0.02, 0.01, 5.0]), close)
    np.testing.assert_array_equal(ratio[:3], changed[:3])


def test_a_perfect_forecast_holds_the_target_and_a_blind_one_does_not():
    rng = np.random.default_rng(0)
    days = 3000
    daily_volatility = np.where((np.arange(days) // 250) % 2 == 0, 0.005, 0.03)  # calm and storm by turns
    returns = daily_volatility * rng.normal(size=days)
    close = 100 * np.exp(np.cumsum(returns))
    variance = np.maximum(returns**2, 1e-12)  # its sum is the squared returns' sum: the ratio is 1
    origins = np.arange(1, days - 1)
    forecasts = {"perfect": np.log(daily_volatility[origins + 1] ** 2),
                 "blind": np.full(len(origins), np.log(np.mean(daily_volatility**2)))}
    scores = portfolio_scores(forecasts, variance, close, origins)
    assert scores["perfect"]["volatility"] == pytest.approx(0.10, abs=0.005)
    assert scores["perfect"]["rolling_volatility_gap"] < 0.015
    assert scores["blind"]["rolling_volatility_gap"] > 0.04
    assert scores["buy_and_hold"]["volatility"] == pytest.approx(np.sqrt(252 * np.mean(daily_volatility**2)), rel=0.1)


def test_performance_of_a_known_return_series():
    returns = np.tile([0.01, -0.005], 100)
    figures = performance(returns)
    assert figures["volatility"] == pytest.approx(np.std(returns, ddof=1) * np.sqrt(252))
    assert figures["sharpe"] == pytest.approx(0.0025 / np.std(returns, ddof=1) * np.sqrt(252))
    assert figures["total_return"] == pytest.approx(1.01**100 * 0.995**100 - 1)
