"""What a volatility forecast is worth: a portfolio that aims at 10% volatility a year.

On each forecast day t the portfolio holds `TARGET_VOLATILITY / forecast
volatility` of the asset (at most `MAX_LEVERAGE` times its value, the rest
in cash at no interest) from the close of day t to the close of day t + 1:
exposure is cut when volatility is forecast high. A good forecast keeps the
portfolio's realised volatility near the target in calm and storm alike.

The forecasts are of the day's range (Garman-Klass) or intraday variance,
which miss the overnight gap; they are put on the close-to-close scale by the
ratio of the summed squared close-to-close returns to the summed daily
variances over every day up to day t (known on day t).
"""

import numpy as np
import pandas as pd

TARGET_VOLATILITY = 0.10  # a year
MAX_LEVERAGE = 2.0
DAYS_A_YEAR = 252
ROLLING_DAYS = 63  # a quarter: the window of the rolling realised volatility compared with the target


def close_to_close_ratio(variance, close):
    """For each day: summed squared close-to-close log returns over summed daily variances, up to that day."""
    returns = np.diff(np.log(np.asarray(close, dtype="float64")), prepend=np.nan)
    returns[0] = 0.0
    variance = np.asarray(variance, dtype="float64").copy()
    variance[0] = 0.0  # day 0 has no return to set beside its variance
    return np.cumsum(returns**2) / np.maximum(np.cumsum(variance), 1e-300)


def exposures(forecast_log_variance, ratio):
    """The share of the portfolio in the asset for the next day, from a daily log variance forecast."""
    daily_volatility = np.sqrt(np.exp(np.asarray(forecast_log_variance, dtype="float64")) * ratio)
    return np.minimum(TARGET_VOLATILITY / np.sqrt(DAYS_A_YEAR) / daily_volatility, MAX_LEVERAGE)


def performance(daily_returns):
    """Annualised realised volatility, Sharpe ratio (no risk-free rate), the rolling volatility's RMS gap to the
    target, and the total return."""
    returns = pd.Series(np.asarray(daily_returns, dtype="float64"))
    rolling = returns.rolling(ROLLING_DAYS).std().dropna() * np.sqrt(DAYS_A_YEAR)
    return {
        "volatility": float(returns.std() * np.sqrt(DAYS_A_YEAR)),
        "sharpe": float(returns.mean() / returns.std() * np.sqrt(DAYS_A_YEAR)),
        "rolling_volatility_gap": float(np.sqrt(np.mean((rolling - TARGET_VOLATILITY) ** 2))) if len(rolling) else None,
        "total_return": float(np.prod(1 + returns) - 1),
    }


def portfolio_scores(forecasts, variance, close, origins):
    """Each forecast's volatility-targeting portfolio over the days after `origins`, and buy-and-hold.

    `origins` must be consecutive days (a test period): the portfolio is
    rebalanced on each and held to the next close.
    """
    origins = np.asarray(origins)
    close = np.asarray(close, dtype="float64")
    asset = close[origins + 1] / close[origins] - 1
    ratio = close_to_close_ratio(variance, close)[origins]
    scores = {"target_volatility": TARGET_VOLATILITY, "max_leverage": MAX_LEVERAGE,
              "buy_and_hold": performance(asset)}
    for name, forecast in forecasts.items():
        held = exposures(forecast, ratio)
        scores[name] = {**performance(held * asset), "mean_exposure": float(np.mean(held))}
    return scores
