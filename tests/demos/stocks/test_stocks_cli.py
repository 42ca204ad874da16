"""python -m demos.stocks: train, forecast and explain on a small CSV; user errors as one line."""

import json

import numpy as np
import pandas as pd
import pytest

from demos.stocks.__main__ import main
from demos.stocks.settings import Settings
from demos.stocks.training import train

TINY = ["--window", "5", "--units", "4", "--epochs", "2", "--batch-size", "32"]


@pytest.fixture
def price_csv(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    days = 160
    close = 50 * np.exp(np.cumsum(np.random.default_rng(3).normal(0.001, 0.02, days)))
    frame = pd.DataFrame(
        {
            "Date": pd.bdate_range("2021-01-04", periods=days).strftime("%Y-%m-%d"),
            "Open": close,
            "High": close * 1.01,
            "Low": close * 0.99,
            "Close": close,
            "Volume": 1000,
        },
    )
    frame.to_csv(tmp_path / "prices.csv", index=False)
    return tmp_path / "prices.csv"


def fail(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    message = capsys.readouterr().err.strip()
    assert message.startswith("error: ") and "\n" not in message
    return message


@pytest.mark.slow
def test_train_forecast_explain_and_train_again(price_csv, capsys):
    main(["train", "--csv", str(price_csv), "--out", "run", *TINY])
    printed = capsys.readouterr().out
    assert "persistence on RMSE" in printed and "Diebold-Mariano p = " in printed and "Up days: " in printed
    metrics = json.loads((price_csv.parent / "run" / "metrics.json").read_text())
    for key in (
        "app",
        "layer",
        "ticker",
        "source",
        "test_days",
        "rmse",
        "mae",
        "mape",
        "directional_accuracy",
        "up_day_share",
        "persistence_rmse",
        "persistence_mae",
        "drift_rmse",
        "dm_pvalue",
        "train_seconds",
        "epochs",
        "history",
    ):
        assert key in metrics
    assert metrics["test_days"] == 32 and metrics["ticker"] == "prices"
    for name in ("model.keras", "settings.json", "forecast.png", "history.png"):
        assert (price_csv.parent / "run" / name).is_file()

    main(["forecast", "--model", "run", "--days", "3"])
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[1:4]] == ["2021-08-16", "2021-08-17", "2021-08-18"]
    assert (price_csv.parent / "run" / "next_days.png").is_file()

    main(["explain", "--model", "run/model.keras", "--date", "2021-06-01"])
    assert "5 days up to 2021-06-01" in capsys.readouterr().out
    assert (price_csv.parent / "run" / "gates.png").is_file()
    main(["explain", "--model", "run", "--out", "mine.png"])
    assert (price_csv.parent / "mine.png").is_file()
    assert "folder nowhere does not exist" in fail(["explain", "--model", "run", "--out", "nowhere/g.png"], capsys)

    again = train(Settings(csv=str(price_csv), window=5, units=4, epochs=2, batch_size=32, out="again"))
    assert again.metrics["rmse"] == metrics["rmse"]  # same seed, same numbers
    assert again.sample_inputs.shape == (8, 5, 3)
    assert again.model.predict(again.sample_inputs, verbose=0).shape == (8, 1)


def test_user_errors_are_one_line(price_csv, capsys):
    (price_csv.parent / "bad.csv").write_text("Date,Open,High,Low,Close\n2021-01-04,1,1,1,1\n")
    assert "missing column(s) Volume" in fail(["train", "--csv", "bad.csv"], capsys)
    assert "--layer must be" in fail(["train", "--csv", str(price_csv), "--layer", "gru"], capsys)
    assert "too few" in fail(["train", "--csv", str(price_csv), "--window", "120"], capsys)
    assert "no trained model" in fail(["forecast"], capsys)
    assert "no model at" in fail(["explain", "--model", "nowhere"], capsys)
    assert "must be 0 (the target's default) or more, got -1" in fail(
        ["train", "--csv", str(price_csv), "--window", "-1"], capsys
    )
    assert "--target must be one of price, volatility, got 'weather'" in fail(
        ["train", "--csv", str(price_csv), "--target", "weather"], capsys
    )
    assert "--tickers takes comma-separated symbols" in fail(["train", "--offline", "--tickers", ","], capsys)
    assert "offline, the series are GOOG, EURUSD, SP500, NASDAQ, not 'MSFT'" in fail(
        ["train", "--offline", "--ticker", "MSFT"], capsys
    )
    assert "--drop-inputs: unknown input 'volume'" in fail(
        ["train", "--csv", str(price_csv), "--target", "volatility", "--drop-inputs", "volume"], capsys
    )
    assert "add --target volatility" in fail(["ablation", "--csv", str(price_csv), "--target", "price"], capsys)
    assert not list(price_csv.parent.glob("runs/stocks/*"))


@pytest.mark.parametrize("layer", ["peephole", "coupled", "layernorm"])
def test_variant_layers_train_and_explain(layer, price_csv, capsys):
    main(["train", "--csv", str(price_csv), "--out", layer, "--layer", layer, *TINY])
    metrics = json.loads((price_csv.parent / layer / "metrics.json").read_text())
    assert metrics["layer"] == layer and np.isfinite(metrics["rmse"])
    main(["explain", "--model", layer])
    assert (price_csv.parent / layer / "gates.png").is_file()
