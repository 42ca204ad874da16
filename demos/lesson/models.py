"""The three trained demo models the lesson looks into, and the score each is judged by."""

import dataclasses
import json
from pathlib import Path

from demos import cli, runs
from demos.apps import APPS
from demos.lesson.settings import DEMO_OVERRIDES

EXPLICIT_OR_BUILTIN = ("custom", "builtin")  # runs whose layers `explicit_clone` turns into ExplicitLSTM


@dataclasses.dataclass
class Demo:
    """A trained demo model (its LSTMs explicit), its settings, and its held-out score."""

    app: str
    model: object  # keras.Model whose LSTM layers are ExplicitLSTM
    settings: object  # the demo's Settings
    run_dir: Path  # the run folder the model came from
    trained_here: bool  # True if the lesson trained it (no run was found)
    metric: str  # what `score` measures, e.g. "test accuracy"
    score: object  # model -> float, on the demo's held-out data
    higher_is_better: bool


def usable_run(run_dir, app):
    """True for a finished run of `app` with the explicit or built-in LSTM (and, for stocks, the price target)."""
    try:
        settings = json.loads((run_dir / "settings.json").read_text())
    except (OSError, ValueError):
        return False
    if not (run_dir / cli.MODEL_FILE).is_file() or settings.get("layer") not in EXPLICIT_OR_BUILTIN:
        return False
    return app != "stocks" or (settings.get("target", "price") == "price" and not settings.get("tickers"))


def latest_run(runs_root, app):
    """The newest usable run folder under `<runs_root>/<app>/`, or None."""
    folders = [path for path in (Path(runs_root) / app).glob("*") if path.is_dir() and usable_run(path, app)]
    return max(folders, key=lambda path: (path / cli.MODEL_FILE).stat().st_mtime, default=None)


def demo_model(app, lesson, out_dir):
    """The latest run of `app` under `lesson.runs`, or one trained now into `out_dir/models/<app>`."""
    from custom_layers import explicit_clone

    parts = APPS[app].parts()  # imports the app, whose model module registers its layers and losses for loading
    settings_class = parts.Settings
    run_dir = latest_run(lesson.runs, app)
    if run_dir is not None:
        run = runs.load_run(app, settings_class, str(run_dir))
        model, settings, trained_here = run.model, run.settings, False
    else:
        print(f"lesson: no {app} run in {Path(lesson.runs) / app}: training one", flush=True)
        overrides = {**(parts.QUICK_SETTINGS if lesson.quick else {}), **DEMO_OVERRIDES.get(app, {})}
        settings = settings_class(seed=lesson.seed, out=str(out_dir / "models" / app), **overrides)
        result = parts.train(settings)
        model, run_dir, trained_here = result.model, result.run_dir, True
        settings = runs.read_settings(run_dir, settings_class)
    metric, score, higher = SCORERS[app](settings, run_dir)
    return Demo(app, explicit_clone(model), settings, Path(run_dir), trained_here, metric, score, higher)


def speech_scorer(settings, run_dir):
    from demos.speech.data import load_data
    from demos.speech.prediction import class_probabilities

    test = load_data(settings).test

    def score(model):  # a digit answered "no digit" is wrong
        return float((class_probabilities(model, test.features).argmax(axis=-1) == test.digits).mean())

    return "test accuracy", score, True


def chat_scorer(settings, run_dir):
    from demos.chat.data import prepare_data
    from demos.chat.evaluation import bits_per_char
    from demos.chat.features import evaluation_batches
    from demos.chat.prediction import load_writer

    writer = load_writer(str(run_dir))
    held = prepare_data(settings).validation
    validation = evaluation_batches(writer.vocabulary, held, vectors=writer.conditioner
                                    and writer.conditioner.turn_vectors(held.conversations))
    return "validation bits per character", lambda model: bits_per_char(model, validation), False


def stocks_scorer(settings, run_dir):
    from demos.stocks.data import load_period
    from demos.stocks.training import period_forecasts

    settings = settings.resolved()
    period = load_period(settings)

    def score(model):
        forecasts = period_forecasts(model, period, settings.horizon)
        return float(period.task.score(forecasts, period.split.test, settings.horizon)["rmse"])

    return "test RMSE (price)", score, False


SCORERS = {"speech": speech_scorer, "chat": chat_scorer, "stocks": stocks_scorer}
