"""Forecasts from a trained run: the next days, by iterating the model on its own forecasts."""

import dataclasses

import numpy as np
import pandas as pd

from demos.cli import CLIError
from demos.runs import load_run
from demos.stocks.data import load_prices
from demos.stocks.features import FIRST_COMPLETE_DAY, daily_features, windows
from demos.stocks.settings import APP, Settings


def forecast_log_return(model, close, window):
    """The model's log return forecast made on the last day of `close` (only that day and before are used)."""
    if len(close) < FIRST_COMPLETE_DAY + window:
        raise CLIError(
            f"need at least {FIRST_COMPLETE_DAY + window} days of prices for a window of {window}, got {len(close)}"
        )
    recent = np.asarray(close[-(FIRST_COMPLETE_DAY + window) :])
    inputs = windows(daily_features(recent), [len(recent) - 1], window)
    return float(model.predict(inputs, verbose=0)[0, 0])


def forecast_days(model, close, days, window, horizon):
    """Closes of the next `days` trading days, by recursion.

    Each step forecasts the close `horizon` days after the last known (or
    already forecast) day and appends it; for `horizon` > 1 the days in between
    lie on a straight line in log price. The forecasts then serve as inputs of
    the next step, so errors compound and the path flattens towards the drift
    the model has learned.
    """
    log_path = list(np.log(np.asarray(close, dtype="float64")))
    while len(log_path) < len(close) + days:
        step = forecast_log_return(model, np.exp(log_path), window)
        log_path += [log_path[-1] + step * day / horizon for day in range(1, horizon + 1)]
    return np.exp(log_path[len(close) : len(close) + days])


def next_trading_days(last_date, days):
    """The `days` weekdays after `last_date` (exchange holidays are not known here)."""
    return pd.bdate_range(last_date + pd.Timedelta(days=1), periods=days)


def load_stocks_run(args):
    """The run named by `--model` and its settings, the data source replaced by the command's flags."""
    run = load_run(APP, Settings, args.model)
    settings = run.settings
    if args.csv or args.offline or args.ticker:
        settings = dataclasses.replace(settings, csv=args.csv, offline=args.offline, ticker=args.ticker or settings.ticker)
    run.settings = dataclasses.replace(settings, start=args.start or settings.start, end=args.end or settings.end)
    return run


@dataclasses.dataclass
class Forecast:
    ticker: str  # symbol or CSV name
    source: str  # where the prices came from
    last_date: object  # the last day with a known close
    last_close: float  # its close
    history_dates: object  # the days of history drawn before the forecast
    history_close: np.ndarray  # their closes
    dates: object  # the forecast days
    closes: np.ndarray  # the forecast closes


def forecast(run, days, history):
    """The next `days` closes after the last day of the run's data source, with `history` days before them."""
    if days < 1 or history < 1:
        raise CLIError("--days and --history must be at least 1")
    prices = load_prices(run.settings)
    close = prices.frame["Close"].to_numpy()
    future = forecast_days(run.model, close, days, run.settings.window, run.settings.horizon)
    last_date = prices.frame.index[-1]
    return Forecast(prices.ticker, prices.source, last_date.date(), float(close[-1]), prices.frame.index[-history:],
                    close[-history:], next_trading_days(last_date, days), future)


def forecast_on(run, close, end):
    """The close the model forecasts `horizon` days after day `end`, from the closes up to it."""
    return float(close[end] * np.exp(forecast_log_return(run.model, close[: end + 1], run.settings.window)))


def volatility_forecast(run, history, path):
    """The model's volatility forecast for the days after the last day, drawn after `history` days of it."""
    from demos.stocks.plots import plot_volatility_forecast
    from demos.stocks.tasks import make_task
    from demos.stocks.training import predict
    from demos.stocks.volatility import annualized_volatility, mean_before

    if history < 1:
        raise CLIError("--history must be at least 1")
    task = make_task(run.settings, load_prices(run.settings))
    last = len(task.close) - 1
    if last < task.first_day + run.settings.window - 1:
        raise CLIError(f"need at least {task.first_day + run.settings.window} days of prices for a forecast")
    model = predict(run.model, windows(task.features, [last], run.settings.window))[0] + task.level([last])[0]
    persistence = float(annualized_volatility(task.level([last])[0]))
    dates = task.prices.frame.index
    monthly = annualized_volatility(np.log(mean_before(task.variance, 22)[-history:]))
    future = next_trading_days(dates[-1], run.settings.horizon)
    plot_volatility_forecast(dates[-history:], monthly, future, annualized_volatility(model), path,
                             f"{task.prices.ticker}: volatility over the next {run.settings.horizon} days", persistence)
    return {"ticker": task.prices.ticker, "source": task.prices.source, "last_date": dates[-1].date(),
            "model": float(annualized_volatility(model)), "persistence": persistence}
