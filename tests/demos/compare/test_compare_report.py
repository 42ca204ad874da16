"""`demos.compare` on a tiny configuration: both layers, all three apps, every field of the report."""

import dataclasses
import json

import numpy as np
import pytest

from demos.apps import APPS
from demos.chat import training as chat_training
from demos.compare import report as report_module
from demos.compare import runner
from demos.compare.settings import Settings
from demos.speech import training as speech_training
from demos.stocks import training as stocks_training

LAYERS = ("builtin", "custom", "coupled")
TINY_CORPUS = ("Hello\nHi there!\n\nHow are you?\nFine, thanks.\n\nWhat is AI?\nA field.\n\nBye\nSee you.\n\n"
               "Good morning\nMorning!\n\nDo you like tea?\nYes, green tea.\n\nWhere do you live?\nIn a computer.\n\n"
               "Tell me a joke\nWhy did the chicken cross the road?\n")
TINY = {
    "speech": {"units": 8, "epochs": 2, "batch_size": 16},
    "chat": {"units": 16, "embedding_dim": 8, "batch_size": 4, "sequence_length": 16, "epochs": 2, "match_sample": 0,
             "recall_sample": 0, "max_reply_chars": 40, "validation_fraction": 0.25},
    "stocks": {"units": 4, "epochs": 2, "window": 10},
}


def recording_calls(train, calls):
    """`train`, which also appends `(settings, initial_weights, result)` of each call to `calls`."""

    def recorded_train(app_settings, initial_weights=None):
        result = train(app_settings, initial_weights=initial_weights)
        calls.append((app_settings, initial_weights, result))
        return result

    return recorded_train


@pytest.fixture(scope="module")
def tiny_comparison(tmp_path_factory, tone_recordings):
    """One tiny comparison of all three apps; returns the report, the `train` calls made and the folder."""
    root = tmp_path_factory.mktemp("compare")
    (root / "corpus.txt").write_text(TINY_CORPUS)
    data = {"speech": {"data_dir": str(tone_recordings(root / "fsdd")), "cache_dir": str(root / "cache")},
            "chat": {"corpus": str(root / "corpus.txt")}, "stocks": {}}
    settings = Settings(quick=True, seed=3)
    apps_settings = {
        app: dataclasses.replace(runner.demo_settings(app, settings), **TINY[app], **data[app]) for app in APPS
    }
    calls = []
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        for training in (speech_training, chat_training, stocks_training):
            patch.setattr(training, "train", recording_calls(training.train, calls))
        report = runner.run(apps_settings, root / "report", LAYERS, seeds=[3])
    report_module.write_report(report, root / "report", settings)
    return report, calls, root / "report"


@pytest.mark.slow
def test_report_has_every_field_for_every_layer_of_every_app(tiny_comparison):
    report, _, out_dir = tiny_comparison
    assert set(report["apps"]) == set(APPS) and report["skipped"] == {}
    assert report["layers"] == list(LAYERS) and report["seeds"] == [3]
    for app, summary in report["apps"].items():
        metric, baseline = APPS[app].quality, APPS[app].baseline
        assert summary["metric"] == metric and np.isfinite(summary[baseline])
        for layer in LAYERS:
            numbers = summary["layers"][layer]
            metrics = json.loads((out_dir / app / layer / "metrics.json").read_text())
            assert numbers[metric] == metrics[metric] and numbers["spread"] == 0.0  # one seed
            assert numbers["epochs"] == [2] and len(summary["layers"][layer]["history"]["loss"]) == 2
            assert numbers["first_epoch_seconds"] == metrics["epoch_seconds"][0]
            assert numbers["later_seconds_per_epoch"] == metrics["epoch_seconds"][1]
            assert (out_dir / app / layer / "model.keras").is_file()
        layers = summary["layers"]
        # The coupled LSTM has three gate blocks instead of four: a quarter fewer LSTM weights.
        assert layers["coupled"]["params"] < layers["custom"]["params"] == layers["builtin"]["params"]
        if app == "stocks":
            assert summary["settings"]["offline"] is True
        else:
            assert summary["settings"]["dropout"] == 0.0
        agreement = summary["agreement"]
        assert agreement["same_initial_weights"]
        # Same weights, same data, same seed, no dropout: the first epoch's losses agree to float tolerance.
        assert agreement["loss_abs_differences"][0] < 1e-4
        assert agreement["trained_max_abs_difference"] < 1e-2
        assert (out_dir / f"{app}.png").read_bytes().startswith(b"\x89PNG")
    assert report["apps"]["speech"]["agreement"]["same_weights_max_abs_difference"] < 1e-5
    assert report["apps"]["chat"]["agreement"]["same_weights_max_abs_difference"] < 1e-5
    assert json.loads((out_dir / "report.json").read_text())["apps"].keys() == report["apps"].keys()
    markdown = (out_dir / "report.md").read_text()
    printed = report_module.tables(report)
    for app in APPS:
        assert f"![{app}]({app}.png)" in markdown and f"\n{app} " in printed
    assert "ratio to custom" in markdown and "coupled" in printed
    chat = report["apps"]["chat"]["layers"]["custom"]
    chat_metrics = json.loads((out_dir / "chat" / "custom" / "metrics.json").read_text())
    assert chat["train_prompt_match_rate"] == chat_metrics["train_prompt_match_rate"]
    assert chat["sample_replies"] == chat_metrics["sample_replies"][:3]
    message, reply = chat["sample_replies"][0]
    assert f"  you> {message}\n  bot> {reply}" in printed and "chat, custom: replies exactly" in markdown
    assert "match_rate" not in report["apps"]["speech"]["layers"]["custom"]


class Result:
    """Stands in for a `runs.TrainResult` of the stock app, with chosen numbers."""

    def __init__(self, value, seconds):
        self.metrics = {"rmse": value, "persistence_rmse": 4.0, "epoch_seconds": seconds, "history": {"loss": [1.0]}}
        self.model = type("Model", (), {"count_params": lambda self: 7})()
        self.run_dir = "run"


def test_quality_is_averaged_over_seeds_with_its_spread():
    summary = runner.layer_summary("rmse", [Result(1.0, [5.0, 1.0, 3.0]), Result(3.0, [4.0, 2.0])])
    assert summary["rmse"] == 2.0 and summary["spread"] == 1.0 and summary["values"] == [1.0, 3.0]
    assert summary["first_epoch_seconds"] == 4.5 and summary["later_seconds_per_epoch"] == 2.0
    assert summary["params"] == 7 and summary["epochs"] == [3, 2]


def test_speed_is_each_layers_later_epochs_against_the_explicit_layers():
    results = {0: {"custom": Result(1.0, [9.0, 2.0]), "coupled": Result(2.0, [9.0, 3.0])},
               1: {"custom": Result(3.0, [9.0, 2.0, 2.0]), "coupled": Result(2.0, [9.0, 2.0])}}
    summary = runner.summarize("stocks", results)
    assert summary["layers"]["custom"]["speed_ratio_to_custom"] == 1.0
    assert summary["layers"]["coupled"]["speed_ratio_to_custom"] == 1.25  # 2.5 s per later epoch against 2.0
    assert summary["layers"]["custom"]["rmse"] == 2.0 and summary["persistence_rmse"] == 4.0
    assert "agreement" not in summary  # only with both the built-in and the explicit layer


@pytest.mark.slow
def test_custom_run_starts_from_the_builtin_runs_initial_weights(tiny_comparison):
    _, calls, _ = tiny_comparison
    assert [(app_settings.layer, type(app_settings).__module__) for app_settings, _, _ in calls] == [
        (layer, f"demos.{app}.settings") for app in APPS for layer in LAYERS
    ]
    assert all(start is None for settings, start, _ in calls if settings.layer == "coupled")
    for (builtin_settings, builtin_start, builtin), (custom_settings, custom_start, custom) in zip(
        calls[::3], calls[1::3], strict=True
    ):
        assert builtin_start is None
        assert custom_start is builtin.initial_weights
        assert all(np.array_equal(a, b) for a, b in zip(custom.initial_weights, builtin.initial_weights, strict=True))
        assert dataclasses.replace(custom_settings, layer="builtin", out=builtin_settings.out) == builtin_settings
