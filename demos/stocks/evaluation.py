"""Scores of price forecasts on the test period, and the Diebold-Mariano test."""

import numpy as np
from scipy import stats
from sklearn.metrics import mean_absolute_error, mean_absolute_percentage_error, root_mean_squared_error

from demos.plots import format_table


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


def score_prices(forecasts, actual, today, horizon):
    """The model's price scores, the baselines' (prefixed), the up-day share and the Diebold-Mariano test."""
    results = dict(scores(actual, today, forecasts["model"]))
    for name in ("persistence", "drift"):
        results.update({f"{name}_{key}": value for key, value in scores(actual, today, forecasts[name]).items()})
    del results["persistence_directional_accuracy"]  # persistence never calls a direction
    statistic, p_value = diebold_mariano(forecasts["model"] - actual, forecasts["persistence"] - actual, horizon)
    results.update(up_day_share=up_day_share(actual, today), dm_statistic=statistic, dm_pvalue=p_value)
    results.update(beats_persistence=results["rmse"] < results["persistence_rmse"],
                   significant_at_5_percent=p_value < 0.05)
    return results


def qlike(actual_log_variance, forecast_log_variance):
    """Mean QLIKE loss on the variance scale: s/f - log(s/f) - 1 (0 for a perfect forecast)."""
    ratio = np.exp(np.asarray(actual_log_variance) - np.asarray(forecast_log_variance))
    return float(np.mean(ratio - np.log(ratio) - 1))


def score_volatility(forecasts, actual, horizon):
    """RMSE of the log variance and QLIKE, for the model and each baseline; Diebold-Mariano of the model
    against each baseline on squared log errors (HAC variance over `horizon` - 1 lags: forecasts overlap)."""
    results = {"rmse": root_mean_squared_error(actual, forecasts["model"]), "qlike": qlike(actual, forecasts["model"])}
    for name, forecast in forecasts.items():
        if name == "model":
            continue
        statistic, p_value = diebold_mariano(forecasts["model"] - actual, forecast - actual, horizon)
        results.update({f"{name}_rmse": root_mean_squared_error(actual, forecast),
                        f"{name}_qlike": qlike(actual, forecast),
                        f"dm_statistic_vs_{name}": statistic, f"dm_pvalue_vs_{name}": p_value})
    return results


def volatility_report(metrics):
    """The volatility scores as a table, and a plain verdict against each baseline."""
    names = [key[: -len("_rmse")] for key in metrics if key.endswith("_rmse")]
    rows = [[f"model ({metrics['layer']} LSTM)", metrics["rmse"], metrics["qlike"], "-", "-"]]
    rows += [[name, metrics[f"{name}_rmse"], metrics[f"{name}_qlike"], metrics[f"dm_statistic_vs_{name}"],
              metrics[f"dm_pvalue_vs_{name}"]] for name in names]
    verdicts = []
    for name in names:
        better = metrics["rmse"] < metrics[f"{name}_rmse"]
        significant = metrics[f"dm_pvalue_vs_{name}"] < 0.05
        verdicts.append(f"against {name}: {'better' if better else 'worse'} on RMSE, "
                        f"{'significant' if significant else 'not significant'} at 5% "
                        f"(p = {metrics[f'dm_pvalue_vs_{name}']:.3f})")
    return "\n".join([
        f"{metrics['ticker']}: log mean daily variance over the next {metrics['horizon']} day(s) "
        f"({metrics['variance_measure']}), test period {metrics['test_first_day']}..{metrics['test_last_day']} "
        f"({metrics['test_days']} forecasts)",
        format_table(rows, ["forecast", "RMSE (log)", "QLIKE", "DM statistic", "DM p"]),
        "A negative DM statistic means the model's squared errors are the smaller ones.",
        *verdicts,
        *portfolio_report(metrics.get("portfolio")),
    ])


def portfolio_report(worth):
    """Lines of the volatility-targeting table (`portfolio.portfolio_scores`), none without one."""
    if not worth:
        return []
    names = ["buy_and_hold", *(name for name in worth if isinstance(worth[name], dict) and name != "buy_and_hold")]
    rows = [[name if name != "model" else "model (LSTM)", 100 * worth[name]["volatility"],
             "-" if worth[name]["rolling_volatility_gap"] is None else 100 * worth[name]["rolling_volatility_gap"],
             worth[name]["sharpe"], worth[name].get("mean_exposure", 1.0)] for name in names]
    return [
        f"Volatility targeting: each day, hold {worth['target_volatility']:.0%} / forecast volatility of the asset "
        f"(at most {worth['max_leverage']:g}x), the rest in cash:",
        format_table(rows, ["portfolio", "volatility %", "rolling gap to target %", "Sharpe", "mean exposure"]),
    ]


def report(metrics):
    """The printed summary of a run's metrics, for its target."""
    return volatility_report(metrics) if metrics.get("target") == "volatility" else price_report(metrics)


def price_report(metrics):
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
