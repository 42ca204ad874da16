"""`train(settings)`: fit the forecaster, score it and the baselines on the test period, save the run."""

import keras
import numpy as np
import pandas as pd

from demos import cli, plots, runs, startup
from demos.callbacks import EpochTimes
from demos.distribution import check_batch, data_parallel, single_device_copy, trim_to_devices
from demos.stocks.data import load_period
from demos.stocks.features import windows
from demos.stocks.model import build_model
from demos.stocks.settings import APP, TARGET_DEFAULTS
from demos.stocks.volatility import parse_inputs

SAMPLE_COUNT = 8  # held-out windows returned for comparing two models


def check_settings(settings):
    """Raises `cli.CLIError`, one line, for settings no run can use."""
    cli.check_choice("target", settings.target, TARGET_DEFAULTS)
    if settings.window < 0 or settings.horizon < 0:
        raise cli.CLIError(f"--window and --horizon must be 0 (the target's default) or more, "
                           f"got {settings.window} and {settings.horizon}")
    cli.check_ranges(
        settings,
        at_least_one=("units", "epochs", "patience", "batch_size", "refit_every", "first_test_day"),
        open_fractions=("test_fraction", "validation_fraction"),
        positive=("learning_rate",),
    )
    cli.check_layer(settings.layer)
    try:
        parse_inputs(settings.drop_inputs)
    except ValueError as error:
        raise cli.CLIError(f"--drop-inputs: {error}") from None
    if settings.one_model and not settings.tickers:
        raise cli.CLIError("--one-model trains one model for several series: name them with --tickers")


def train(settings, initial_weights=None):
    """Trains on the chronological training part and scores the test period; see `runs.TrainResult`."""
    check_settings(settings)
    settings = settings.resolved()
    check_batch(settings.batch_size, settings.distribute)
    startup.set_seed(settings.seed)
    period = load_period(settings)
    task, split, prices = period.task, period.split, period.task.prices
    run_dir = runs.new_run_dir(APP, settings.layer, settings.out)
    model, history, seconds, initial_weights, devices = fit_model(settings, task, split.train, split.validation,
                                                                  initial_weights)
    runs.save_model(model, run_dir / cli.MODEL_FILE)
    runs.write_settings(run_dir, settings, devices)
    forecasts = period_forecasts(model, period, settings.horizon)
    dates = prices.frame.index[split.test + settings.horizon]
    metrics = {
        "app": APP,
        "layer": settings.layer,
        "target": settings.target,
        "devices": devices,
        "ticker": prices.ticker,
        "source": prices.source,
        "test_days": len(split.test),
        "test_first_day": str(dates[0].date()),
        "test_last_day": str(dates[-1].date()),
        "window": settings.window,
        "horizon": settings.horizon,
        **task.score(forecasts, split.test, settings.horizon),
        "epochs": len(history.epoch),
        "train_seconds": sum(seconds),
        "epoch_seconds": seconds,
        "history": plots.history_dict(history),
    }
    runs.write_json(run_dir / "metrics.json", metrics)
    actual = task.actual(split.test, settings.horizon)
    write_forecasts(run_dir / "forecasts.csv", dates, actual, forecasts)
    plots.plot_history(metrics["history"], run_dir / "history.png", title=f"stocks, {settings.layer} LSTM")
    task.plot(dates, actual, forecasts, run_dir / "forecast.png",
              f"{prices.ticker}: {task.name} {settings.horizon} day(s) ahead")
    return runs.TrainResult(metrics, model, initial_weights, period.test_windows[:SAMPLE_COUNT], run_dir)


def period_forecasts(model, period, horizon):
    """The model's and the baselines' forecasts of the test period (`data.load_period`)."""
    return period.task.forecasts(predict(model, period.test_windows), period.split.test, horizon, period.fit_origins)


def predict(model, windows_):
    """The model's forecast for each window (one eager call: no graph is traced for it)."""
    return keras.ops.convert_to_numpy(model(windows_, training=False))[:, 0]


def write_forecasts(path, dates, actual, forecasts):
    """Every forecast of the test period beside the actual value, one row per day, as CSV."""
    frame = pd.DataFrame({"actual": actual, **forecasts}, index=pd.DatetimeIndex(dates, name="date"))
    frame.to_csv(path, float_format="%.6g")


def fit_model(settings, task, train_origins, validation_origins, initial_weights=None):
    """A model fitted on `train_origins` of `task`, early-stopped on `validation_origins` (see `fit_windows`)."""
    train_part, validation_part = (
        (windows(task.features, origins, settings.window), task.targets(origins, settings.horizon))
        for origins in (train_origins, validation_origins)
    )
    scaling_days = task.features[task.first_day : np.max(train_origins) + 1]
    return fit_windows(settings, train_part, validation_part, scaling_days, task.starting_point(train_part[1]),
                       train_part[1].std(), initial_weights)


def fit_windows(settings, train_part, validation_part, scaling_days, target_offset, target_scale,
                initial_weights=None):
    """A model fitted on `(windows, targets)` pairs, early-stopped on the validation pair (data-parallel with
    `settings.distribute`); its input scaling is fitted on the feature rows `scaling_days`.

    Returns `(model on one device, history, seconds per epoch, the weights training started from, devices)`.
    """
    with data_parallel(settings.distribute) as devices:
        model = build_model(settings, scaling_days, target_offset, target_scale)
        initial_weights = runs.start_from(model, initial_weights)
        stop_early = keras.callbacks.EarlyStopping(patience=settings.patience, restore_best_weights=True)
        epoch_times = EpochTimes()
        history = model.fit(
            *trim_to_devices(train_part, devices),
            validation_data=trim_to_devices(validation_part, devices),
            epochs=settings.epochs,
            batch_size=settings.batch_size,
            callbacks=[stop_early, epoch_times],
            verbose=cli.progress_verbosity(),
        )
    return single_device_copy(model, devices), history, epoch_times.seconds, initial_weights, devices
