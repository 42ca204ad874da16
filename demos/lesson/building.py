"""Runs every section of the lesson, then writes lesson.json and index.html."""

from demos import cli, runs
from demos.apps import APPS
from demos.compare.long_lag import parse_lags
from demos.lesson import by_hand, confusions, interventions, memory, page, units
from demos.lesson.models import demo_model
from demos.lesson.traces import TRACERS


def check_settings(settings):
    cli.check_ranges(settings, at_least_one=("memory_units", "train_count", "test_count", "memory_epochs",
                                                "gradient_lag", "chat_sample", "speech_sample",
                                                "stocks_sample"))
    return parse_lags(settings.lags)


def build_lesson(settings, out_dir, demos=None):
    """Measures every section and writes `out_dir/lesson.json` and `out_dir/index.html`; returns the results.

    `demos` ({app: models.Demo}) replaces the models looked up or trained (tests pass tiny ones).
    """
    lags = check_settings(settings)
    if demos is None:
        demos = {app: demo_model(app, settings, out_dir) for app in APPS}
    samples = {"speech": settings.speech_sample, "chat": settings.chat_sample, "stocks": settings.stocks_sample}
    traced = {app: TRACERS[app](demo, samples[app], settings.seed) for app, demo in demos.items()}
    print("lesson: 1. long-range memory", flush=True)
    results = {
        "seed": settings.seed,
        "quick": settings.quick,
        "models": {app: describe(demo) for app, demo in demos.items()},
        "memory": memory.measure(settings, lags),
    }
    print("lesson: 2. one step by hand; 3. confusions", flush=True)
    results["by_hand"] = by_hand.measure(demos["speech"])
    results["confusions"] = confusions.measure(traced)
    print("lesson: 4. interventions", flush=True)
    results["interventions"] = interventions.measure(demos)
    print("lesson: 5. units that mean something", flush=True)
    results["units"] = units.measure(traced["chat"])
    runs.write_json(out_dir / "lesson.json", results)
    (out_dir / "index.html").write_text(page.render(results), encoding="utf-8")
    return results


def describe(demo):
    origin = "trained by this lesson" if demo.trained_here else "trained earlier"
    return f"{demo.run_dir} ({origin})"
