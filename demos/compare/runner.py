"""Each demo trained twice, built-in LSTM then explicit LSTM, from the same initial weights."""

import dataclasses
import importlib
from pathlib import Path

import numpy as np

from custom_layers import explicit_clone
from datasets import fsdd
from demos.common import CLIError

APPS = ("speech", "chat", "stocks")

# Every comparison turns dropout off (so both layers see the same computation and their loss
# curves can coincide) and reads the stock prices shipped with `backtesting` (no download).
COMMON_OVERRIDES = {"speech": {"dropout": 0.0}, "chat": {"dropout": 0.0}, "stocks": {"offline": True}}
# `--quick`, on top: fewer epochs; a smaller chat model, on larger batches, checked on fewer prompts.
QUICK_OVERRIDES = {
    "speech": {"epochs": 2},
    "chat": {"epochs": 2, "units": 64, "batch_size": 64, "match_sample": 10},
    "stocks": {"epochs": 4},
}

# Quality metric of each app and the baseline it is measured against (lower is better for chat and stocks).
QUALITY = {
    "speech": ("test_accuracy", "baseline_test_accuracy"),
    "chat": ("val_bits_per_char", "baseline_val_bits_per_char"),
    "stocks": ("rmse", "persistence_rmse"),
}


def parse_apps(text):
    """The app names of `--apps`, in the order given; unknown names are a `CLIError`."""
    apps = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in apps if name not in APPS]
    if unknown or not apps:
        raise CLIError(f"--apps takes names among {','.join(APPS)}, got {text!r}")
    return list(dict.fromkeys(apps))


def demo_settings(app, settings):
    """The app's `Settings`: its defaults, the comparison's overrides, the quick ones if asked."""
    module = importlib.import_module(f"demos.{app}.settings")
    overrides = {**COMMON_OVERRIDES[app], **(QUICK_OVERRIDES[app] if settings.quick else {})}
    return module.Settings(seed=settings.seed, **overrides)


def missing_data(app, app_settings):
    """Why the app cannot run here (no speech recordings), or None."""
    if app != "speech":
        return None
    try:
        directory = fsdd.recordings_dir(app_settings.data_dir)
    except fsdd.DataUnavailable as error:
        return str(error)
    if not any(directory.glob("*.wav")):
        return f"no WAV files in {directory}; point $FSDD_DIR at the FSDD recordings"
    return None


def compare_app(app, app_settings, out_dir):
    """Trains the built-in then the explicit layer from the built-in's initial weights; returns both results."""
    train = importlib.import_module(f"demos.{app}.training").train
    results = {}
    for layer in ("builtin", "custom"):
        print(f"== {app}: {layer} LSTM ==", flush=True)
        layer_settings = dataclasses.replace(app_settings, layer=layer, out=str(Path(out_dir) / app / layer))
        initial_weights = results["builtin"].initial_weights if results else None
        results[layer] = train(layer_settings, initial_weights=initial_weights)
    return results["builtin"], results["custom"]


def summarize(app, builtin, custom):
    """What the report says of one app: quality, speed, and how far the two layers' outputs differ."""
    metric, baseline = QUALITY[app]
    layers = {}
    for layer, result in (("builtin", builtin), ("custom", custom)):
        seconds = result.metrics["epoch_seconds"]
        layers[layer] = {
            metric: result.metrics[metric],
            "epochs": len(seconds),
            "train_seconds": sum(seconds),
            "first_epoch_seconds": seconds[0],  # graph tracing and compilation included
            "later_seconds_per_epoch": float(np.mean(seconds[1:] or seconds)),  # the steady cost
            "run_dir": str(result.run_dir),
        }
    return {
        "metric": metric,
        "baseline_metric": baseline,
        baseline: builtin.metrics[baseline],
        "layers": layers,
        "later_seconds_per_epoch_ratio": layers["custom"]["later_seconds_per_epoch"]
        / layers["builtin"]["later_seconds_per_epoch"],
        "same_initial_weights": all(
            np.array_equal(a, b) for a, b in zip(builtin.initial_weights, custom.initial_weights, strict=True)
        ),
        "same_weights_max_abs_difference": max_abs_difference(
            explicit_clone(builtin.model), builtin.model, builtin.sample_inputs
        ),
        "trained_max_abs_difference": max_abs_difference(custom.model, builtin.model, builtin.sample_inputs),
        "loss_abs_differences": loss_differences(builtin.metrics["history"], custom.metrics["history"]),
        "history": {"builtin": builtin.metrics["history"], "custom": custom.metrics["history"]},
    }


def loss_differences(builtin_history, custom_history):
    """Absolute difference of the training loss per epoch, over the epochs both runs trained."""
    pairs = zip(custom_history["loss"], builtin_history["loss"], strict=False)  # early stopping may differ
    return [abs(custom - builtin) for custom, builtin in pairs]


def max_abs_difference(model, other, inputs):
    """Largest absolute difference between two models' predictions on the same inputs."""
    outputs = [np.asarray(m.predict(inputs, verbose=0), dtype="float64") for m in (model, other)]
    return float(np.max(np.abs(outputs[0] - outputs[1])))


def run(apps_settings, out_dir):
    """Compares the layers on every app of `apps_settings` (app -> its `Settings`); returns the report data.

    An app whose data is missing is skipped with one line.
    """
    import keras

    report = {"backend": keras.backend.backend(), "keras": keras.__version__, "apps": {}, "skipped": {}}
    for app, app_settings in apps_settings.items():
        reason = missing_data(app, app_settings)
        if reason:
            print(f"{app}: skipped, {reason}", flush=True)
            report["skipped"][app] = reason
            continue
        report["apps"][app] = {
            "settings": dataclasses.asdict(app_settings),
            **summarize(app, *compare_app(app, app_settings, out_dir)),
        }
    return report
