"""What a run forecasts: the close (`--target price`) or the coming volatility (`--target volatility`).

A task holds one series' features and targets, turns the model's outputs and
the baselines into forecasts on one scale, and scores them. `train`, the
walk-forward evaluation and `explain` work through it alone.
"""

import numpy as np

from demos.stocks import baselines, evaluation, features, plots, portfolio, volatility


class PriceTask:
    """The log return of the close `horizon` days ahead, judged as a price against persistence and drift."""

    name = "price"
    first_day = features.FIRST_COMPLETE_DAY

    def __init__(self, prices):
        self.prices = prices
        self.close = prices.frame["Close"].to_numpy(dtype="float64")
        self.features = features.daily_features(self.close)
        self.header_series = ("close", self.close)  # drawn above a gate trace

    def targets(self, origins, horizon):
        return features.targets(self.close, origins, horizon)

    def starting_point(self, train_targets):
        """What the untrained model forecasts: no change (persistence)."""
        return 0.0

    def model_forecast(self, model_outputs, origins):
        """The closes a model's outputs (log returns) forecast."""
        return self.close[origins] * np.exp(model_outputs)

    def forecasts(self, model_outputs, origins, horizon, fit_origins):
        """Closes `horizon` days after each origin: the model's and the baselines'."""
        today = self.close[origins]
        drift = float(np.mean(np.diff(np.log(self.close[: np.max(fit_origins) + 1]))))
        return {"model": self.model_forecast(model_outputs, origins),
                **evaluation.baseline_forecasts(today, horizon, drift)}

    def actual(self, origins, horizon):
        return self.close[np.asarray(origins) + horizon]

    def score(self, forecasts, origins, horizon):
        return evaluation.score_prices(forecasts, self.actual(origins, horizon), self.close[origins], horizon)

    def plot(self, dates, actual, forecasts, path, title):
        """Actual closes against the model's and persistence's."""
        plots.plot_test_period(dates, actual, {name: forecasts[name] for name in ("model", "persistence")}, path,
                               title)


class VolatilityTask:
    """log(mean daily variance over the next `horizon` days), against persistence, EWMA, HAR and GARCH."""

    name = "volatility"
    first_day = volatility.FIRST_COMPLETE_DAY

    def __init__(self, prices, inputs=None):
        self.prices = prices
        self.close = prices.frame["Close"].to_numpy(dtype="float64")
        self.variance = volatility.daily_variance(prices)
        self.features = volatility.volatility_features(self.variance, prices, inputs)  # inputs None: all of them
        self.header_series = ("log daily variance", np.log(self.variance))
        self.measure = "realised variance of intraday returns" if prices.realized_variance is not None else (
            "Garman-Klass range variance")

    def targets(self, origins, horizon):
        """What the model learns: the target's departure from the last month's level (persistence)."""
        return (self.actual(origins, horizon) - self.level(origins)).astype("float32")

    def level(self, origins):
        """log of the last month's mean variance: persistence's forecast, the model's starting point."""
        return baselines.persistence(self.variance, origins)

    def starting_point(self, train_targets):
        """What the untrained model forecasts: the training mean of the departures."""
        return float(np.mean(train_targets))

    def model_forecast(self, model_outputs, origins):
        """The log variances a model's outputs (departures from the last month's level) forecast."""
        return np.asarray(model_outputs, dtype="float64") + self.level(origins)

    def forecasts(self, model_outputs, origins, horizon, fit_origins):
        """Log variance forecasts: the model's and the baselines' (fitted on `fit_origins`)."""
        fitted = baselines.forecasts(self.variance, self.close, origins, horizon, fit_origins,
                                     self.actual(fit_origins, horizon))
        return {"model": self.model_forecast(model_outputs, origins), **fitted}

    def actual(self, origins, horizon):
        return volatility.volatility_targets(self.variance, origins, horizon).astype("float64")

    def score(self, forecasts, origins, horizon):
        scores = evaluation.score_volatility(forecasts, self.actual(origins, horizon), horizon)
        worth = portfolio.portfolio_scores(forecasts, self.variance, self.close, origins)
        return {**scores, "variance_measure": self.measure, "portfolio": worth}

    def plot(self, dates, actual, forecasts, path, title):
        """Realised volatility against the LSTM's and every baseline's."""
        plots.plot_volatility(dates, actual, forecasts, path, title)


def make_task(settings, prices):
    """The task `settings.target` names, on `prices` (volatility: without the inputs of `--drop-inputs`)."""
    if settings.target == "volatility":
        return VolatilityTask(prices, volatility.parse_inputs(settings.drop_inputs))
    return PriceTask(prices)
