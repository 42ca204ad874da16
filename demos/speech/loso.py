"""Leave-one-speaker-out: each FSDD speaker in turn is the test set, never heard in training.

Six folds: each trains on the recordings of five speakers (with the usual
validation part for early stopping) and tests on all recordings of the sixth,
the baseline beside it. The features come from the same cache as `train`.
"""

import collections
import dataclasses
import time

import numpy as np
from matplotlib.figure import Figure

from datasets import fsdd
from demos import cli, runs
from demos.speech.evaluation import plot_confusion, plot_trade_off
from demos.speech.part import CLASS_NAMES
from demos.speech.settings import APP
from demos.speech.training import check_settings, train

# The targets: clean accuracy (mean and worst speaker); at most these shares of digits answered "no digit"
# (false rejects) and of non-digits answered as a digit (false accepts).
TARGETS = {"mean": 0.95, "worst": 0.90, "false_reject": 0.02, "false_accept": 0.05}
FOLD_BARS = (("test_accuracy", "LSTM"), ("room_accuracy", "LSTM in a room"),
             ("swinging_room_accuracy", "LSTM, noise swelling"), ("pocketsphinx_test_accuracy", "PocketSphinx"),
             ("pocketsphinx_room_accuracy", "PocketSphinx in a room"),
             ("pocketsphinx_swinging_room_accuracy", "PocketSphinx, noise swelling"),
             ("baseline_test_accuracy", "baseline"))
SHOWN_KINDS = 12  # non-digits in the last panel of loso.png, those most often taken for a digit
FOLD_KEYS = ("test_accuracy", "baseline_test_accuracy", "room_accuracy", "swinging_room_accuracy",
             "pocketsphinx_test_accuracy", "pocketsphinx_room_accuracy", "pocketsphinx_swinging_room_accuracy",
             "false_reject_rate", "non_digit_false_accept_rate", "class_only_false_reject_rate",
             "class_only_non_digit_false_accept_rate", "held_apart_voice_accuracy", "test_ece_before",
             "test_ece_after", "temperature", "test_count", "epochs", "train_seconds")


def mean_of(folds, key):
    """The mean of `key` over the folds, or None where a fold lacks it (PocketSphinx not installed)."""
    values = [fold[key] for fold in folds.values()]
    return None if any(value is None for value in values) else float(np.mean(values))


def speakers(settings):
    """The speakers of the recordings `train` would read."""
    try:
        recordings, _ = fsdd.list_recordings(fsdd.recordings_dir(settings.data_dir))
    except fsdd.DataUnavailable as error:
        raise cli.CLIError(str(error)) from None
    names = sorted({recording.speaker for recording in recordings})
    if len(names) < 2:
        raise cli.CLIError(f"leave-one-speaker-out needs two speakers or more, found {len(names)}")
    return names


def leave_one_speaker_out(settings):
    """Runs every fold; writes `loso.json` and `confusion.png` into the run folder; returns the summary."""
    check_settings(settings)  # before any folder is made
    if settings.test_speakers:
        raise cli.CLIError("loso holds out every speaker in turn: --test-speakers is for train")
    names = speakers(settings)
    run_dir = runs.new_run_dir(APP, f"loso-{settings.layer}", settings.out)
    runs.write_settings(run_dir, settings)
    trade_offs, by_kind = [], []
    folds, confusion, start = {}, np.zeros((len(CLASS_NAMES),) * 2, dtype=int), time.perf_counter()
    for index, speaker in enumerate(names, 1):
        print(f"fold {index}/{len(names)}: {speaker} held out", flush=True)
        fold = dataclasses.replace(settings, test_speakers=speaker, out=str(run_dir / f"fold-{speaker}"))
        metrics = train(fold).metrics
        folds[speaker] = {key: metrics.get(key) for key in FOLD_KEYS}
        confusion += np.asarray(metrics["confusion"])
        trade_offs.append(metrics["trade_off"])
        by_kind.append(metrics["false_accepts_by_kind"])
        print(f"fold {index}/{len(names)}: {speaker} {metrics['test_accuracy']:.2%}, in a room "
              f"{metrics['room_accuracy']:.2%}, noise swelling {metrics['swinging_room_accuracy']:.2%} "
              f"(baseline {metrics['baseline_test_accuracy']:.2%})", flush=True)
    accuracies = [fold["test_accuracy"] for fold in folds.values()]
    summary = {
        "mean_accuracy": float(np.mean(accuracies)),
        "worst_accuracy": float(np.min(accuracies)),
        "worst_speaker": min(folds, key=lambda name: folds[name]["test_accuracy"]),
        "baseline_mean_accuracy": float(np.mean([fold["baseline_test_accuracy"] for fold in folds.values()])),
        "baseline_worst_accuracy": float(np.min([fold["baseline_test_accuracy"] for fold in folds.values()])),
        **{f"mean_{key}": mean_of(folds, key) for key in FOLD_KEYS if key not in ("test_accuracy", "test_count")},
        "total_seconds": time.perf_counter() - start,
        "layer": settings.layer,
        "folds": folds,
        "trade_off": {threshold: {key: float(np.mean([fold[threshold][key] for fold in trade_offs]))
                                  for key in trade_offs[0][threshold]} for threshold in trade_offs[0]},
        "confusion": confusion.tolist(),
        "false_accepts_by_kind": pooled_false_accepts(by_kind),
    }
    runs.write_json(run_dir / "loso.json", summary)
    plot_confusion(confusion, run_dir / "confusion.png",
                   f"leave-one-speaker-out, summed over {len(names)} folds: {summary['mean_accuracy']:.1%} mean")
    plot_folds(folds, summary["trade_off"], summary["false_accepts_by_kind"], run_dir / "loso.png")
    return summary, run_dir


def pooled_false_accepts(tables):
    """The folds' `false_accepts_by_kind` tables summed, with each kind's false-accept rate, worst first."""
    counts, answered = collections.Counter(), collections.defaultdict(collections.Counter)
    for table in tables:
        for kind, row in table.items():
            counts[kind] += row["count"]
            answered[kind].update(row["answered"])
    pooled = {kind: {"count": counts[kind], "answered": dict(answered[kind].most_common()),
                     "false_accept_rate": answered[kind].total() / counts[kind]} for kind in counts}
    return dict(sorted(pooled.items(), key=lambda item: -item[1]["false_accept_rate"]))


def plot_folds(folds, trade_off, by_kind, path):
    """Each held-out speaker's accuracies as bars beside the targets, the false reject / false accept
    trade-off averaged over the folds, and the non-digits most often taken for a digit (`by_kind`), as a PNG."""
    figure = Figure(figsize=(15, 4.2), layout="constrained")
    bars, curve, kinds = figure.subplots(1, 3, width_ratios=(2, 1, 1))
    names, width = sorted(folds), 0.8 / len(FOLD_BARS)
    for offset, (key, label) in enumerate(FOLD_BARS):
        values = [folds[name][key] for name in names]
        if None not in values:
            bars.bar(np.arange(len(names)) + (offset - (len(FOLD_BARS) - 1) / 2) * width, values, width, label=label)
    for target, style in ((TARGETS["mean"], "--"), (TARGETS["worst"], ":")):
        bars.axhline(target, color="black", linestyle=style, linewidth=1)
    bars.set(xticks=range(len(names)), xticklabels=names, ylim=(0, 1), ylabel="accuracy",
             title="each speaker held out (dashed: the mean's target, dotted: the worst's)")
    bars.legend(fontsize=8, ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.08))
    plot_trade_off(curve, trade_off, (TARGETS["false_reject"], TARGETS["false_accept"]))
    plot_false_accepts(kinds, by_kind)
    figure.savefig(path, dpi=110)


def plot_false_accepts(axis, by_kind):
    """The `SHOWN_KINDS` non-digits (words or kinds of sound) most often answered as a digit, as horizontal bars
    labelled with the digit each was taken for most."""
    shown = list(by_kind.items())[:SHOWN_KINDS][::-1]  # worst at the top
    rates = [row["false_accept_rate"] for _, row in shown]
    axis.barh(range(len(shown)), rates, color="tab:red")
    axis.set_yticks(range(len(shown)), [kind for kind, _ in shown])
    for place, (_, row) in enumerate(shown):
        if row["answered"]:
            axis.annotate(f"as {next(iter(row['answered']))}", (row["false_accept_rate"], place),
                          textcoords="offset points", xytext=(3, -3), fontsize=8)
    axis.axvline(TARGETS["false_accept"], color="black", linestyle="--", linewidth=1)
    axis.set(xlim=(0, 1), xlabel="share answered as a digit (dashed: the target)", title="non-digits taken for digits")
