"""One model for several series (`walk-forward --tickers A,B,C --one-model`), against one model each.

Every series is cut into the same blocks by date: those of the longest
series (`walk_forward.block_starts`). In each block:

- one model per series, fitted on that series' forecasts before the block,
  as `walk_forward` fits it (`own_model`);
- one model for all the series (`model`), fitted on every series' forecasts
  before the block; each series' inputs and targets are standardised by the
  mean and standard deviation of its own training days, so that no series'
  scale dominates and nothing of a test period is used, and its forecasts are
  put back on each series' scale;
- each series' baselines, and HAR fitted on every series' training origins
  at once (`har_pooled`).

Each series' scores set the one model against its own model and every
baseline, with Diebold-Mariano tests; the errors of all series are pooled in
one table as well (`pooled.pooled_scores`).
"""

import dataclasses
from typing import NamedTuple

import numpy as np

from demos import cli, runs, startup
from demos.stocks import baselines
from demos.stocks.data import load_prices
from demos.stocks.features import windows
from demos.stocks.pooled import parse_tickers, pooled_scores
from demos.stocks.settings import APP
from demos.stocks.tasks import make_task
from demos.stocks.training import check_settings, fit_model, fit_windows, predict
from demos.stocks.walk_forward import BlockRecord, block_starts, blocks, split_fit


class Scaling(NamedTuple):
    """A series' standardisation, from its training days: features (per column) and targets."""

    feature_mean: np.ndarray
    feature_std: np.ndarray
    target_mean: float
    target_std: float

    def features(self, task):
        return (task.features - self.feature_mean) / self.feature_std


def scaling_of(task, train_origins, horizon):
    """The `Scaling` of `task` fitted on the feature rows and the targets of its training origins."""
    rows = task.features[task.first_day : np.max(train_origins) + 1]
    targets = task.targets(train_origins, horizon)
    return Scaling(np.nanmean(rows, axis=0), np.maximum(np.nanstd(rows, axis=0), 1e-8), float(np.mean(targets)),
                   float(max(np.std(targets), 1e-8)))


def fit_together(settings, members):
    """One model fitted on every `(task, fit origins)` of `members`, each standardised by its own `Scaling`.

    Returns `(model, scalings, epochs)`.
    """
    scalings, parts, scaled_rows = [], {"train": ([], []), "validation": ([], [])}, []
    for task, fit in members:
        train, validation = split_fit(fit, settings)
        scaling = scaling_of(task, train, settings.horizon)
        scaled = scaling.features(task)
        for name, origins in (("train", train), ("validation", validation)):
            parts[name][0].append(windows(scaled, origins, settings.window))
            parts[name][1].append((task.targets(origins, settings.horizon) - scaling.target_mean)
                                  / scaling.target_std)
        scaled_rows.append(scaled[task.first_day : np.max(train) + 1])
        scalings.append(scaling)
    train_part, validation_part = ((np.concatenate(x).astype("float32"), np.concatenate(y).astype("float32"))
                                   for x, y in parts.values())
    model, history, *_ = fit_windows(settings, train_part, validation_part, np.concatenate(scaled_rows), 0.0, 1.0)
    return model, scalings, len(history.epoch)


def walk_forward_together(settings):
    """The one-model walk-forward of `settings.tickers`; writes a folder per series and `walk_forward.json`.

    Returns `(the JSON's data, run folder)`.
    """
    check_settings(settings)
    settings = settings.resolved()
    if settings.target != "volatility":
        raise cli.CLIError("--one-model forecasts volatility: add --target volatility")
    startup.set_seed(settings.seed)
    tasks = []
    for ticker in parse_tickers(settings.tickers):
        one = dataclasses.replace(settings, ticker=ticker, tickers=None)
        tasks.append(make_task(one, load_prices(one)))
    starts = block_starts(max((task.prices.frame.index for task in tasks), key=len), settings)
    planned = [{start: (fit, test) for start, fit, test in blocks(task, starts, settings)} for task in tasks]
    root = runs.new_run_dir(APP, f"walkforward-one-model-{settings.layer}", settings.out)
    records = [BlockRecord(task, settings) for task in tasks]
    for start in starts:
        members = [(task, *plan[start], record) for task, plan, record in zip(tasks, planned, records, strict=True)
                   if start in plan]
        if members:
            forecast_block(settings, members)
    results = {task.prices.ticker: record.save(root / task.prices.ticker, 1)["overall"]
               for task, record in zip(tasks, records, strict=True) if record.parts}
    if not results:
        raise cli.CLIError("no series has a test block after --first-test-day")
    runs.write_settings(root, settings)
    pooled = pooled_scores([root / ticker for ticker in results], settings)
    result = {"app": APP, "layer": settings.layer, "target": settings.target, "series": results, "pooled": pooled}
    runs.write_json(root / "walk_forward.json", result)
    return result, root


def forecast_block(settings, members):
    """Fits the one model, each series' own model and the pooled HAR on `(task, fit, test, record)` members, and
    adds each series' test forecasts to its `walk_forward.BlockRecord`."""
    model, scalings, epochs = fit_together(settings, [(task, fit) for task, fit, *_ in members])
    pooled_har = baselines.har_coefficients([task.variance for task, *_ in members], [fit for _, fit, *_ in members],
                                            [task.actual(fit, settings.horizon) for task, fit, *_ in members])
    for (task, fit, test, record), scaling in zip(members, scalings, strict=True):
        outputs = predict(model, windows(scaling.features(task).astype("float32"), test, settings.window))
        forecasts = task.forecasts(outputs * scaling.target_std + scaling.target_mean, test, settings.horizon, fit)
        own, *_ = fit_model(settings, task, *split_fit(fit, settings))
        forecasts["own_model"] = task.model_forecast(predict(own, windows(task.features, test, settings.window)), test)
        forecasts["har_pooled"] = baselines.har_regressors(task.variance, test) @ pooled_har
        record.add(forecasts, test, epochs)


def comparison_table(result):
    """One row per series and one pooled: the one model's RMSE against its own model's and HAR's, DM p-values."""
    from demos.plots import format_table

    rows = []
    for ticker, overall in result["series"].items():
        rows.append([ticker, overall["test_days"], overall["rmse"], overall["own_model_rmse"],
                     overall["dm_pvalue_vs_own_model"], overall["har_rmse"], overall["dm_pvalue_vs_har"],
                     overall["har_pooled_rmse"]])
    pooled = result["pooled"]
    rows.append(["pooled", pooled["forecasts"], pooled["model_rmse"], pooled["own_model_rmse"],
                 pooled["dm_pvalue_vs_own_model"], pooled["har_rmse"], pooled["dm_pvalue_vs_har"],
                 pooled["har_pooled_rmse"]])
    return format_table(rows, ["series", "forecasts", "one model RMSE", "own model RMSE", "DM p", "HAR RMSE",
                               "DM p vs HAR", "pooled HAR RMSE"])
