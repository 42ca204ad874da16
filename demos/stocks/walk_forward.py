"""Walk-forward evaluation: refit on an expanding window every `refit_every` days, score every block.

The first test block starts on day `first_test_day`; each model (and each
baseline) is fitted on every forecast whose target falls before its block,
the last `validation_fraction` of them for early stopping, and forecasts the
block. The blocks together cover every day after the first, out of sample.
"""

import numpy as np

from demos import cli, plots, runs, startup
from demos.distribution import check_batch
from demos.stocks.data import load_prices
from demos.stocks.features import windows
from demos.stocks.settings import APP
from demos.stocks.tasks import TASKS
from demos.stocks.training import check_settings, fit_model, predict, write_forecasts


def blocks(task, settings):
    """`(fit origins, test origins)` of each block, in time order."""
    days = len(task.close)
    origins = np.arange(task.first_day + settings.window - 1, days - settings.horizon)
    target_days = origins + settings.horizon
    for start in range(settings.first_test_day, days, settings.refit_every):
        test = origins[(target_days >= start) & (target_days < start + settings.refit_every)]
        fit = origins[target_days < start]
        if len(test) and len(fit) > 10:
            yield fit, test


def walk_forward(settings):
    """Runs the walk-forward evaluation; writes `walk_forward.json` and a plot; returns its data and folder."""
    check_settings(settings)
    settings = settings.resolved()
    check_batch(settings.batch_size, settings.distribute)
    startup.set_seed(settings.seed)
    prices = load_prices(settings)
    task = TASKS[settings.target](prices)
    planned = list(blocks(task, settings))
    if not planned:
        raise cli.CLIError(f"{len(task.close)} days leave no test block after --first-test-day "
                              f"{settings.first_test_day}")
    run_dir = runs.new_run_dir(APP, f"walkforward-{settings.layer}", settings.out)
    parts, all_forecasts, all_origins = [], [], []
    for fit, test in planned:
        validation_count = max(2, int(round(len(fit) * settings.validation_fraction)))
        model, history, _, _, devices = fit_model(settings, task, fit[:-validation_count], fit[-validation_count:])
        outputs = predict(model, windows(task.features, test, settings.window))
        forecasts = task.forecasts(outputs, test, settings.horizon, fit)
        dates = prices.frame.index[test + settings.horizon]
        parts.append({"first_day": str(dates[0].date()), "last_day": str(dates[-1].date()), "forecasts": len(test),
                      "epochs": len(history.epoch), **task.score(forecasts, test, settings.horizon)})
        print(f"block {parts[-1]['first_day']}..{parts[-1]['last_day']}: {len(test)} forecasts, "
              f"model RMSE {parts[-1]['rmse']:.4g}", flush=True)
        all_forecasts.append(forecasts)
        all_origins.append(test)
    runs.write_settings(run_dir, settings, devices)
    origins = np.concatenate(all_origins)
    forecasts = {name: np.concatenate([f[name] for f in all_forecasts]) for name in all_forecasts[0]}
    run = {"app": APP, "layer": settings.layer, "target": settings.target, "devices": devices, "ticker": prices.ticker,
           "source": prices.source, "horizon": settings.horizon, "refit_every": settings.refit_every}
    overall = {**run, "test_first_day": parts[0]["first_day"], "test_last_day": parts[-1]["last_day"],
               "test_days": len(origins), **task.score(forecasts, origins, settings.horizon)}
    result = {**run, "blocks": parts, "overall": overall}  # `overall` reads like a `train` run's metrics
    runs.write_json(run_dir / "walk_forward.json", result)
    dates = prices.frame.index[origins + settings.horizon]
    actual = task.actual(origins, settings.horizon)
    write_forecasts(run_dir / "forecasts.csv", dates, actual, forecasts)
    task.plot(dates, actual, forecasts, run_dir / "forecast.png", f"{prices.ticker}: {task.name} {settings.horizon} "
              f"day(s) ahead, walk-forward, refit every {settings.refit_every} days")
    return result, run_dir


def block_table(result):
    """One row per block and one overall: the RMSE of the model and of each baseline."""
    names = [key[: -len("_rmse")] for key in result["overall"] if key.endswith("_rmse")]
    rows = [[f"{part['first_day']}..{part['last_day']}", part["forecasts"], part["rmse"],
             *(part[f"{name}_rmse"] for name in names)] for part in result["blocks"]]
    overall = result["overall"]
    rows.append(["overall", sum(part["forecasts"] for part in result["blocks"]), overall["rmse"],
                 *(overall[f"{name}_rmse"] for name in names)])
    unit = "RMSE (log variance)" if result["target"] == "volatility" else "RMSE (price)"
    return plots.format_table(rows, ["block", "forecasts", f"model {unit}", *names])
