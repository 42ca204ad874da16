"""What every demo shares: CLI conventions, seeding, run folders, saving, plots.

Conventions:
- user mistakes raise `CLIError`; `run_cli` prints them as one line `error: ...`
  and exits with status 2, without a traceback;
- each `train` run writes into its own folder (`runs/<app>/<time>-<layer>` unless
  `--out` says otherwise): `model.keras`, `settings.json`, `metrics.json`, plots;
- `--model` accepts a run folder or its `model.keras`; without it the most
  recent run of the app is used.
"""

import argparse
import dataclasses
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

RUNS_ROOT = Path("runs")
MODEL_FILE = "model.keras"


class CLIError(Exception):
    """A problem the user can fix; shown as one line, never as a traceback."""


def run_cli(main, argv=None):
    """Runs `main(argv)`, turning `CLIError` and Ctrl-C into one line and an exit status."""
    try:
        return main(argv)
    except CLIError as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        raise SystemExit(130) from None


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Shows each flag's default and keeps the description's line breaks."""


def add_settings_arguments(parser, settings, flags):
    """Adds `--flag` options whose defaults and help come from a settings dataclass.

    Args:
        parser: An `argparse.ArgumentParser` (or sub-parser).
        settings: A settings dataclass instance holding the defaults.
        flags: Mapping field name -> help text.
    """
    for name, help_text in flags.items():
        default = getattr(settings, name)
        option = "--" + name.replace("_", "-")
        if isinstance(default, bool):
            parser.add_argument(option, action=argparse.BooleanOptionalAction, default=default, help=help_text)
        else:
            kind = type(default) if default is not None else str
            parser.add_argument(option, type=kind, default=default, help=help_text)


def settings_from_args(settings_class, args):
    """Builds a settings dataclass from parsed arguments (fields absent from `args` keep defaults)."""
    names = {field.name for field in dataclasses.fields(settings_class)}
    return settings_class(**{key: value for key, value in vars(args).items() if key in names})


def set_seed(seed):
    """Seeds Python, NumPy and the backend; TensorFlow ops are made deterministic."""
    import keras

    keras.utils.set_random_seed(seed)
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()


def lstm_class(layer):
    """`ExplicitLSTM` for `"custom"`, `keras.layers.LSTM` for `"builtin"`."""
    import keras

    from custom_layers import ExplicitLSTM

    classes = {"custom": ExplicitLSTM, "builtin": keras.layers.LSTM}
    if layer not in classes:
        raise CLIError(f"--layer must be 'custom' or 'builtin', got {layer!r}")
    return classes[layer]


def new_run_dir(app, layer, out=None):
    """Creates and returns the folder of a new training run."""
    run_dir = Path(out) if out else RUNS_ROOT / app / f"{time.strftime('%Y%m%d-%H%M%S')}-{layer}"
    if run_dir.exists() and not run_dir.is_dir():
        raise CLIError(f"--out {run_dir} exists and is not a folder")
    run_dir.mkdir(parents=True, exist_ok=True)
    return run_dir


def resolve_model_path(app, model=None):
    """The `model.keras` named by `--model` (a run folder or the file), or the latest run's."""
    if model:
        path = Path(model)
        path = path / MODEL_FILE if path.is_dir() else path
        if not path.is_file():
            raise CLIError(f"no model at {path}: pass a run folder of `train` or its {MODEL_FILE}")
        return path
    candidates = sorted((RUNS_ROOT / app).glob(f"*/{MODEL_FILE}"), key=lambda p: p.stat().st_mtime)
    if not candidates:
        raise CLIError(f"no trained model under {RUNS_ROOT / app}: run `python -m demos.{app} train` first")
    return candidates[-1]


def load_model(path):
    """Loads a saved demo model; a broken file is a `CLIError`."""
    import keras

    import custom_layers  # noqa: F401  (registers ExplicitLSTM for deserialization)

    try:
        return keras.saving.load_model(path)
    except (OSError, ValueError) as error:
        raise CLIError(f"cannot load model {path}: {error}") from None


def save_model(model, path):
    """Saves atomically: a crash never leaves a half-written model file."""
    path = Path(path)
    partial = path.with_name(path.stem + ".partial.keras")
    model.save(partial)
    os.replace(partial, path)


def write_json(path, data):
    """Writes `data` as indented JSON (NumPy scalars and arrays allowed)."""

    def convert(value):
        if isinstance(value, np.generic):
            return value.item()
        if isinstance(value, np.ndarray):
            return value.tolist()
        if isinstance(value, Path):
            return str(value)
        raise TypeError(f"cannot write {type(value).__name__} to JSON")

    Path(path).write_text(json.dumps(data, indent=2, default=convert) + "\n")


def write_settings(run_dir, settings):
    """Writes the resolved settings dataclass next to the run's outputs."""
    write_json(Path(run_dir) / "settings.json", dataclasses.asdict(settings))


def read_json(path):
    return json.loads(Path(path).read_text())


def history_dict(history):
    """A Keras `History` as plain lists of floats per metric."""
    return {name: [float(value) for value in values] for name, values in history.history.items()}


def plot_history(history, path, title=None):
    """Draws training and validation curves, one panel per metric, to a PNG.

    Args:
        history: Mapping metric name -> list of per-epoch values (`history_dict`).
        path: PNG file to write.
        title: Optional figure title.
    """
    from matplotlib.figure import Figure

    metrics = [name for name in history if not name.startswith("val_") and name != "learning_rate"]
    figure = Figure(figsize=(5 * len(metrics), 3.6), layout="constrained")
    axes = np.atleast_1d(figure.subplots(1, len(metrics)))
    for axis, name in zip(axes, metrics):
        epochs = np.arange(1, len(history[name]) + 1)
        axis.plot(epochs, history[name], marker="o", markersize=3, label="training")
        if f"val_{name}" in history:
            axis.plot(epochs, history[f"val_{name}"], marker="o", markersize=3, label="validation")
        axis.set_xlabel("epoch")
        axis.set_ylabel(name)
        axis.grid(alpha=0.3)
        axis.legend()
    if title:
        figure.suptitle(title)
    figure.savefig(path, dpi=110)


def format_table(rows, headers):
    """Formats rows as an aligned plain-text table."""
    cells = [[str(header) for header in headers]] + [[_format_cell(value) for value in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _format_cell(value):
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


class Stopwatch:
    """`with Stopwatch() as watch: ...` then `watch.seconds`."""

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start


def first_explicit_lstm(model):
    """The first `ExplicitLSTM` of `model`, and the model that holds it.

    A model trained with the built-in LSTM is first copied with
    `explicit_clone` (same weights, same outputs), so its gates can be traced.
    Layers inside `Bidirectional` count (the forward layer is returned).
    """
    from custom_layers import explicit_clone

    layer = _first_explicit_layer(model)
    if layer is None:
        model = explicit_clone(model)
        layer = _first_explicit_layer(model)
    if layer is None:
        raise CLIError("the model has no LSTM layer to trace")
    return model, layer


def _first_explicit_layer(model):
    from custom_layers import ExplicitLSTM

    inner_layers = (getattr(layer, "forward_layer", layer) for layer in model.layers)
    return next((layer for layer in inner_layers if isinstance(layer, ExplicitLSTM)), None)


def start_from(model, initial_weights=None):
    """Sets `initial_weights` (when given) and returns the weights training starts from."""
    if initial_weights is not None:
        model.set_weights(initial_weights)
    return model.get_weights()


@dataclasses.dataclass
class TrainResult:
    """What a demo's `train()` returns, for its CLI and for `demos.compare`."""

    metrics: dict  # what metrics.json holds
    model: object  # the trained keras.Model
    initial_weights: list  # weights before training: start another run from the same point
    sample_inputs: object  # a few held-out model inputs, to compare two models' outputs
    run_dir: Path  # where the run's files are
