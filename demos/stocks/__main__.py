"""Stock price forecasting with the explicit LSTM, judged against persistence and drift.

  python -m demos.stocks train --offline     # train on GOOG 2004-2013, score the test period
  python -m demos.stocks forecast --days 5   # the next 5 trading days, from the latest run
  python -m demos.stocks explain             # the LSTM's gates over the last input window
  python -m demos.stocks walk-forward --offline --ticker SP500 --target volatility   # refit yearly, 2001-2018

The model reads a window of daily return features and predicts the log return
of the close `--horizon` trading days ahead. Its test-period errors are set
beside persistence (the close stays as today's) and drift, with a
Diebold-Mariano test against persistence.
"""

from demos import cli, startup
from demos.stocks.settings import APP, Settings

TRAIN_FLAGS = {
    "ticker": "Yahoo Finance symbol to download",
    "start": "first day to download (YYYY-MM-DD)",
    "end": "day after the last one to download (YYYY-MM-DD); if not given: today",
    "csv": "read prices from this CSV file (Date, Open, High, Low, Close, Volume columns) instead of downloading",
    "offline": "use a series shipped with installed packages (no network): --ticker GOOG (daily 2004-2013), "
    "EURUSD (hourly 2017-2018, made daily), SP500 or NASDAQ (daily index 1999-2018)",
    "tickers": "several symbols, comma-separated (offline: any of GOOG,EURUSD,SP500,NASDAQ): one model each, a "
    "table each and a pooled one",
    "drop_inputs": "volatility inputs to leave out, comma-separated, of: log_variance_1d, log_variance_5d, "
    "log_variance_22d, return_1d, negative_return, absolute_return, log_range, log_volume_ratio",
    "one_model": "walk-forward with --tickers: also train one model on every ticker (each standardised by its own "
    "training days), in the same yearly blocks, against one model each",
    "target": "price: the close --horizon days ahead; volatility: the log mean daily variance over the next "
    "--horizon days",
    "window": "trading days of features the model sees; 0: 30 for price, 60 for volatility",
    "horizon": "trading days ahead; 0: 1 for price, 5 for volatility",
    "units": "LSTM units",
    "epochs": "most training epochs (early stopping on validation loss)",
    "patience": "epochs without validation improvement before stopping",
    "batch_size": "windows per training step",
    "learning_rate": "Adam learning rate",
    "test_fraction": "last share of the days kept for the test period",
    "validation_fraction": "last share of the training part used for validation",
    "refit_every": "walk-forward: trading days between refits (252: a year)",
    "first_test_day": "walk-forward: the first test block starts after this many days",
}


def build_parser():
    parser, commands = cli.demo_parser(APP, __doc__)
    train_parser = cli.add_command(
        commands, "train", train, "train and score against the baselines",
        description="Trains on the days before the test period (the last --test-fraction of the days) and scores "
        "the model and the baselines on it. --csv wins over --offline, which wins over --ticker.",
    )
    cli.add_settings_arguments(train_parser, Settings(), cli.train_flags(APP, TRAIN_FLAGS))
    walk_parser = cli.add_command(
        commands, "walk-forward", walk_forward, "refit every year on an expanding window and score every year",
        description="Walk-forward evaluation: the first test block starts after --first-test-day days; each block "
        "of --refit-every days is forecast by a model (and baselines) fitted on every day before it.",
    )
    cli.add_settings_arguments(walk_parser, Settings(), cli.train_flags(APP, TRAIN_FLAGS))
    ablation_parser = cli.add_command(
        commands, "ablation", ablation, "train once with every volatility input and once without each",
        description="What each input adds: train (as the train command) with every volatility input, then leaving "
        "out each in turn; a table of the test scores and a Diebold-Mariano test against every input.",
    )
    cli.add_settings_arguments(ablation_parser, Settings(target="volatility"), cli.train_flags(APP, TRAIN_FLAGS))
    ablation_parser.add_argument("--repeats", type=int, default=3,
                                 help="seeds per configuration (--seed and the next ones): one seed's luck moves the "
                                 "test RMSE about as much as one input")
    forecast_parser = add_model_command(
        commands, "forecast", forecast, "forecast the next days, by iterating the model on its own forecasts"
    )
    forecast_parser.add_argument("--days", type=int, default=5,
                                 help="trading days to forecast (price target; the volatility target forecasts "
                                 "its --horizon)")
    forecast_parser.add_argument("--history", type=int, default=60, help="days of history drawn before the forecast")
    cli.add_out_argument(forecast_parser, "next_days.png")
    explain_parser = add_model_command(commands, "explain", explain, "draw the LSTM's gates over one input window")
    explain_parser.add_argument("--date", help="last day of the traced window (YYYY-MM-DD); if not given: the last day")
    cli.add_out_argument(explain_parser, "gates.png")
    return parser


def add_model_command(commands, name, run, help_text):
    """A command that uses a trained model on the training data, or on the data its flags name."""
    parser = cli.add_command(commands, name, run, help_text)
    cli.add_model_argument(parser, APP)
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--ticker", help="Yahoo Finance symbol, or with --offline one of GOOG, EURUSD, SP500, NASDAQ; "
                        "if not given: the data source of training")
    source.add_argument("--csv", help="CSV file of prices (Date, Open, High, Low, Close, Volume)")
    parser.add_argument("--offline", action="store_true",
                        help="a series shipped with installed packages (no network): --ticker names it (if not "
                        "given: the ticker of training)")
    parser.add_argument("--start", help="first day to download (YYYY-MM-DD); if not given: as in training")
    parser.add_argument("--end", help="day after the last one to download (YYYY-MM-DD); if not given: as in training")
    return parser


def train(args):
    settings = cli.settings_from_args(Settings, args)
    if settings.one_model:
        raise cli.CLIError("--one-model is an option of walk-forward (one model for several series, refit each year)")
    run_for_tickers(settings, train_one, "tickers")


def train_one(settings):
    from demos.stocks.evaluation import report
    from demos.stocks.training import train as train_model

    result = train_model(settings)
    print(report(result.metrics))
    print(f"training: {result.metrics['epochs']} epochs, {result.metrics['train_seconds']:.1f} s; "
          f"run saved in {result.run_dir}")


def run_for_tickers(settings, run_one, folder_name):
    """`run_one(settings)`, or with `--tickers`, once per ticker and a pooled table (bad settings: one line first)."""
    from demos.stocks.pooled import pooled_table, run_each
    from demos.stocks.training import check_settings

    check_settings(settings)
    if not settings.tickers:
        return run_one(settings)
    pooled, root = run_each(settings, run_one, folder_name)
    print(pooled_table(pooled))
    print(f"runs and pooled.json in {root}")


def walk_forward(args):
    settings = cli.settings_from_args(Settings, args)
    if settings.one_model:
        return walk_forward_together(settings)
    run_for_tickers(settings, walk_forward_one, "walkforward-tickers")


def ablation(args):
    from demos.stocks.ablation import ablation as run_ablation
    from demos.stocks.ablation import ablation_table

    result, root = run_ablation(cli.settings_from_args(Settings, args), args.repeats)
    print(ablation_table(result))
    print(f"runs and ablation.json in {root}")


def walk_forward_together(settings):
    from demos.stocks.one_model import comparison_table
    from demos.stocks.one_model import walk_forward_together as run_together
    from demos.stocks.pooled import pooled_table

    result, root = run_together(settings)
    print(comparison_table(result))
    print(pooled_table(result["pooled"]))
    print(f"walk-forward of one model and one model each saved in {root}")


def walk_forward_one(settings):
    from demos.stocks.evaluation import report
    from demos.stocks.walk_forward import block_table
    from demos.stocks.walk_forward import walk_forward as run_walk_forward

    result, run_dir = run_walk_forward(settings)
    print(block_table(result))
    print(report(result["overall"]))
    print(f"walk-forward saved in {run_dir}")


def forecast(args):
    from demos.runs import output_path
    from demos.stocks.plots import plot_next_days
    from demos.stocks.prediction import forecast as forecast_closes
    from demos.stocks.prediction import load_stocks_run

    run = load_stocks_run(args)
    path = output_path(args.out, run.run_dir / "next_days.png")
    if run.settings.target == "volatility":
        return forecast_volatility(run, args.history, path)
    result = forecast_closes(run, args.days, args.history)
    print(f"{result.ticker}: last close {result.last_close:.2f} on {result.last_date}; forecast by iterating the "
          f"{run.settings.horizon}-day model on its own forecasts ({result.source})")
    for date, price in zip(result.dates, result.closes, strict=True):
        print(f"  {date.date()}  {price:10.2f}  {price / result.last_close - 1:+.2%}")
    plot_next_days(result.history_dates, result.history_close, result.dates, result.closes, path,
                   f"{result.ticker}: {args.days}-day forecast from {result.last_date}")
    print(f"plot: {path}")


def forecast_volatility(run, history, path):
    from demos.stocks.prediction import volatility_forecast

    result = volatility_forecast(run, history, path)
    print(f"{result['ticker']}: mean volatility over the {run.settings.horizon} trading days after "
          f"{result['last_date']}, annualised: {result['model']:.1f}% (the LSTM); the last month's level "
          f"(persistence) {result['persistence']:.1f}% ({result['source']})")
    print(f"plot: {path}")


def explain(args):
    from demos.runs import output_path
    from demos.stocks.explain import DAYS_AFTER_SPIKE, explain_run, shock_response
    from demos.stocks.prediction import load_stocks_run

    day = parse_date(args.date)
    run = load_stocks_run(args)
    settings = run.settings
    path = output_path(args.out, run.run_dir / "gates.png")
    task, end, trace, at_spike = explain_run(run, day, path)
    dates = task.prices.frame.index
    print(f"gates over the {settings.window} days up to {dates[end].date()} ({task.prices.source}); plot: {path}")
    if at_spike:
        shock = settings.window - 1 - DAYS_AFTER_SPIKE
        story = shock_response(trace, shock)
        print(f"the largest daily variance is on {dates[end - DAYS_AFTER_SPIKE].date()}: a shock")
        print(f"  forget gate (mean over units): {story['forget_gate_before']:.3f} on the 5 days before, "
              f"{story['forget_gate_at_shock']:.3f} that day")
        print(f"  input gate (mean over units): {story['input_gate_before']:.3f} before, "
              f"{story['input_gate_at_shock']:.3f} that day")
        held = ", ".join(f"unit {unit}: {'over ' + str(DAYS_AFTER_SPIKE) if steps is None else steps} days"
                         for unit, steps in story["half_life_steps"].items())
        print(f"  days until the cell state's jump had halved, for the units that moved most: {held}")
    if settings.target == "price":
        from demos.stocks.prediction import forecast_on

        close = task.close
        print(f"close that day {close[end]:.2f}; the model's forecast {settings.horizon} trading day(s) ahead: "
              f"{forecast_on(run, close, end):.2f}")


def parse_date(text):
    import pandas as pd

    if text is None:
        return None
    try:
        return pd.Timestamp(text)
    except ValueError:
        raise cli.CLIError(f"--date {text!r} is not a date (YYYY-MM-DD)") from None


def main(argv=None):
    return cli.run_cli(build_parser(), argv, prepare=startup.prepare_devices)


if __name__ == "__main__":
    main()
