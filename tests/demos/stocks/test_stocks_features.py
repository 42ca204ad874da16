"""demos.stocks features: window shapes, targets, the chronological split, and no look-ahead."""

import numpy as np
import pytest

from demos.cli import CLIError
from demos.stocks.features import FEATURES, FIRST_COMPLETE_DAY, daily_features, split_days, targets, windows
from demos.stocks.model import build_model
from demos.stocks.prediction import forecast_days, forecast_log_return
from demos.stocks.settings import Settings


def random_walk(days, seed=0):
    return 100 * np.exp(np.cumsum(np.random.default_rng(seed).normal(0.0005, 0.02, days)))


def test_windows_hold_the_days_up_to_each_origin():
    close = random_walk(80)
    features = daily_features(close)
    origins = np.array([30, 31, 79])
    inputs = windows(features, origins, window=7)
    assert inputs.shape == (3, 7, len(FEATURES))
    np.testing.assert_array_equal(inputs[2], features[73:80])
    np.testing.assert_allclose(inputs[0, -1, 0], np.log(close[30] / close[29]), rtol=1e-5)


def test_features_are_complete_from_the_first_complete_day():
    features = daily_features(random_walk(60))
    assert np.isnan(features[FIRST_COMPLETE_DAY - 1]).any()
    assert not np.isnan(features[FIRST_COMPLETE_DAY:]).any()


def test_targets_are_log_returns_horizon_days_ahead():
    close = np.array([1.0, 2.0, 4.0, 8.0])
    np.testing.assert_allclose(targets(close, np.array([0, 1]), horizon=2), np.log([4.0, 4.0]))


def test_split_is_chronological_and_no_training_target_reaches_later_periods():
    split = split_days(500, window=10, horizon=3, test_fraction=0.2, validation_fraction=0.25)
    assert split.test_start == 400 and split.validation_start == 300
    assert split.train[0] == FIRST_COMPLETE_DAY + 9
    assert split.train[-1] + 3 < split.validation_start <= split.validation[0] + 3
    assert split.validation[-1] + 3 < split.test_start == split.test[0] + 3
    assert split.test[-1] + 3 == 499
    assert len(split.test) == 100  # one forecast per day of the test period


def test_split_refuses_too_few_days():
    with pytest.raises(CLIError, match="too few"):
        split_days(40, window=30, horizon=1, test_fraction=0.2, validation_fraction=0.15)


@pytest.fixture(scope="module")
def small_model():
    """An untrained forecaster whose output layer is randomised (it starts at zero, i.e. persistence)."""
    settings = Settings(window=10, units=4)
    model = build_model(settings, daily_features(random_walk(200))[FIRST_COMPLETE_DAY:], target_offset=0.0,
                        target_scale=0.02)
    output = model.get_layer("scaled_target")
    output.kernel.assign(np.random.default_rng(0).normal(size=output.kernel.shape))
    return model


def test_untrained_model_is_persistence():
    model = build_model(
        Settings(window=10, units=4), daily_features(random_walk(200))[FIRST_COMPLETE_DAY:], 0.0, 0.02
    )
    assert forecast_log_return(model, random_walk(100), window=10) == 0
    shifted = build_model(Settings(window=10, units=4), daily_features(random_walk(200))[FIRST_COMPLETE_DAY:], -9.0, 2)
    assert forecast_log_return(shifted, random_walk(100), window=10) == -9.0


@pytest.mark.parametrize("day", [35, 120, 198])
def test_no_look_ahead(small_model, day):
    """Changing any price after day t leaves the forecast made on day t unchanged."""
    close = random_walk(200)
    changed = close.copy()
    changed[day + 1 :] *= np.random.default_rng(day).uniform(0.5, 2.0, len(close) - day - 1)
    np.testing.assert_array_equal(
        windows(daily_features(changed), [day], window=10), windows(daily_features(close), [day], window=10)
    )
    if day + 1 < len(close) - 1:  # the change is real: a window that ends after day t sees it
        later = [day + 1]
        assert not np.array_equal(windows(daily_features(changed), later, 10), windows(daily_features(close), later, 10))
    made_on_day = forecast_log_return(small_model, close[: day + 1], window=10)
    from_full_series = small_model.predict(windows(daily_features(changed), [day], window=10), verbose=0)[
        0, 0
    ]
    assert made_on_day == pytest.approx(float(from_full_series), abs=1e-7)
    assert made_on_day != 0


def test_recursive_forecast_feeds_each_forecast_back(small_model):
    close = random_walk(60)
    future = forecast_days(small_model, close, days=3, window=10, horizon=1)
    first = close[-1] * np.exp(forecast_log_return(small_model, close, window=10))
    second = first * np.exp(forecast_log_return(small_model, np.append(close, first), window=10))
    np.testing.assert_allclose(future[:2], [first, second], rtol=1e-6)
    assert len(forecast_days(small_model, close, days=5, window=10, horizon=2)) == 5
