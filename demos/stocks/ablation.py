"""What each volatility input adds: `train` with every input, then once without each (`ablation`).

Every configuration trains with `repeats` seeds (the settings' seed and the
next ones), since one seed's luck moves a test RMSE by about as much as one
input does. Each row gives the mean and spread of the RMSE over the seeds,
and a Diebold-Mariano test of the seed-averaged forecast against the
seed-averaged forecast with every input. The table reports; it does not
choose: the defaults keep every input whatever it shows, since the test
period is not for choosing.
"""

import dataclasses

import numpy as np
import pandas as pd

from demos import cli, runs
from demos.plots import format_table
from demos.stocks.evaluation import diebold_mariano, qlike
from demos.stocks.settings import APP
from demos.stocks.training import check_settings, train
from demos.stocks.volatility import parse_inputs

EVERY_INPUT = "none"  # the row of the runs that leave nothing out


def ablation(settings, repeats=3):
    """Trains with every input of `settings` and without each one, `repeats` seeds each; writes
    `ablation.json`; returns its data and the folder."""
    check_settings(settings)
    if settings.target != "volatility":
        raise cli.CLIError("ablation leaves out volatility inputs: add --target volatility")
    if repeats < 1:
        raise cli.CLIError(f"--repeats must be at least 1, got {repeats}")
    root = runs.new_run_dir(APP, f"ablation-{settings.layer}", settings.out)
    runs_of = {left_out: configuration_runs(settings, left_out, repeats, root)
               for left_out in [EVERY_INPUT, *parse_inputs(settings.drop_inputs)]}
    reference = runs_of[EVERY_INPUT]
    first = reference["metrics"][0]
    result = {"ticker": first["ticker"], "test_first_day": first["test_first_day"],
              "test_last_day": first["test_last_day"], "horizon": first["horizon"],
              "seeds": [settings.seed + k for k in range(repeats)], "left_out": {}}
    for left_out, row in runs_of.items():
        rmse = [metrics["rmse"] for metrics in row["metrics"]]
        _, p_value = diebold_mariano(row["mean_forecast"] - row["actual"],
                                     reference["mean_forecast"] - reference["actual"], first["horizon"])
        result["left_out"][left_out] = {
            "rmse_mean": float(np.mean(rmse)), "rmse_std": float(np.std(rmse)), "rmse_by_seed": rmse,
            "rmse_change": float(np.mean(rmse) - np.mean([m["rmse"] for m in reference["metrics"]])),
            "qlike_mean": float(np.mean([metrics["qlike"] for metrics in row["metrics"]])),
            "averaged_forecast_rmse": float(np.sqrt(np.mean((row["mean_forecast"] - row["actual"]) ** 2))),
            "averaged_forecast_qlike": qlike(row["actual"], row["mean_forecast"]),
            "dm_pvalue_vs_every_input": p_value if left_out != EVERY_INPUT else None,
        }
    runs.write_json(root / "ablation.json", result)
    return result, root


def configuration_runs(settings, left_out, repeats, root):
    """`repeats` seeded runs without `left_out`: their metrics, and their forecasts averaged over the seeds."""
    dropped = ",".join(name for name in (settings.drop_inputs, left_out) if name and name != EVERY_INPUT)
    metrics, forecasts = [], []
    for k in range(repeats):
        print(f"== without {left_out}, seed {settings.seed + k} ==", flush=True)
        folder = root / left_out / f"seed{settings.seed + k}"
        run = dataclasses.replace(settings, drop_inputs=dropped, seed=settings.seed + k, out=str(folder))
        metrics.append(train(run).metrics)
        forecasts.append(pd.read_csv(folder / "forecasts.csv", index_col="date"))
    return {"metrics": metrics, "actual": forecasts[0]["actual"].to_numpy(),
            "mean_forecast": np.mean([frame["model"].to_numpy() for frame in forecasts], axis=0)}


def ablation_table(result):
    """One row per input left out: RMSE over the seeds, the change against every input, the averaged forecast's
    RMSE and QLIKE, and its DM p-value."""
    rows = [[left_out, f"{row['rmse_mean']:.4f} +- {row['rmse_std']:.4f}", row["rmse_change"],
             row["averaged_forecast_rmse"], row["averaged_forecast_qlike"],
             "-" if row["dm_pvalue_vs_every_input"] is None else row["dm_pvalue_vs_every_input"]]
            for left_out, row in result["left_out"].items()]
    heading = (f"{result['ticker']}, test period {result['test_first_day']}..{result['test_last_day']}, seeds "
               f"{', '.join(map(str, result['seeds']))}: each input left out in turn (a positive change: the input "
               "helps)")
    return heading + "\n" + format_table(rows, ["input left out", "RMSE, mean +- sd", "change", "averaged RMSE",
                                                "averaged QLIKE", "DM p"])
