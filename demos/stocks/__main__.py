"""Stock price forecasting with the explicit LSTM, judged against persistence and drift.

  python -m demos.stocks train --offline     # train on GOOG 2004-2013, score the test period
  python -m demos.stocks forecast --days 5   # the next 5 trading days, from the latest run
  python -m demos.stocks explain             # the LSTM's gates over the last input window

The model reads a window of daily return features and predicts the log return
of the close `--horizon` trading days ahead. Its test-period errors are set
beside persistence (the close stays as today's) and drift, with a
Diebold-Mariano test against persistence.
"""

from demos import common
from demos.stocks.settings import APP, Settings

TRAIN_FLAGS = {
    "ticker": "Yahoo Finance symbol to download",
    "start": "first day to download (YYYY-MM-DD)",
    "end": "day after the last one to download (YYYY-MM-DD); if not given: today",
    "csv": "read prices from this CSV file (Date, Open, High, Low, Close, Volume columns) instead of downloading",
    "offline": "use the daily GOOG prices 2004-2013 shipped with the backtesting package (no network)",
    "window": "trading days of features the model sees",
    "horizon": "predict the close this many trading days ahead",
    "units": "LSTM units",
    "epochs": "most training epochs (early stopping on validation loss)",
    "patience": "epochs without validation improvement before stopping",
    "batch_size": "windows per training step",
    "learning_rate": "Adam learning rate",
    "test_fraction": "last share of the days kept for the test period",
    "validation_fraction": "last share of the training part used for validation",
}


def build_parser():
    parser, commands = common.demo_parser(APP, __doc__)
    train_parser = common.add_command(
        commands, "train", train, "train and score against the baselines",
        description="Trains on the days before the test period (the last --test-fraction of the days) and scores "
        "the model and the baselines on it. --csv wins over --offline, which wins over --ticker.",
    )
    common.add_settings_arguments(train_parser, Settings(), common.train_flags(APP, TRAIN_FLAGS))
    forecast_parser = add_model_command(
        commands, "forecast", forecast, "forecast the next days, by iterating the model on its own forecasts"
    )
    forecast_parser.add_argument("--days", type=int, default=5, help="trading days to forecast")
    forecast_parser.add_argument("--history", type=int, default=60, help="days of history drawn before the forecast")
    common.add_out_argument(forecast_parser, "next_days.png")
    explain_parser = add_model_command(commands, "explain", explain, "draw the LSTM's gates over one input window")
    explain_parser.add_argument("--date", help="last day of the traced window (YYYY-MM-DD); if not given: the last day")
    common.add_out_argument(explain_parser, "gates.png")
    return parser


def add_model_command(commands, name, run, help_text):
    """A command that uses a trained model on the training data, or on the data its flags name."""
    parser = common.add_command(commands, name, run, help_text)
    common.add_model_argument(parser, APP)
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--ticker", help="Yahoo Finance symbol; if not given: the data source of training")
    source.add_argument("--csv", help="CSV file of prices (Date, Open, High, Low, Close, Volume)")
    source.add_argument("--offline", action="store_true", help="the GOOG prices 2004-2013 of the backtesting package")
    parser.add_argument("--start", help="first day to download (YYYY-MM-DD); if not given: as in training")
    parser.add_argument("--end", help="day after the last one to download (YYYY-MM-DD); if not given: as in training")
    return parser


def train(args):
    from demos.stocks.evaluation import report
    from demos.stocks.training import train as train_model

    result = train_model(common.settings_from_args(Settings, args))
    print(report(result.metrics))
    print(f"training: {result.metrics['epochs']} epochs, {result.metrics['train_seconds']:.1f} s; "
          f"run saved in {result.run_dir}")


def forecast(args):
    from demos.common import output_path
    from demos.stocks.plots import plot_next_days
    from demos.stocks.prediction import forecast as forecast_closes
    from demos.stocks.prediction import load_stocks_run

    run = load_stocks_run(args)
    path = output_path(args.out, run.run_dir / "next_days.png")
    result = forecast_closes(run, args.days, args.history)
    print(f"{result.ticker}: last close {result.last_close:.2f} on {result.last_date}; forecast by iterating the "
          f"{run.settings.horizon}-day model on its own forecasts ({result.source})")
    for date, price in zip(result.dates, result.closes, strict=True):
        print(f"  {date.date()}  {price:10.2f}  {price / result.last_close - 1:+.2%}")
    plot_next_days(result.history_dates, result.history_close, result.dates, result.closes, path,
                   f"{result.ticker}: {args.days}-day forecast from {result.last_date}")
    print(f"plot: {path}")


def explain(args):
    from demos.common import output_path
    from demos.stocks.data import load_prices
    from demos.stocks.explain import explain as explain_window
    from demos.stocks.explain import window_end
    from demos.stocks.prediction import forecast_on, load_stocks_run

    day = parse_date(args.date)
    run = load_stocks_run(args)
    path = output_path(args.out, run.run_dir / "gates.png")
    prices = load_prices(run.settings)
    end = window_end(prices.frame.index, run.settings.window, day)
    explain_window(run.model, prices, run.settings.window, end, path)
    close = prices.frame["Close"].to_numpy()
    print(f"gates over the {run.settings.window} days up to {prices.frame.index[end].date()} ({prices.source}); "
          f"plot: {path}")
    print(f"close that day {close[end]:.2f}; the model's forecast {run.settings.horizon} trading day(s) ahead: "
          f"{forecast_on(run, close, end):.2f}")


def parse_date(text):
    import pandas as pd

    if text is None:
        return None
    try:
        return pd.Timestamp(text)
    except ValueError:
        raise common.CLIError(f"--date {text!r} is not a date (YYYY-MM-DD)") from None


def main(argv=None):
    return common.run_cli(build_parser(), argv)


if __name__ == "__main__":
    main()
