"""The comparison's tables, `report.md`, `report.json` and one training-curve plot per app."""

from pathlib import Path

import numpy as np

from demos.plots import format_table
from demos.runs import write_json

AGREEMENT_HEADERS = ["app", "same start", "max |out diff| same weights", "max |out diff| trained",
                     "|loss diff| epoch 1", "|loss diff| last epoch"]
SPEED_HEADERS = ["app", "layer", "params", "epochs", "1st epoch s", "later s/epoch", "ratio to custom"]


def quality_table(report):
    """Apps as rows, layers as columns: the quality metric's mean and spread over the seeds."""
    rows = []
    for app, summary in report["apps"].items():
        metric, baseline = summary["metric"], summary["baseline_metric"]
        cells = [f"{numbers[metric]:.4g} ± {numbers['spread']:.2g}" for numbers in summary["layers"].values()]
        rows.append([app, metric, *cells, f"{summary[baseline]:.4g}"])
    return format_table(rows, ["app", "metric", *report["layers"], "baseline"])


def replies_text(report):
    """For apps that reply (chat): each layer's exact-reply rate on its training prompts and a few replies."""
    lines = []
    for app, summary in report["apps"].items():
        for layer, numbers in summary["layers"].items():
            if "train_prompt_match_rate" not in numbers:
                continue
            lines.append(f"{app}, {layer}: replies exactly as the corpus to "
                         f"{numbers['train_prompt_match_rate']:.0%} of its training prompts, e.g.")
            lines += [f"  you> {message}\n  bot> {reply}" for message, reply in numbers["sample_replies"]]
    return "\n".join(lines)


def speed_table(report):
    rows = []
    for app, summary in report["apps"].items():
        for layer, numbers in summary["layers"].items():
            ratio = numbers["speed_ratio_to_custom"]
            rows.append([app, layer, numbers["params"], "/".join(map(str, numbers["epochs"])),
                         f"{numbers['first_epoch_seconds']:.1f}", numbers["later_seconds_per_epoch"],
                         "-" if ratio is None else f"{ratio:.2f}"])
    return format_table(rows, SPEED_HEADERS)


def agreement_table(report):
    rows = []
    for app, summary in report["apps"].items():
        if "agreement" not in summary:
            continue
        numbers = summary["agreement"]
        differences = numbers["loss_abs_differences"]
        rows.append([app, "yes" if numbers["same_initial_weights"] else "NO",
                     f"{numbers['same_weights_max_abs_difference']:.2e}",
                     f"{numbers['trained_max_abs_difference']:.2e}", f"{differences[0]:.2e}",
                     f"{differences[-1]:.2e}"])
    return format_table(rows, AGREEMENT_HEADERS) if rows else ""


def tables(report):
    """The report as plain-text tables, as printed."""
    parts = [quality_table(report), replies_text(report), speed_table(report), agreement_table(report)]
    parts += [f"{app}: skipped, {reason}" for app, reason in report["skipped"].items()]
    return "\n\n".join(part for part in parts if part)


def write_report(report, out_dir, settings):
    """Writes `report.json`, `report.md` and `<app>.png` for every compared app into `out_dir`."""
    out_dir = Path(out_dir)
    write_json(out_dir / "report.json", report)
    for app, summary in report["apps"].items():
        plot_curves(app, summary, out_dir / f"{app}.png")
    (out_dir / "report.md").write_text(markdown(report, settings))


def markdown(report, settings):
    seeds = ", ".join(map(str, report["seeds"]))
    lines = [
        "# LSTM layers side by side",
        "",
        f"Backend {report['backend']}, Keras {report['keras']}, seeds {seeds}"
        + (", --quick (fewer epochs, a smaller chat model)" if settings.quick else "")
        + ". Dropout off in every demo. With a seed, every layer sees the same data in the same order; the "
        "explicit layer (custom) starts from the built-in's initial weights.",
        "",
        "## Quality (mean ± standard deviation over the seeds)",
        "",
        "```text",
        quality_table(report),
        "```",
        "",
        "## Replies",
        "",
        "```text",
        replies_text(report),
        "```",
        "",
        "## Size and speed",
        "",
        "The first epoch traces and compiles the graphs; the speed ratio is taken on the later epochs "
        "(`make bench` measures speed with a verdict against noise).",
        "",
        "```text",
        speed_table(report),
        "```",
    ]
    if agreement_table(report):
        lines += ["", "## Built-in against explicit", "",
                  "Largest absolute output difference on held-out inputs: the built-in model against its explicit "
                  "clone (same weights), and the two trained models; absolute difference of the training loss "
                  "per epoch (first seed).", "", "```text", agreement_table(report), "```"]
    lines += [f"- {app}: skipped, {reason}" for app, reason in report["skipped"].items()]
    lines += [f"![{app}]({app}.png)" for app in report["apps"]]
    return "\n".join(lines) + "\n"


def plot_curves(app, summary, path):
    """Every layer's loss per epoch (first seed); with both, the built-in and explicit losses' difference."""
    from matplotlib.figure import Figure

    agreement = summary.get("agreement")
    figure = Figure(figsize=(12 if agreement else 8, 3.8), layout="constrained")
    axes = np.atleast_1d(figure.subplots(1, 2 if agreement else 1))
    curves = axes[0]
    for layer, numbers in summary["layers"].items():
        history = numbers["history"]
        width = 4 if layer == "builtin" else 1.5
        line = curves.plot(np.arange(1, len(history["loss"]) + 1), history["loss"], "-", linewidth=width,
                           alpha=0.8, label=f"{layer} loss")[0]
        if "val_loss" in history:
            curves.plot(np.arange(1, len(history["val_loss"]) + 1), history["val_loss"], "--", linewidth=width,
                        alpha=0.8, color=line.get_color(), label=f"{layer} val_loss")
    curves.set(xlabel="epoch", ylabel="loss", title=f"{app}: training (solid) and validation (dashed) loss")
    curves.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    if agreement:
        differences = agreement["loss_abs_differences"]
        axes[1].plot(np.arange(1, len(differences) + 1), differences, marker="o", color="tab:red")
        axes[1].ticklabel_format(axis="y", style="sci", scilimits=(0, 0))
        axes[1].set(xlabel="epoch", ylabel="|custom - built-in| training loss", title="difference per epoch")
    for axis in axes:
        axis.xaxis.get_major_locator().set_params(integer=True)
        axis.grid(alpha=0.3)
    figure.savefig(path, dpi=110)
