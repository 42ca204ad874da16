"""Scores of price forecasts on the test period, and the Diebold-Mariano test."""

import numpy as np
from scipy import stats
from sklearn.metrics import mean_absolute_error, mean_absolute_percentage_error, root_mean_squared_error

from demos.common import format_table


def baseline_forecasts(today, horizon, drift):
    """Persistence (the close stays as today's) and drift (it moves by the mean daily log return)."""
    return {"persistence": today, "drift": today * np.exp(horizon * drift)}


def scores(actual, today, forecast):
    """RMSE, MAE and MAPE (%) of a price forecast, and how often it called the direction right."""
    return {
        "rmse": root_mean_squared_error(actual, forecast),
        "mae": mean_absolute_error(actual, forecast),
        "mape": 100 * mean_absolute_percentage_error(actual, forecast),
        "directional_accuracy": float(np.mean(np.sign(forecast - today) == np.sign(actual - today))),
    }


def up_day_share(actual, today):
    """The share of forecasts whose actual close ended above today's: what 'always up' scores."""
    return float(np.mean(actual > today))


def diebold_mariano(errors, reference_errors, horizon=1):
    """Diebold-Mariano test of equal squared-error loss, with the Harvey-Leybourne-Newbold correction.

    The loss differential d_t = errors_t**2 - reference_errors_t**2 has the
    long-run variance gamma_0 + 2 * sum_{k<horizon} gamma_k (autocovariances
    with divisor T; gamma_0 alone if that sum is not positive). The statistic
    mean(d) / sqrt(variance / T) is multiplied by
    sqrt((T + 1 - 2 h + h (h - 1) / T) / T) and compared with Student's t
    with T - 1 degrees of freedom.

    Returns:
        (statistic, two-sided p-value); a negative statistic means `errors`
        are the smaller ones.
    """
    loss_differential = np.square(errors) - np.square(reference_errors)
    count = len(loss_differential)
    centred = loss_differential - loss_differential.mean()
    autocovariances = [np.dot(centred[lag:], centred[: count - lag]) / count for lag in range(horizon)]
    variance = autocovariances[0] + 2 * sum(autocovariances[1:])
    if variance <= 0:
        variance = autocovariances[0]
    if variance == 0:
        return 0.0, 1.0
    statistic = loss_differential.mean() / np.sqrt(variance / count)
    statistic *= np.sqrt((count + 1 - 2 * horizon + horizon * (horizon - 1) / count) / count)
    return float(statistic), float(2 * stats.t.sf(abs(statistic), df=count - 1))


def report(metrics):
    """The scores as a table, and a plain verdict of the model against persistence."""
    rows = [
        [
            f"model ({metrics['layer']} LSTM)",
            *(metrics[key] for key in ("rmse", "mae", "mape", "directional_accuracy")),
        ],
        ["persistence", *(metrics[f"persistence_{key}"] for key in ("rmse", "mae", "mape")), "-"],
        ["drift", *(metrics[f"drift_{key}"] for key in ("rmse", "mae", "mape", "directional_accuracy"))],
    ]
    change = metrics["rmse"] / metrics["persistence_rmse"] - 1
    beats, significant = metrics["beats_persistence"], metrics["significant_at_5_percent"]
    verdict = [
        f"The model {'beats' if beats else 'does not beat'} persistence on RMSE "
        f"({metrics['rmse']:.3f} vs {metrics['persistence_rmse']:.3f}, {change:+.2%}); "
        f"Diebold-Mariano p = {metrics['dm_pvalue']:.3f}: the difference is {'' if significant else 'not '}significant at 5%."
    ]
    if not (beats and significant):
        verdict.append("No forecasting skill beyond 'the close stays as today's' is shown.")
    if metrics["drift_rmse"] < metrics["rmse"]:
        verdict.append(f"The drift baseline does better than the model (RMSE {metrics['drift_rmse']:.3f}).")
    return "\n".join(
        [
            f"{metrics['ticker']}: close {metrics['horizon']} trading day(s) ahead, test period "
            f"{metrics['test_first_day']}..{metrics['test_last_day']} ({metrics['test_days']} forecasts)",
            format_table(rows, ["forecast", "RMSE", "MAE", "MAPE %", "direction right"]),
            f"Up days: {metrics['up_day_share']:.1%} of the test period; a directional accuracy is only worth "
            f"something above that share (always saying 'up' scores it).",
            *verdict,
        ]
    )
