"""One model for several series: same blocks by date, each series standardised by its own training days."""

import json

import numpy as np
import pandas as pd
import pytest

from datasets import stocks
from demos.stocks.__main__ import main
from demos.stocks.one_model import scaling_of
from demos.stocks.settings import Settings
from demos.stocks.tasks import VolatilityTask
from demos.stocks.walk_forward import block_starts, blocks

TINY = ["--units", "4", "--epochs", "2", "--window", "20"]


def toy_task(days, first_date="2019-01-01", seed=0):
    rng = np.random.default_rng(seed)
    close = 50 * np.exp(np.cumsum(rng.normal(0, 0.01, days)))
    spread = 0.01 * np.exp(rng.normal(0, 0.3, days))
    frame = pd.DataFrame({"Open": close, "High": close * (1 + spread), "Low": close * (1 - spread), "Close": close,
                          "Volume": 1.0},
                         index=pd.bdate_range(first_date, periods=days, name="Date"))
    return VolatilityTask(stocks.Prices(frame, "TOY", "toy"))


def test_a_shorter_series_is_cut_at_the_same_dates():
    settings = Settings(target="volatility", first_test_day=200, refit_every=100).resolved()
    long, short = toy_task(500), toy_task(300, first_date="2019-06-03")
    starts = block_starts(long.prices.frame.index, settings)
    assert starts == list(long.prices.frame.index[[200, 300, 400]])
    for task in (long, short):
        for start, fit, test in blocks(task, starts, settings):
            target_dates = task.prices.frame.index[test + settings.horizon]
            assert target_dates.min() >= start and task.prices.frame.index[fit.max() + settings.horizon] < start
    # the short series starts in June: by the first date it has too few forecasts to fit (10 or fewer)
    assert [start for start, *_ in blocks(short, starts, settings)] == starts[1:]


def test_a_series_is_standardised_by_its_training_days_alone():
    task = toy_task(400)
    train = np.arange(100, 250)
    scaling = scaling_of(task, train, 5)
    rows = task.features[task.first_day : 250].astype("float64")
    np.testing.assert_allclose(scaling.feature_mean, np.nanmean(rows, axis=0), rtol=1e-5)
    targets = task.targets(train, 5)
    assert scaling.target_mean == pytest.approx(np.mean(targets)) and scaling.target_std == pytest.approx(np.std(targets))
    task.features[260:] *= 10  # the test period changes: the scaling does not
    assert np.allclose(scaling_of(task, train, 5).feature_mean, scaling.feature_mean)


@pytest.mark.slow
def test_one_model_walk_forward_against_one_model_each(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    main(["walk-forward", "--offline", "--tickers", "SP500,GOOG", "--one-model", "--target", "volatility",
          "--first-test-day", "1500", "--refit-every", "1000", "--out", "both", *TINY])
    result = json.loads((tmp_path / "both" / "walk_forward.json").read_text())
    assert list(result["series"]) == ["SP500", "GOOG"]
    sp500, goog = result["series"]["SP500"], result["series"]["GOOG"]
    for name in ("own_model", "har_pooled", "har", "gjr_garch"):
        assert np.isfinite(sp500[f"dm_pvalue_vs_{name}"]) and np.isfinite(goog[f"{name}_rmse"])
    blocks_of = {ticker: json.loads((tmp_path / "both" / ticker / "walk_forward.json").read_text())["blocks"]
                 for ticker in ("SP500", "GOOG")}
    assert len(blocks_of["SP500"]) == 4 and len(blocks_of["GOOG"]) == 3  # GOOG ends in 2013
    assert blocks_of["GOOG"][1]["first_day"] == blocks_of["SP500"][1]["first_day"]  # the same blocks
    assert result["pooled"]["forecasts"] == sp500["test_days"] + goog["test_days"]
    printed = capsys.readouterr().out
    assert "own model RMSE" in printed and "pooled" in printed


def test_one_model_needs_several_series_and_walk_forward(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for argv, message in ((["walk-forward", "--offline", "--one-model", "--target", "volatility"], "--tickers"),
                          (["train", "--offline", "--tickers", "SP500,GOOG", "--one-model"], "walk-forward")):
        with pytest.raises(SystemExit):
            main(argv)
        assert message in capsys.readouterr().err
