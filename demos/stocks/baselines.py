"""The field's volatility forecasts, each fitted on the training part only.

Each returns, for every origin day t, its forecast of the target
log(mean(v_{t+1} .. v_{t+horizon})):

- persistence: the mean variance of the last month (22 days);
- EWMA (RiskMetrics): s_t = 0.94 s_{t-1} + 0.06 v_t, a flat forecast;
- HAR (Corsi 2009): ordinary least squares of the target on the logs of the
  daily, weekly (5-day) and monthly (22-day) mean variances, on the training
  origins;
- GARCH(1,1) from the `arch` package, on daily close-to-close returns, its
  parameters fitted on the training days; its variance (close to close)
  measures another thing than the target (the day's range), so its level is
  shifted by the mean log gap between the two on the training origins;
- GJR-GARCH(1,1,1) (Glosten, Jagannathan and Runkle 1993), the same with a
  term for negative returns only: falls raise the variance more than rises;
- pooled HAR (with several series learnt by one model): HAR's regression
  fitted on every series' training origins at once (`pooled_har`).
"""

import numpy as np

from demos.stocks.volatility import mean_before

EWMA_DECAY = 0.94  # RiskMetrics' daily lambda


def persistence(variance, origins):
    return np.log(mean_before(variance, 22)[origins])


def ewma(variance, origins, decay=EWMA_DECAY):
    smoothed = np.empty_like(variance)
    smoothed[0] = variance[0]
    for day in range(1, len(variance)):
        smoothed[day] = decay * smoothed[day - 1] + (1 - decay) * variance[day]
    return np.log(smoothed[origins])


def har_regressors(variance, origins):
    """Intercept and the logs of the daily, weekly and monthly mean variances, `(len(origins), 4)`."""
    columns = [np.log(variance), np.log(mean_before(variance, 5)), np.log(mean_before(variance, 22))]
    return np.column_stack([np.ones(len(origins)), *(column[origins] for column in columns)])


def har(variance, origins, train_origins, train_targets):
    return har_regressors(variance, origins) @ har_coefficients([variance], [train_origins], [train_targets])


def har_coefficients(variances, train_origins, train_targets):
    """HAR's least-squares coefficients over one or several series: lists of variances, origins and targets."""
    regressors = np.concatenate([har_regressors(v, o) for v, o in zip(variances, train_origins, strict=True)])
    coefficients, *_ = np.linalg.lstsq(regressors, np.concatenate(train_targets), rcond=None)
    return coefficients


def garch(close, origins, horizon, train_origins, train_targets, asymmetric=False):
    """GARCH(1,1) (GJR-GARCH(1,1,1) if `asymmetric`) forecasts of the mean variance over the next `horizon` days,
    level-matched on training."""
    from arch import arch_model

    returns = 100 * np.diff(np.log(np.asarray(close, dtype="float64")))  # returns[k]: day k to day k + 1
    last_train_day = int(np.max(train_origins))
    model = arch_model(returns, mean="Constant", vol="GARCH", p=1, o=int(asymmetric), q=1, dist="normal",
                       rescale=False)
    fitted = model.fit(last_obs=last_train_day, disp="off")
    first = int(min(np.min(origins), np.min(train_origins)))
    # Row k forecasts the variance of returns[k + 1 ..], that is of days k + 1 to k + 1 + horizon: origin day k.
    variance = fitted.forecast(horizon=horizon, start=first - 1, reindex=True).variance.to_numpy()
    log_forecast = np.log(variance.mean(axis=1) / 1e4)
    shift = np.mean(train_targets - log_forecast[train_origins - 1])
    return log_forecast[np.asarray(origins) - 1] + shift


def forecasts(variance, close, origins, horizon, train_origins, train_targets):
    """Every baseline's forecasts for `origins`: name -> log variance."""
    return {
        "persistence": persistence(variance, origins),
        "ewma": ewma(variance, origins),
        "har": har(variance, origins, train_origins, train_targets),
        "garch": garch(close, origins, horizon, train_origins, train_targets),
        "gjr_garch": garch(close, origins, horizon, train_origins, train_targets, asymmetric=True),
    }
