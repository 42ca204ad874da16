"""Stock price forecasting with the explicit LSTM, judged against persistence and drift.

  python -m demos.stocks train --offline     # train on GOOG 2004-2013, score the test period
  python -m demos.stocks forecast --days 5   # the next 5 trading days, from the latest run
  python -m demos.stocks explain             # the LSTM's gates over the last input window

The model reads a window of daily return features and predicts the log return
of the close `--horizon` trading days ahead. Its test-period errors are set
beside persistence (the close stays as today's) and drift, with a
Diebold-Mariano test against persistence.
"""

import argparse
import dataclasses

import numpy as np
import pandas as pd

from demos.common import (
    CLIError,
    HelpFormatter,
    add_settings_arguments,
    load_model,
    read_json,
    resolve_model_path,
    run_cli,
    settings_from_args,
)
from demos.stocks.data import load_prices
from demos.stocks.evaluation import report
from demos.stocks.explain import explain, window_end
from demos.stocks.plots import plot_next_days
from demos.stocks.prediction import forecast_days, forecast_log_return, next_trading_days
from demos.stocks.settings import Settings
from demos.stocks.training import train

TRAIN_FLAGS = {
    "ticker": "Yahoo Finance symbol to download",
    "start": "first day to download (YYYY-MM-DD)",
    "end": "day after the last one to download (YYYY-MM-DD); None: today",
    "csv": "read prices from this CSV file (Date, Open, High, Low, Close, Volume columns) instead of downloading",
    "offline": "use the daily GOOG prices 2004-2013 shipped with the backtesting package (no network)",
    "layer": "LSTM layer: custom (ExplicitLSTM) or builtin (keras.layers.LSTM)",
    "window": "trading days of features the model sees",
    "horizon": "predict the close this many trading days ahead",
    "units": "LSTM units",
    "epochs": "most training epochs (early stopping on validation loss)",
    "patience": "epochs without validation improvement before stopping",
    "batch_size": "windows per training step",
    "learning_rate": "Adam learning rate",
    "test_fraction": "last share of the days kept for the test period",
    "validation_fraction": "last share of the training part used for validation",
    "seed": "random seed (same seed, same numbers)",
    "out": "run folder; None: a new folder under runs/stocks/",
}


def main(argv=None):
    args = build_parser().parse_args(argv)
    return args.run(args)


def build_parser():
    parser = argparse.ArgumentParser(
        prog="python -m demos.stocks", description=__doc__, formatter_class=HelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")
    train_parser = commands.add_parser(
        "train",
        help="train and score against the baselines",
        formatter_class=HelpFormatter,
        description="Trains on the days before the test period (the last --test-fraction of the days) and scores "
        "the model and the baselines on it. --csv wins over --offline, which wins over --ticker.",
    )
    add_settings_arguments(train_parser, Settings(), TRAIN_FLAGS)
    train_parser.set_defaults(run=run_train)
    forecast_parser = add_model_command(
        commands,
        "forecast",
        "forecast the next days, by iterating the model on its own forecasts (recursive)",
        run_forecast,
    )
    forecast_parser.add_argument("--days", type=int, default=5, help="trading days to forecast")
    forecast_parser.add_argument(
        "--history", type=int, default=60, help="days of history drawn before the forecast"
    )
    explain_parser = add_model_command(
        commands, "explain", "draw the LSTM's gates over one input window", run_explain
    )
    explain_parser.add_argument(
        "--date", help="last day of the traced window (YYYY-MM-DD); None: the last day of the data"
    )
    return parser


def add_model_command(commands, name, help_text, run):
    """A sub-command that uses a trained model on the training data, or on the data its flags name."""
    parser = commands.add_parser(name, help=help_text, description=help_text, formatter_class=HelpFormatter)
    parser.add_argument("--model", help="run folder of `train` or its model.keras; None: the latest run")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--ticker", help="Yahoo Finance symbol; None: the data source of training")
    source.add_argument("--csv", help="CSV file of prices (Date, Open, High, Low, Close, Volume)")
    source.add_argument(
        "--offline", action="store_true", help="the GOOG prices 2004-2013 of the backtesting package"
    )
    parser.add_argument("--start", help="first day to download (YYYY-MM-DD); None: as in training")
    parser.add_argument("--end", help="day after the last one to download (YYYY-MM-DD); None: as in training")
    parser.add_argument("--plot", help="PNG file to write; None: in the model's run folder")
    parser.set_defaults(run=run)
    return parser


def run_train(args):
    result = train(settings_from_args(Settings, args))
    print(report(result.metrics))
    print(
        f"training: {result.metrics['epochs']} epochs, {result.metrics['train_seconds']:.1f} s; run saved in {result.run_dir}"
    )


def run_forecast(args):
    if args.days < 1 or args.history < 1:
        raise CLIError("--days and --history must be at least 1")
    model_path, settings = trained_settings(args)
    model, prices = load_model(model_path), load_prices(settings)
    close = prices.frame["Close"].to_numpy()
    future = forecast_days(model, close, args.days, settings.window, settings.horizon)
    dates = next_trading_days(prices.frame.index[-1], args.days)
    last_date = prices.frame.index[-1].date()
    print(
        f"{prices.ticker}: last close {close[-1]:.2f} on {last_date}; forecast by iterating the "
        f"{settings.horizon}-day model on its own forecasts ({prices.source})"
    )
    for date, price in zip(dates, future, strict=True):
        print(f"  {date.date()}  {price:10.2f}  {price / close[-1] - 1:+.2%}")
    path = args.plot or model_path.parent / "next_days.png"
    history = prices.frame.index[-args.history :]
    plot_next_days(
        history,
        close[-args.history :],
        dates,
        future,
        path,
        f"{prices.ticker}: {args.days}-day forecast from {last_date}",
    )
    print(f"plot: {path}")


def run_explain(args):
    day = parse_date(args.date)
    model_path, settings = trained_settings(args)
    prices = load_prices(settings)
    end = window_end(prices.frame.index, settings.window, day)
    path = args.plot or model_path.parent / "gates.png"
    model = load_model(model_path)
    explain(model, prices, settings.window, end, path)
    close = prices.frame["Close"].to_numpy()
    forecast = close[end] * np.exp(forecast_log_return(model, close[: end + 1], settings.window))
    print(
        f"gates over the {settings.window} days up to {prices.frame.index[end].date()} ({prices.source}); plot: {path}"
    )
    print(
        f"close that day {close[end]:.2f}; the model's forecast {settings.horizon} trading day(s) ahead: {forecast:.2f}"
    )


def parse_date(text):
    if text is None:
        return None
    try:
        return pd.Timestamp(text)
    except ValueError:
        raise CLIError(f"--date {text!r} is not a date (YYYY-MM-DD)") from None


def trained_settings(args):
    """The model's path and its training settings, with the data source replaced by the command's flags."""
    model_path = resolve_model_path("stocks", args.model)
    settings_path = model_path.parent / "settings.json"
    if not settings_path.is_file():
        raise CLIError(
            f"no settings.json beside {model_path}: pass a run folder of `python -m demos.stocks train`"
        )
    settings = Settings(**read_json(settings_path))
    if args.csv or args.offline or args.ticker:
        settings = dataclasses.replace(
            settings, csv=args.csv, offline=args.offline, ticker=args.ticker or settings.ticker
        )
    return model_path, dataclasses.replace(
        settings, start=args.start or settings.start, end=args.end or settings.end
    )


if __name__ == "__main__":
    run_cli(main)
