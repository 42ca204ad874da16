"""Several series at once (`--tickers`): one run each, then every forecast pooled in one table.

Pooled errors are on a scale shared by all series: the log variance for the
volatility target, the log price (a relative error) for the price target.
"""

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd

from demos import cli, plots, runs
from demos.stocks.evaluation import diebold_mariano


def parse_tickers(text):
    tickers = list(dict.fromkeys(item.strip() for item in text.split(",") if item.strip()))
    if not tickers:
        raise cli.CLIError(f"--tickers takes comma-separated symbols, e.g. GOOG,EURUSD, got {text!r}")
    return tickers


def run_each(settings, run_one, folder_name):
    """Runs `run_one(settings)` for each ticker of `settings.tickers`, in folders under one run folder.

    Returns the pooled scores, and the folder they were written to.
    """
    from demos.stocks.settings import APP

    tickers = parse_tickers(settings.tickers)
    root = runs.new_run_dir(APP, folder_name, settings.out)
    folders = []
    for ticker in tickers:
        print(f"== {ticker} ==", flush=True)
        run_one(dataclasses.replace(settings, ticker=ticker, tickers=None, out=str(root / ticker)))
        folders.append(root / ticker)
    pooled = pooled_scores(folders, settings.resolved())
    runs.write_json(root / "pooled.json", pooled)
    return pooled, root


def pooled_scores(folders, settings):
    """RMSE of every forecast over the forecasts of all `folders`, and Diebold-Mariano of the model against each."""
    frames = [pd.read_csv(Path(folder) / "forecasts.csv", index_col="date") for folder in folders]
    frame = pd.concat(frames)
    if settings.target == "price":
        frame = np.log(frame)
    errors = frame.drop(columns="actual").sub(frame["actual"], axis=0)
    scores = {"series": [Path(folder).name for folder in folders], "forecasts": len(frame),
              "scale": "log variance" if settings.target == "volatility" else "log price"}
    for name in errors:
        scores[f"{name}_rmse"] = float(np.sqrt(np.mean(errors[name] ** 2)))
        if name != "model":
            _, scores[f"dm_pvalue_vs_{name}"] = diebold_mariano(errors["model"].to_numpy(), errors[name].to_numpy(),
                                                                settings.horizon)
    return scores


def pooled_table(scores):
    names = [key[: -len("_rmse")] for key in scores if key.endswith("_rmse")]
    rows = [[name, scores[f"{name}_rmse"], scores.get(f"dm_pvalue_vs_{name}", "-")] for name in names]
    heading = f"pooled over {', '.join(scores['series'])}: {scores['forecasts']} forecasts, errors in {scores['scale']}"
    return heading + "\n" + plots.format_table(rows, ["forecast", "RMSE", "DM p (model against it)"])
