"""What each volatility input adds: `train` with every input, then once without each (`ablation`).

Every run has the same settings and seed but for the input left out; each is
scored on the same test period, and its squared errors are set against the
run with every input by a Diebold-Mariano test. The table reports; it does
not choose: the defaults keep every input whatever it shows, since the test
period is not for choosing.
"""

import dataclasses

import pandas as pd

from demos import cli, runs
from demos.plots import format_table
from demos.stocks.evaluation import diebold_mariano
from demos.stocks.settings import APP
from demos.stocks.training import check_settings, train
from demos.stocks.volatility import parse_inputs

EVERY_INPUT = "none"  # the row of the run that leaves nothing out


def ablation(settings):
    """Trains with every input of `settings` and without each one; writes `ablation.json`; returns its data."""
    check_settings(settings)
    if settings.target != "volatility":
        raise cli.CLIError("ablation leaves out volatility inputs: add --target volatility")
    root = runs.new_run_dir(APP, f"ablation-{settings.layer}", settings.out)
    rows = {}
    for left_out in [EVERY_INPUT, *parse_inputs(settings.drop_inputs)]:
        print(f"== without {left_out} ==", flush=True)
        dropped = ",".join(name for name in (settings.drop_inputs, left_out) if name and name != EVERY_INPUT)
        metrics = train(dataclasses.replace(settings, drop_inputs=dropped, out=str(root / left_out))).metrics
        errors = pd.read_csv(root / left_out / "forecasts.csv", index_col="date")
        rows[left_out] = {"rmse": metrics["rmse"], "qlike": metrics["qlike"],
                          "errors": (errors["model"] - errors["actual"]).to_numpy()}
    reference = rows[EVERY_INPUT]
    result = {"ticker": metrics["ticker"], "test_first_day": metrics["test_first_day"],
              "test_last_day": metrics["test_last_day"], "horizon": metrics["horizon"], "left_out": {}}
    for left_out, row in rows.items():
        _, p_value = diebold_mariano(row["errors"], reference["errors"], metrics["horizon"])
        result["left_out"][left_out] = {"rmse": row["rmse"], "qlike": row["qlike"],
                                        "rmse_change": row["rmse"] - reference["rmse"],
                                        "dm_pvalue_vs_every_input": p_value if left_out != EVERY_INPUT else None}
    runs.write_json(root / "ablation.json", result)
    return result, root


def ablation_table(result):
    """One row per input left out: RMSE, QLIKE, the RMSE change against every input, and its DM p-value."""
    rows = [[left_out, row["rmse"], row["qlike"], row["rmse_change"],
             "-" if row["dm_pvalue_vs_every_input"] is None else row["dm_pvalue_vs_every_input"]]
            for left_out, row in result["left_out"].items()]
    heading = (f"{result['ticker']}, test period {result['test_first_day']}..{result['test_last_day']}: each input "
               "left out in turn (a positive change: the input helps)")
    return heading + "\n" + format_table(rows, ["input left out", "RMSE (log)", "QLIKE", "RMSE change", "DM p"])
