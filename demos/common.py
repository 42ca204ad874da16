"""What every demo shares: CLI conventions, seeding, run folders, saving, plots.

Conventions:
- `python -m demos.<app> <command>`: `demo_parser`, `add_command`, `run_cli`;
- user mistakes raise `CLIError`; `run_cli` prints them as one line `error: ...`
  and exits with status 2, without a traceback;
- each `train` run writes into its own folder (`runs/<app>/<time>-<layer>` unless
  `--out` says otherwise): `model.keras`, `settings.json`, `metrics.json`, plots;
- `--model` accepts a run folder or its `model.keras`; without it the most
  recent run of the app is used.
"""

import argparse
import dataclasses
import importlib.util
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from datasets.storage import atomic_path

RUNS_ROOT = Path("runs")
MODEL_FILE = "model.keras"
SETTINGS_FILE = "settings.json"


class CLIError(Exception):
    """A problem the user can fix; shown as one line, never as a traceback."""


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Shows each flag's default and keeps the description's line breaks."""


def demo_parser(app, description):
    """The top-level parser of `python -m demos.<app>` and its group of commands."""
    parser = argparse.ArgumentParser(prog=f"python -m demos.{app}", description=description,
                                     formatter_class=HelpFormatter)
    return parser, parser.add_subparsers(dest="command", required=True, metavar="COMMAND")


def add_command(commands, name, run, help_text, description=None):
    """A command of a demo: `run(args)` is called with the parsed flags.

    Every command takes `--verbose`; `run` imports what it needs when it
    runs, so `--help` answers without starting a framework.
    """
    parser = commands.add_parser(name, help=help_text, description=description or help_text,
                                 formatter_class=HelpFormatter)
    parser.add_argument("--verbose", action="store_true", help="also show the framework's start-up logs")
    parser.set_defaults(run=run)
    return parser


def add_model_argument(parser, app):
    parser.add_argument("--model", default=None,
                        help=f"run folder of `train` or its {MODEL_FILE}; if not given: the latest under runs/{app}/")


def add_out_argument(parser, default_name):
    parser.add_argument("--out", default=None,
                        help=f"PNG file to write; if not given: {default_name} in the model's run folder")


def run_cli(parser, argv=None):
    """Parses `argv` and runs the chosen command; `CLIError` and Ctrl-C become one line and an exit status."""
    args = parser.parse_args(argv)
    try:
        prepare_devices(args)
        return args.run(args)
    except CLIError as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        raise SystemExit(130) from None


def prepare_devices(args):
    """Imports Keras; with `--cpu-devices N`, splits the CPU first (JAX) or before the runtime starts (TensorFlow)."""
    from demos.distribution import split_cpu

    count = getattr(args, "cpu_devices", 0)
    jax_first = os.environ.get("KERAS_BACKEND", "tensorflow") == "jax"  # JAX reads its flags when it is imported
    if count and jax_first:
        split_cpu(count)
    import_keras(verbose=args.verbose)
    if count and not jax_first:
        split_cpu(count)


def import_keras(verbose=False):
    """Imports Keras (and its backend); unless `verbose`, the backend's start-up lines stay hidden.

    TensorFlow writes some of them from C++ before its own log level applies,
    so standard error is silenced while it loads.
    """
    if "keras" in sys.modules or verbose:
        import keras

        return keras
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.stderr.flush()
    saved, null = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    try:
        import keras

        if keras.backend.backend() != "tensorflow" and importlib.util.find_spec("tensorflow"):
            import tensorflow  # noqa: F401  (Keras' data utilities load it later on any backend: quietly now)
    finally:
        os.dup2(saved, 2)
        os.close(null)
        os.close(saved)
    return keras


def progress_verbosity():
    """Keras' `verbose`: a progress bar on a terminal, one line per epoch in a log."""
    return 1 if sys.stdout.isatty() else 2


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


def train_flags(app, flags):
    """`flags` (field name -> help) and the flags every demo's `train` shares, with the same help."""
    from demos.layers import LAYER_HELP

    return {
        **flags,
        "layer": LAYER_HELP,
        "seed": "random seed of the data order, the weights and dropout (same seed, same numbers)",
        "distribute": "train data-parallel over every local device with the backend's engine (tf.distribute or "
        "keras.distribution): the global batch, --batch-size, is split across the devices; the learning rate "
        "is unchanged",
        "cpu_devices": "split the CPU into this many virtual devices before the backend starts, to run --distribute "
        "without accelerators (0: leave the CPU whole)",
        "out": f"run folder; if not given: runs/{app}/<time>-<layer>",
    }


def settings_from_args(settings_class, args):
    """Builds a settings dataclass from parsed arguments (fields absent from `args` keep defaults)."""
    names = {field.name for field in dataclasses.fields(settings_class)}
    return settings_class(**{key: value for key, value in vars(args).items() if key in names})


def flag(name):
    """The command-line flag of a settings field: `batch_size` -> `--batch-size`."""
    return "--" + name.replace("_", "-")


def check_ranges(settings, at_least_one=(), fractions=(), open_fractions=(), positive=(), not_negative=()):
    """Raises `CLIError`, naming the flag and the value, for the first field out of its range.

    Args:
        at_least_one: fields that must be 1 or more (counts, sizes).
        fractions: fields in [0, 1) (dropout-like shares).
        open_fractions: fields strictly between 0 and 1 (split shares).
        positive: fields above 0 (rates).
        not_negative: fields 0 or more (counts and amounts where 0 means off).
    """
    rules = [(at_least_one, lambda v: v >= 1, "at least 1"), (fractions, lambda v: 0 <= v < 1, "in [0, 1)"),
             (open_fractions, lambda v: 0 < v < 1, "between 0 and 1"), (positive, lambda v: v > 0, "above 0"),
             (not_negative, lambda v: v >= 0, "0 or more")]
    for names, valid, wanted in rules:
        for name in names:
            value = getattr(settings, name)
            if not valid(value):
                raise CLIError(f"{flag(name)} must be {wanted}, got {value}")


def set_seed(seed):
    """Seeds Python, NumPy and the backend; TensorFlow ops are made deterministic."""
    import keras

    keras.utils.set_random_seed(seed)
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()


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
    with atomic_path(path) as partial:
        model.save(partial)


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


def write_settings(run_dir, settings, devices=1):
    """Writes the resolved settings dataclass next to the run's outputs, with the device count trained on."""
    write_json(Path(run_dir) / SETTINGS_FILE, {**dataclasses.asdict(settings), "devices": devices})


def read_json(path):
    """The JSON object in `path`; a missing, unreadable or malformed file is a `CLIError`."""
    try:
        data = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise CLIError(f"{path} is missing") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CLIError(f"{path} is not readable JSON ({error})") from None
    if not isinstance(data, dict):
        raise CLIError(f"{path} does not hold a JSON object")
    return data


def read_settings(run_dir, settings_class):
    """The settings a run was trained with.

    Keys this version does not know are ignored, and fields the file lacks
    keep their defaults, so runs of older and newer versions still load.
    """
    path = Path(run_dir) / SETTINGS_FILE
    if not path.is_file():
        raise CLIError(f"no {SETTINGS_FILE} in {run_dir}: pass a run folder written by `train`")
    defaults = settings_class()
    kept = {key: value for key, value in read_json(path).items() if hasattr(defaults, key)}
    for key, value in kept.items():
        if not _fits(value, getattr(defaults, key)):
            raise CLIError(f"{path} holds unusable settings: {key} should be like {getattr(defaults, key)!r}, "
                           f"got {value!r}")
    try:
        return settings_class(**kept)
    except (TypeError, ValueError) as error:
        raise CLIError(f"{path} holds unusable settings ({error})") from None


def _fits(value, default):
    """Whether a value read from settings.json can stand where the settings class has `default`."""
    if default is None or value is None:
        return default is None
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float))
    return isinstance(value, type(default))


@dataclasses.dataclass
class Run:
    """A trained run: its model, the settings it was trained with, and its folder."""

    model: object  # the keras.Model
    settings: object  # the demo's Settings
    run_dir: Path  # the folder of model.keras


def load_run(app, settings_class, model=None):
    """The run named by `--model` (the latest of `app` if None): model and settings."""
    path = resolve_model_path(app, model)
    settings = read_settings(path.parent, settings_class)
    return Run(load_model(path), settings, path.parent)


def output_path(out, default):
    """Where a command writes its file: `--out`, else `default`; the folder must exist."""
    path = Path(out) if out else Path(default)
    if not path.parent.is_dir():
        raise CLIError(f"--out {path}: folder {path.parent} does not exist")
    return path


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


def trace_model_layer(model, name, inputs):
    """The gate trace of LSTM layer `name` of `model`, fed by the model's own layers on `inputs`.

    `name` may be a `Bidirectional` wrapper (its forward layer is traced).
    The layer gets the inputs and the mask the model gives it.
    A model trained with the built-in LSTM is first copied with
    `explicit_clone` (same weights, same outputs), so its gates can be traced.
    """
    import keras

    from custom_layers import ExplicitLSTM, explicit_clone, trace_gates

    outer = model.get_layer(name)
    layer = getattr(outer, "forward_layer", outer)
    if not isinstance(layer, ExplicitLSTM):
        return trace_model_layer(explicit_clone(model), name, inputs)
    # A layer fed a mask records `[inputs, mask]` as its input.
    fed = keras.tree.flatten(keras.Model(model.input, outer.input)(inputs, training=False))
    mask = keras.ops.convert_to_numpy(fed[1]).astype(bool) if len(fed) > 1 else None
    return trace_gates(layer, keras.ops.convert_to_numpy(fed[0]), mask=mask)


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
