"""Each demo trained with every layer asked for, for every seed, on the same data."""

import dataclasses
from pathlib import Path

import numpy as np

from custom_layers import explicit_clone
from datasets import fsdd
from demos.apps import APPS
from demos.cli import CLIError

# Every comparison turns dropout off (so the built-in and the explicit layer do the same computation
# and their loss curves can coincide) and reads the stock prices shipped with `backtesting`;
# `--quick` adds each app's QUICK_SETTINGS.
COMMON_OVERRIDES = {"speech": {"dropout": 0.0}, "chat": {"dropout": 0.0}, "stocks": {"offline": True}}


def parse_apps(text):
    """The app names of `--apps`, in the order given; unknown names are a `CLIError`."""
    apps = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in apps if name not in APPS]
    if unknown or not apps:
        raise CLIError(f"--apps takes names among {','.join(APPS)}, got {text!r}")
    return list(dict.fromkeys(apps))


def parse_seeds(text, seed):
    """The seeds of `--seeds` (comma-separated integers), or `[seed]` when it is empty."""
    if not text:
        return [seed]
    try:
        return list(dict.fromkeys(int(item) for item in text.split(",") if item.strip()))
    except ValueError:
        raise CLIError(f"--seeds takes comma-separated integers, got {text!r}") from None


def demo_settings(app, settings):
    """The app's `Settings`: its defaults, the comparison's overrides, the quick ones if asked."""
    parts = APPS[app].parts()
    overrides = {**COMMON_OVERRIDES[app], **(parts.QUICK_SETTINGS if settings.quick else {})}
    return parts.Settings(seed=settings.seed, distribute=settings.distribute, **overrides)


def missing_data(app, app_settings):
    """Why the app cannot run here (no speech recordings; chat with --distribute), or None."""
    if app_settings.distribute and not APPS[app].data_parallel:
        return "it trains stateful streams, which one device must carry (--distribute)"
    if app != "speech":
        return None
    try:
        directory = fsdd.recordings_dir(app_settings.data_dir)
    except fsdd.DataUnavailable as error:
        return str(error)
    if not any(directory.glob("*.wav")):
        return f"no WAV files in {directory}; point $FSDD_DIR at the FSDD recordings"
    return None


def compare_app(app, app_settings, layers, seeds, out_dir):
    """Trains every layer for every seed; returns `{seed: {layer: TrainResult}}`.

    With the same seed every layer sees the same data in the same order. The
    explicit layer ("custom") starts from the built-in's initial weights when
    both run, so those two do the same computation.
    """
    train = APPS[app].parts().train
    results = {}
    for seed in seeds:
        results[seed] = {}
        for layer in layers:
            print(f"== {app}: {layer}, seed {seed} ==", flush=True)
            folder = Path(out_dir) / app / (layer if len(seeds) == 1 else f"{layer}-seed{seed}")
            layer_settings = dataclasses.replace(app_settings, layer=layer, seed=seed, out=str(folder))
            builtin = results[seed].get("builtin")
            start = builtin.initial_weights if builtin is not None and layer == "custom" else None
            results[seed][layer] = train(layer_settings, initial_weights=start)
    return results


def layer_summary(metric, runs):
    """A layer's quality (mean and spread over seeds), size and speed."""
    values = [run.metrics[metric] for run in runs]
    seconds = [run.metrics["epoch_seconds"] for run in runs]
    return {
        metric: float(np.mean(values)),
        "spread": float(np.std(values)),  # standard deviation over the seeds
        "values": values,
        "params": int(runs[0].model.count_params()),
        "epochs": [len(s) for s in seconds],
        "first_epoch_seconds": float(np.mean([s[0] for s in seconds])),  # graph tracing and compilation included
        "later_seconds_per_epoch": float(np.mean([np.mean(s[1:] or s) for s in seconds])),  # the steady cost
        "run_dirs": [str(run.run_dir) for run in runs],
        "history": runs[0].metrics["history"],
        **reply_summary(runs),
    }


def reply_summary(runs):
    """For chat: the exact-reply rate on the training prompts (mean over seeds) and a few replies."""
    if "train_prompt_match_rate" not in runs[0].metrics:
        return {}
    return {
        "train_prompt_match_rate": float(np.mean([run.metrics["train_prompt_match_rate"] for run in runs])),
        "sample_replies": runs[0].metrics["sample_replies"][:3],
    }


def summarize(app, results):
    """What the report says of one app: quality, size and speed per layer; builtin against custom."""
    metric, baseline = APPS[app].quality, APPS[app].baseline
    first = results[next(iter(results))]
    layers = {layer: layer_summary(metric, [results[seed][layer] for seed in results]) for layer in first}
    reference = layers.get("custom")
    for numbers in layers.values():
        numbers["speed_ratio_to_custom"] = (
            numbers["later_seconds_per_epoch"] / reference["later_seconds_per_epoch"] if reference else None
        )
    summary = {
        "metric": metric,
        "baseline_metric": baseline,
        baseline: float(np.mean([results[seed][next(iter(first))].metrics[baseline] for seed in results])),
        "layers": layers,
    }
    if "builtin" in first and "custom" in first:
        summary["agreement"] = agreement(first["builtin"], first["custom"])
    return summary


def agreement(builtin, custom):
    """How far the built-in and the explicit layer's runs differ (same seed, same start)."""
    return {
        "same_initial_weights": all(
            np.array_equal(a, b) for a, b in zip(builtin.initial_weights, custom.initial_weights, strict=True)
        ),
        "same_weights_max_abs_difference": max_abs_difference(
            explicit_clone(builtin.model), builtin.model, builtin.sample_inputs
        ),
        "trained_max_abs_difference": max_abs_difference(custom.model, builtin.model, builtin.sample_inputs),
        "loss_abs_differences": [
            abs(c - b) for c, b in zip(custom.metrics["history"]["loss"], builtin.metrics["history"]["loss"])
        ],  # over the epochs both trained (early stopping may differ)
    }


def max_abs_difference(model, other, inputs):
    """Largest absolute difference between two models' predictions on the same inputs.

    The models are called directly: one small batch needs no compiled predict function of its own.
    """
    import keras

    outputs = [np.asarray(keras.ops.convert_to_numpy(m(inputs, training=False)), dtype="float64") for m in (model, other)]
    return float(np.max(np.abs(outputs[0] - outputs[1])))


def run(apps_settings, out_dir, layers=("builtin", "custom"), seeds=(0,)):
    """Compares `layers` on every app of `apps_settings` (app -> its `Settings`); returns the report data.

    An app whose data is missing is skipped with one line.
    """
    import keras

    report = {"backend": keras.backend.backend(), "keras": keras.__version__, "layers": list(layers),
              "seeds": list(seeds), "apps": {}, "skipped": {}}
    for app, app_settings in apps_settings.items():
        reason = missing_data(app, app_settings)
        if reason:
            print(f"{app}: skipped, {reason}", flush=True)
            report["skipped"][app] = reason
            continue
        report["apps"][app] = {
            "settings": dataclasses.asdict(app_settings),
            **summarize(app, compare_app(app, app_settings, layers, seeds, out_dir)),
        }
    return report
