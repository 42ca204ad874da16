"""The volatility target: variance measures, targets, the baselines, the scores, and the commands."""

import json

import numpy as np
import pandas as pd
import pytest

from datasets import stocks
from demos.stocks import baselines
from demos.stocks.__main__ import main
from demos.stocks.evaluation import qlike, score_volatility
from demos.stocks.volatility import (
    VOLATILITY_FEATURES,
    daily_variance,
    parse_inputs,
    volatility_features,
    volatility_targets,
)


def prices_of(frame, realized=None):
    return stocks.Prices(frame, "TOY", "toy", realized)


def test_garman_klass_from_one_days_range_and_move():
    frame = pd.DataFrame({"Open": [100.0], "High": [110.0], "Low": [95.0], "Close": [105.0], "Volume": [1.0]})
    expected = 0.5 * np.log(110 / 95) ** 2 - (2 * np.log(2) - 1) * np.log(105 / 100) ** 2
    assert daily_variance(prices_of(frame))[0] == pytest.approx(expected)


def test_intraday_bars_give_each_days_realised_variance():
    index = pd.to_datetime(["2020-01-02 09:00", "2020-01-02 10:00", "2020-01-02 11:00", "2020-01-03 09:00"])
    bars = pd.DataFrame({"Open": [1.0, 1.1, 1.2, 1.0], "High": [1.2, 1.3, 1.3, 1.1], "Low": [0.9, 1.0, 1.1, 0.9],
                         "Close": [1.1, 1.2, 1.15, 1.05], "Volume": [1.0, 2.0, 3.0, 4.0]}, index=index)
    frame, realized = stocks._daily_from_intraday(bars)
    assert frame.loc["2020-01-02"].tolist() == [1.0, 1.3, 0.9, 1.15, 6.0]
    first_day = np.log(1.1 / 1.0) ** 2 + np.log(1.2 / 1.1) ** 2 + np.log(1.15 / 1.2) ** 2
    assert realized.tolist() == pytest.approx([first_day, np.log(1.05 / 1.0) ** 2])
    assert daily_variance(prices_of(frame, realized)).tolist() == pytest.approx(realized.tolist())


def test_target_is_the_log_mean_variance_of_the_next_days_and_features_look_back():
    variance = np.arange(1.0, 41.0) * 1e-4
    origins = np.array([25, 30])
    np.testing.assert_allclose(volatility_targets(variance, origins, 3),
                               np.log([variance[26:29].mean(), variance[31:34].mean()]), rtol=1e-6)
    close = np.linspace(100, 140, 40)
    frame = pd.DataFrame({"Open": close, "High": close * 1.02, "Low": close * 0.99, "Close": close,
                          "Volume": np.arange(40.0) + 1}, index=pd.bdate_range("2020-01-01", periods=40))
    changed_variance, changed_frame = variance.copy(), frame.copy()
    changed_variance[31:] *= 5  # the future changes...
    changed_frame.iloc[31:] *= 3
    np.testing.assert_array_equal(volatility_features(variance, prices_of(frame))[:31],
                                  volatility_features(changed_variance, prices_of(changed_frame))[:31])


def test_the_inputs_of_one_day_by_hand():
    close = np.array([100.0] * 22 + [98.0, 99.0])
    frame = pd.DataFrame({"Open": close, "High": close * 1.03, "Low": close, "Close": close,
                          "Volume": [10.0] * 22 + [40.0, 0.0]}, index=pd.bdate_range("2020-01-01", periods=24))
    variance = np.full(24, 1e-4)
    features = dict(zip(VOLATILITY_FEATURES, volatility_features(variance, prices_of(frame))[22].astype("float64")))
    fall = np.log(98 / 100)
    assert features["return_1d"] == pytest.approx(fall, rel=1e-5)
    assert features["negative_return"] == pytest.approx(fall, rel=1e-5)
    assert features["absolute_return"] == pytest.approx(-fall, rel=1e-5)
    assert features["log_range"] == pytest.approx(np.log(1.03), rel=1e-5)
    assert features["log_volume_ratio"] == pytest.approx(np.log(40 / ((21 * 10 + 40) / 22)), rel=1e-5)
    next_day = dict(zip(VOLATILITY_FEATURES, volatility_features(variance, prices_of(frame))[23]))
    assert next_day["negative_return"] == 0.0 and next_day["log_volume_ratio"] == 0.0  # a rise; no volume


def test_inputs_left_out_by_name():
    assert parse_inputs("") == VOLATILITY_FEATURES
    assert parse_inputs("log_range, return_1d") == [name for name in VOLATILITY_FEATURES
                                                     if name not in ("log_range", "return_1d")]
    with pytest.raises(ValueError, match="unknown input 'volume'"):
        parse_inputs("volume")
    with pytest.raises(ValueError, match="leaves no input"):
        parse_inputs(",".join(VOLATILITY_FEATURES))


def test_persistence_ewma_and_har_baselines():
    rng = np.random.default_rng(0)
    variance = np.exp(rng.normal(-8, 0.5, 400))
    origins = np.arange(30, 395)
    assert baselines.persistence(variance, [40])[0] == pytest.approx(np.log(variance[19:41].mean()))
    smoothed = variance[0]
    for value in variance[1:41]:
        smoothed = 0.94 * smoothed + 0.06 * value
    assert baselines.ewma(variance, [40])[0] == pytest.approx(np.log(smoothed))
    # HAR fitted on a target that is exactly linear in its regressors recovers it.
    regressors = baselines.har_regressors(variance, origins)
    target = regressors @ np.array([0.5, 0.3, 0.2, 0.4])
    np.testing.assert_allclose(baselines.har(variance, origins[-50:], origins[:300], target[:300]), target[-50:])


def test_garch_forecasts_use_only_the_past_and_the_training_fit():
    rng = np.random.default_rng(1)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.015, 600)))
    train_origins, test_origins = np.arange(30, 400), np.arange(450, 590)
    targets = rng.normal(-8.5, 0.3, len(train_origins))
    first = baselines.garch(close, test_origins, 5, train_origins, targets)
    changed = close.copy()
    changed[521:] *= 1.3  # a jump after day 520
    second = baselines.garch(changed, test_origins, 5, train_origins, targets)
    before = test_origins <= 520
    np.testing.assert_allclose(first[before], second[before])
    assert not np.allclose(first[~before], second[~before]) and np.isfinite(first).all()


def test_gjr_garch_raises_the_forecast_more_after_a_fall_than_after_a_rise():
    rng = np.random.default_rng(2)
    days, returns, variance = 2500, np.zeros(2500), 1e-4
    for day in range(1, days):  # a GJR process: a fall adds 0.15 of its square to the next variance, a rise nothing
        variance = 2e-6 + 0.85 * variance + 0.15 * returns[day - 1] ** 2 * (returns[day - 1] < 0)
        returns[day] = np.sqrt(variance) * rng.normal()
    train_origins, shock = np.arange(30, 2000), 2300
    targets = rng.normal(-9, 0.3, len(train_origins))
    after = {}
    for sign in (-1, 1):
        returns[shock] = sign * 0.04  # a 4% fall or rise on day `shock`
        moved = 100 * np.exp(np.cumsum(returns))
        after[sign] = {name: baselines.garch(moved, [shock], 5, train_origins, targets, asymmetric=name == "gjr")[0]
                       for name in ("garch", "gjr")}
    assert after[-1]["gjr"] - after[1]["gjr"] > 0.3  # log variance: the fall weighs far more
    assert abs(after[-1]["garch"] - after[1]["garch"]) < 0.1


def test_qlike_and_scores():
    actual = np.log(np.array([1.0, 2.0, 4.0]))
    assert qlike(actual, actual) == 0.0 and qlike(actual, actual + 1) > 0
    assert qlike(actual[:1], np.log([2.0])) == pytest.approx(0.5 - np.log(0.5) - 1)
    rng = np.random.default_rng(0)
    actual = rng.normal(-8, 1, 200)
    forecasts = {"model": actual + rng.normal(0, 0.1, 200), "persistence": actual + rng.normal(0, 0.5, 200)}
    scores = score_volatility(forecasts, actual, horizon=1)
    assert scores["rmse"] == pytest.approx(0.1, rel=0.15) and scores["persistence_rmse"] == pytest.approx(0.5, rel=0.15)
    assert scores["dm_statistic_vs_persistence"] < 0 and scores["dm_pvalue_vs_persistence"] < 1e-6


@pytest.fixture
def ohlc_csv(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(4)
    days = 400
    volatility = 0.01 * np.exp(np.convolve(rng.normal(0, 0.3, days), np.ones(10) / 3, mode="same"))
    close = 50 * np.exp(np.cumsum(volatility * rng.normal(size=days)))
    spread = volatility * np.abs(rng.normal(1, 0.3, days))
    frame = pd.DataFrame({"Date": pd.bdate_range("2019-01-01", periods=days).strftime("%Y-%m-%d"),
                          "Open": close * (1 + 0.1 * spread), "High": close * (1 + spread),
                          "Low": close * (1 - spread), "Close": close, "Volume": 1000})
    frame.to_csv(tmp_path / "ohlc.csv", index=False)
    return tmp_path / "ohlc.csv"


TINY = ["--units", "4", "--epochs", "2", "--window", "20"]


@pytest.mark.slow
def test_volatility_train_forecast_explain_and_walk_forward(ohlc_csv, capsys):
    main(["train", "--csv", str(ohlc_csv), "--target", "volatility", "--out", "run", *TINY])
    metrics = json.loads((ohlc_csv.parent / "run" / "metrics.json").read_text())
    for name in ("persistence", "ewma", "har", "garch", "gjr_garch"):
        for key in (f"{name}_rmse", f"{name}_qlike", f"dm_pvalue_vs_{name}"):
            assert np.isfinite(metrics[key]), key
    assert metrics["target"] == "volatility" and metrics["horizon"] == 5 and np.isfinite(metrics["qlike"])
    forecasts = pd.read_csv(ohlc_csv.parent / "run" / "forecasts.csv")
    rmse = np.sqrt(np.mean((forecasts["model"] - forecasts["actual"]) ** 2))
    assert rmse == pytest.approx(metrics["rmse"], rel=1e-4)  # the CSV holds what was scored
    assert "RMSE (log)" in capsys.readouterr().out
    main(["forecast", "--model", "run"])
    assert "annualised" in capsys.readouterr().out and (ohlc_csv.parent / "run" / "next_days.png").is_file()
    main(["explain", "--model", "run"])
    printed = capsys.readouterr().out
    assert "a shock" in printed and "forget gate" in printed and "input gate" in printed
    main(["walk-forward", "--csv", str(ohlc_csv), "--target", "volatility", "--refit-every", "100",
          "--first-test-day", "200", "--out", "walk", *TINY])
    result = json.loads((ohlc_csv.parent / "walk" / "walk_forward.json").read_text())
    assert [block["first_day"] for block in result["blocks"]][:1] == [str(pd.bdate_range("2019-01-01",
                                                                                         periods=400)[200].date())]
    assert len(result["blocks"]) == 2 and sum(block["forecasts"] for block in result["blocks"]) == 200
    assert np.isfinite(result["overall"]["dm_pvalue_vs_har"])
    assert "overall" in capsys.readouterr().out


@pytest.mark.slow
def test_several_offline_series_get_a_pooled_table(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    main(["train", "--offline", "--tickers", "GOOG,EURUSD", "--target", "volatility", "--out", "both", *TINY])
    pooled = json.loads((tmp_path / "both" / "pooled.json").read_text())
    counts = [len(pd.read_csv(tmp_path / "both" / name / "forecasts.csv")) for name in ("GOOG", "EURUSD")]
    assert pooled["series"] == ["GOOG", "EURUSD"] and pooled["forecasts"] == sum(counts)
    assert "pooled over GOOG, EURUSD" in capsys.readouterr().out


@pytest.mark.slow
def test_ablation_trains_once_without_each_input(ohlc_csv, capsys):
    kept = ["log_variance_1d", "log_range"]
    dropped = ",".join(name for name in VOLATILITY_FEATURES if name not in kept)
    main(["ablation", "--csv", str(ohlc_csv), "--drop-inputs", dropped, "--repeats", "2", "--out", "ablation", *TINY])
    result = json.loads((ohlc_csv.parent / "ablation" / "ablation.json").read_text())
    assert list(result["left_out"]) == ["none", *kept] and result["seeds"] == [0, 1]
    reference = result["left_out"]["none"]
    for name in kept:
        settings = json.loads((ohlc_csv.parent / "ablation" / name / "seed1" / "settings.json").read_text())
        assert set(settings["drop_inputs"].split(",")) == set(dropped.split(",")) | {name} and settings["seed"] == 1
        row = result["left_out"][name]
        assert row["rmse_mean"] == pytest.approx(np.mean(row["rmse_by_seed"]))
        assert row["rmse_change"] == pytest.approx(row["rmse_mean"] - reference["rmse_mean"])
        assert 0 <= row["dm_pvalue_vs_every_input"] <= 1
    forecasts = [pd.read_csv(ohlc_csv.parent / "ablation" / "none" / f"seed{seed}" / "forecasts.csv") for seed in (0, 1)]
    averaged = (forecasts[0]["model"] + forecasts[1]["model"]) / 2
    assert reference["averaged_forecast_rmse"] == pytest.approx(
        np.sqrt(np.mean((averaged - forecasts[0]["actual"]) ** 2)), rel=1e-4)
    assert "input left out" in capsys.readouterr().out
