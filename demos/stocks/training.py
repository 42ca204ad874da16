"""`train(settings)`: fit the forecaster, score it and the baselines on the test period, save the run."""

import keras
import numpy as np

from demos import common
from demos.callbacks import EpochTimes
from demos.stocks.data import load_prices
from demos.stocks.evaluation import baseline_forecasts, diebold_mariano, scores, up_day_share
from demos.stocks.features import FIRST_COMPLETE_DAY, daily_features, split_days, targets, windows
from demos.stocks.model import build_model
from demos.stocks.plots import plot_test_period
from demos.stocks.settings import APP

SAMPLE_COUNT = 8  # held-out windows returned for comparing two models


def train(settings, initial_weights=None):
    """Trains on the chronological training part and scores the test period; see `common.TrainResult`."""
    common.set_seed(settings.seed)
    prices = load_prices(settings)
    close = prices.frame["Close"].to_numpy()
    split = split_days(
        len(close), settings.window, settings.horizon, settings.test_fraction, settings.validation_fraction
    )
    features = daily_features(close)
    train_part, validation_part = (
        (windows(features, origins, settings.window), targets(close, origins, settings.horizon))
        for origins in (split.train, split.validation)
    )
    model = build_model(settings, features[FIRST_COMPLETE_DAY : split.validation_start], train_part[1].std())
    initial_weights = common.start_from(model, initial_weights)
    run_dir = common.new_run_dir(APP, settings.layer, settings.out)
    history, seconds = fit(model, settings, train_part, validation_part)
    common.save_model(model, run_dir / common.MODEL_FILE)
    common.write_settings(run_dir, settings)

    x_test = windows(features, split.test, settings.window)
    today, actual = close[split.test], close[split.test + settings.horizon]
    drift = float(np.mean(np.diff(np.log(close[: split.test_start]))))
    forecasts = {
        "model": today * np.exp(model.predict(x_test, verbose=0)[:, 0]),
        **baseline_forecasts(today, settings.horizon, drift),
    }
    dates = prices.frame.index[split.test + settings.horizon]
    metrics = {
        "app": APP,
        "layer": settings.layer,
        "ticker": prices.ticker,
        "source": prices.source,
        "test_days": len(split.test),
        "test_first_day": str(dates[0].date()),
        "test_last_day": str(dates[-1].date()),
        "window": settings.window,
        "horizon": settings.horizon,
        **score_test_period(forecasts, actual, today, settings.horizon),
        "drift_per_day": drift,
        "epochs": len(history.epoch),
        "train_seconds": sum(seconds),
        "epoch_seconds": seconds,
        "history": common.history_dict(history),
    }
    common.write_json(run_dir / "metrics.json", metrics)
    common.plot_history(metrics["history"], run_dir / "history.png", title=f"stocks, {settings.layer} LSTM")
    plot_test_period(
        dates,
        actual,
        {name: forecasts[name] for name in ("model", "persistence")},
        run_dir / "forecast.png",
        f"{prices.ticker}: close {settings.horizon} day(s) ahead",
    )
    return common.TrainResult(metrics, model, initial_weights, x_test[:SAMPLE_COUNT], run_dir)


def fit(model, settings, train_part, validation_part):
    """Adam on the MSE, early stopping on the validation loss; returns the history and each epoch's seconds."""
    model.compile(optimizer=keras.optimizers.Adam(settings.learning_rate), loss="mse")
    stop_early = keras.callbacks.EarlyStopping(patience=settings.patience, restore_best_weights=True)
    epoch_times = EpochTimes()
    history = model.fit(
        *train_part,
        validation_data=validation_part,
        epochs=settings.epochs,
        batch_size=settings.batch_size,
        callbacks=[stop_early, epoch_times],
        verbose=common.progress_verbosity(),
    )
    return history, epoch_times.seconds


def score_test_period(forecasts, actual, today, horizon):
    """The model's scores, the baselines' (prefixed), the up-day share and the Diebold-Mariano test."""
    results = dict(scores(actual, today, forecasts["model"]))
    for name in ("persistence", "drift"):
        results.update(
            {f"{name}_{key}": value for key, value in scores(actual, today, forecasts[name]).items()}
        )
    del results["persistence_directional_accuracy"]  # persistence never calls a direction
    statistic, p_value = diebold_mariano(
        forecasts["model"] - actual, forecasts["persistence"] - actual, horizon
    )
    results.update(up_day_share=up_day_share(actual, today), dm_statistic=statistic, dm_pvalue=p_value)
    results.update(
        beats_persistence=results["rmse"] < results["persistence_rmse"],
        significant_at_5_percent=p_value < 0.05,
    )
    return results
