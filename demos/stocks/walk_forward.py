"""Walk-forward evaluation: refit on an expanding window every `refit_every` days, score every block.

The first test block starts on day `first_test_day`; each model (and each
baseline) is fitted on every forecast whose target falls before its block,
the last `validation_fraction` of them for early stopping, and forecasts the
block. The blocks together cover every day after the first, out of sample.
Blocks are bounded by dates (`block_starts`), so that several series can be
cut into the same blocks (`one_model.py`).
"""

import numpy as np

from demos import cli, plots, runs, startup
from demos.distribution import check_batch
from demos.stocks.data import load_prices
from demos.stocks.features import windows
from demos.stocks.settings import APP
from demos.stocks.tasks import make_task
from demos.stocks.training import check_settings, fit_model, predict, write_forecasts


def block_starts(dates, settings):
    """The first date of each block: day `first_test_day` of `dates`, then every `refit_every` days."""
    return list(dates[settings.first_test_day :: settings.refit_every])


def blocks(task, starts, settings):
    """`(start, fit origins, test origins)` of each block of `task` beginning on a date of `starts`, in time order.

    A block is left out where it holds no forecast of the series, or where
    ten or fewer forecasts of it lie before the block.
    """
    days = len(task.close)
    origins = np.arange(task.first_day + settings.window - 1, days - settings.horizon)
    target_dates = task.prices.frame.index[origins + settings.horizon]
    for start, end in zip(starts, [*starts[1:], None]):
        test = origins[(target_dates >= start) & ((target_dates < end) if end is not None else True)]
        fit = origins[target_dates < start]
        if len(test) and len(fit) > 10:
            yield start, fit, test


def split_fit(fit, settings):
    """(training, validation) origins: the last `validation_fraction` of the fitted forecasts validate."""
    validation_count = max(2, int(round(len(fit) * settings.validation_fraction)))
    return fit[:-validation_count], fit[-validation_count:]


def walk_forward(settings):
    """Runs the walk-forward evaluation; writes `walk_forward.json` and a plot; returns its data and folder."""
    check_settings(settings)
    settings = settings.resolved()
    check_batch(settings.batch_size, settings.distribute)
    startup.set_seed(settings.seed)
    prices = load_prices(settings)
    task = make_task(settings, prices)
    planned = list(blocks(task, block_starts(prices.frame.index, settings), settings))
    if not planned:
        raise cli.CLIError(f"{len(task.close)} days leave no test block after --first-test-day "
                              f"{settings.first_test_day}")
    run_dir = runs.new_run_dir(APP, f"walkforward-{settings.layer}", settings.out)
    record = BlockRecord(task, settings)
    for _, fit, test in planned:
        model, history, _, _, devices = fit_model(settings, task, *split_fit(fit, settings))
        outputs = predict(model, windows(task.features, test, settings.window))
        record.add(task.forecasts(outputs, test, settings.horizon, fit), test, len(history.epoch))
    runs.write_settings(run_dir, settings, devices)
    return record.save(run_dir, devices), run_dir


class BlockRecord:
    """The forecasts of one series, block after block; `save` scores them all and writes the run's files."""

    def __init__(self, task, settings):
        self.task, self.settings = task, settings
        self.parts, self.forecasts, self.origins = [], [], []

    def add(self, forecasts, test, epochs):
        """Scores one block's forecasts (name -> values over the `test` origins) and keeps them."""
        dates = self.task.prices.frame.index[test + self.settings.horizon]
        self.parts.append({"first_day": str(dates[0].date()), "last_day": str(dates[-1].date()),
                           "forecasts": len(test), "epochs": epochs,
                           **self.task.score(forecasts, test, self.settings.horizon)})
        print(f"{self.task.prices.ticker} block {self.parts[-1]['first_day']}..{self.parts[-1]['last_day']}: "
              f"{len(test)} forecasts, model RMSE {self.parts[-1]['rmse']:.4g}", flush=True)
        self.forecasts.append(forecasts)
        self.origins.append(test)

    def save(self, run_dir, devices):
        """Writes `walk_forward.json`, `forecasts.csv` and `forecast.png` into `run_dir`; returns the JSON's data."""
        run_dir.mkdir(parents=True, exist_ok=True)
        task, settings, prices = self.task, self.settings, self.task.prices
        origins = np.concatenate(self.origins)
        forecasts = {name: np.concatenate([f[name] for f in self.forecasts]) for name in self.forecasts[0]}
        run = {"app": APP, "layer": settings.layer, "target": settings.target, "devices": devices,
               "ticker": prices.ticker, "source": prices.source, "horizon": settings.horizon,
               "refit_every": settings.refit_every}
        overall = {**run, "test_first_day": self.parts[0]["first_day"], "test_last_day": self.parts[-1]["last_day"],
                   "test_days": len(origins), **task.score(forecasts, origins, settings.horizon)}
        result = {**run, "blocks": self.parts, "overall": overall}  # `overall` reads like a `train` run's metrics
        runs.write_json(run_dir / "walk_forward.json", result)
        dates = prices.frame.index[origins + settings.horizon]
        actual = task.actual(origins, settings.horizon)
        write_forecasts(run_dir / "forecasts.csv", dates, actual, forecasts)
        task.plot(dates, actual, forecasts, run_dir / "forecast.png", f"{prices.ticker}: {task.name} "
                  f"{settings.horizon} day(s) ahead, walk-forward, refit every {settings.refit_every} days")
        return result


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
