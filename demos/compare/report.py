"""The comparison's tables, `report.md`, `report.json` and one training-curve plot per app."""

from pathlib import Path

import numpy as np

from demos.common import format_table, write_json

QUALITY_HEADERS = ["app", "metric", "built-in", "custom", "baseline", "epochs b/c", "1st epoch s b/c",
                   "later s/epoch built-in", "later s/epoch custom", "ratio c/b"]
AGREEMENT_HEADERS = ["app", "same start", "max |out diff| same weights", "max |out diff| trained",
                     "|loss diff| epoch 1", "|loss diff| last epoch"]


def quality_rows(report):
    rows = []
    for app, summary in report["apps"].items():
        builtin, custom = summary["layers"]["builtin"], summary["layers"]["custom"]
        metric, baseline = summary["metric"], summary["baseline_metric"]
        rows.append([app, metric, builtin[metric], custom[metric], f"{summary[baseline]:.4g} ({baseline})",
                     f"{builtin['epochs']}/{custom['epochs']}",
                     f"{builtin['first_epoch_seconds']:.1f}/{custom['first_epoch_seconds']:.1f}",
                     builtin["later_seconds_per_epoch"], custom["later_seconds_per_epoch"],
                     summary["later_seconds_per_epoch_ratio"]])
    return rows


def agreement_rows(report):
    rows = []
    for app, summary in report["apps"].items():
        differences = summary["loss_abs_differences"]
        rows.append([app, "yes" if summary["same_initial_weights"] else "NO",
                     f"{summary['same_weights_max_abs_difference']:.2e}",
                     f"{summary['trained_max_abs_difference']:.2e}", f"{differences[0]:.2e}",
                     f"{differences[-1]:.2e}"])
    return rows


def tables(report):
    """The report as plain-text tables, as printed."""
    parts = [format_table(quality_rows(report), QUALITY_HEADERS), format_table(agreement_rows(report), AGREEMENT_HEADERS)]
    parts += [f"{app}: skipped, {reason}" for app, reason in report["skipped"].items()]
    return "\n\n".join(parts)


def write_report(report, out_dir, settings):
    """Writes `report.json`, `report.md` and `<app>.png` for every compared app into `out_dir`."""
    out_dir = Path(out_dir)
    write_json(out_dir / "report.json", report)
    for app, summary in report["apps"].items():
        plot_curves(app, summary, out_dir / f"{app}.png")
    (out_dir / "report.md").write_text(markdown(report, settings))


def markdown(report, settings):
    lines = [
        "# Explicit LSTM against keras.layers.LSTM",
        "",
        f"Backend {report['backend']}, Keras {report['keras']}, seed {settings.seed}"
        + (", --quick (fewer epochs, a smaller chat model)" if settings.quick else "")
        + ". Dropout off in every demo. Each app trains the built-in layer first, then the explicit one "
        "from the built-in's initial weights.",
        "",
        "## Quality and speed",
        "",
        "The first epoch traces and compiles the graphs; the speed ratio is taken on the later epochs "
        "(`make bench` measures speed with a verdict against noise).",
        "",
        "```text",
        format_table(quality_rows(report), QUALITY_HEADERS),
        "```",
        "",
        "## Agreement",
        "",
        "Largest absolute output difference on held-out inputs: the built-in model against its explicit clone "
        "(same weights), and the two trained models; absolute difference of the training loss per epoch.",
        "",
        "```text",
        format_table(agreement_rows(report), AGREEMENT_HEADERS),
        "```",
        "",
    ]
    lines += [f"- {app}: skipped, {reason}" for app, reason in report["skipped"].items()]
    lines += [f"![{app}]({app}.png)" for app in report["apps"]]
    return "\n".join(lines) + "\n"


def plot_curves(app, summary, path):
    """Both layers' loss per epoch on the same axes, and the absolute difference of their training loss."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 3.6), layout="constrained")
    curves, differences = figure.subplots(1, 2)
    for layer, color, width in (("builtin", "tab:blue", 4), ("custom", "tab:orange", 1.5)):
        history = summary["history"][layer]
        for name, style in (("loss", "-"), ("val_loss", "--")):
            epochs = np.arange(1, len(history[name]) + 1)
            curves.plot(epochs, history[name], style, color=color, linewidth=width, alpha=0.8, label=f"{layer} {name}")
    curves.set(xlabel="epoch", ylabel="loss", title=f"{app}: built-in (thick) and explicit (thin) LSTM")
    curves.legend()
    epochs = np.arange(1, len(summary["loss_abs_differences"]) + 1)
    differences.plot(epochs, summary["loss_abs_differences"], marker="o", color="tab:red")
    differences.ticklabel_format(axis="y", style="sci", scilimits=(0, 0))
    differences.set(xlabel="epoch", ylabel="|custom - built-in| training loss", title="difference per epoch")
    for axis in (curves, differences):
        axis.xaxis.get_major_locator().set_params(integer=True)
        axis.grid(alpha=0.3)
    figure.savefig(path, dpi=110)
