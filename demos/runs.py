"""Run folders: where each `train` writes its model, settings and metrics, and how they are read back.

Each `train` run writes into its own folder (`runs/<app>/<time>-<layer>` unless
`--out` says otherwise): `model.keras`, `settings.json`, `metrics.json`, plots.
Models are saved atomically: a crash never leaves a half-written file.
"""

import dataclasses
import json
import time
from pathlib import Path

import numpy as np

from datasets.storage import atomic_path
from demos.cli import MODEL_FILE, CLIError, check_folder

RUNS_ROOT = Path("runs")
SETTINGS_FILE = "settings.json"


def new_run_dir(app, layer, out=None):
    """Creates and returns the folder of a new training run."""
    run_dir = Path(out) if out else RUNS_ROOT / app / f"{time.strftime('%Y%m%d-%H%M%S')}-{layer}"
    check_folder(run_dir, "--out")
    run_dir.mkdir(parents=True, exist_ok=True)
    return run_dir


def resolve_model_path(app, model=None, root=None):
    """The `model.keras` named by `--model` (a run folder or the file), or the latest run's under `root`
    (default: `RUNS_ROOT`)."""
    if model:
        path = Path(model)
        path = path / MODEL_FILE if path.is_dir() else path
        if not path.is_file():
            raise CLIError(f"no model at {path}: pass a run folder of `train` or its {MODEL_FILE}")
        return path
    folder = Path(root or RUNS_ROOT) / app
    candidates = sorted(folder.glob(f"*/{MODEL_FILE}"), key=lambda p: p.stat().st_mtime)
    if not candidates:
        raise CLIError(f"no trained model under {folder}: run `python -m demos.{app} train` first")
    return candidates[-1]


def load_model(path):
    """Loads a saved demo model; a broken file, or one naming a class no import here registers, is a `CLIError`
    that gives Keras' reason (without the object's whole configuration, which Keras appends for an unknown class)."""
    import keras

    import custom_layers  # noqa: F401  (registers ExplicitLSTM for deserialization)
    import demos.losses  # noqa: F401  (registers the demos' own losses)

    try:
        return keras.saving.load_model(path)
    except (OSError, ValueError, TypeError) as error:
        raise CLIError(f"cannot load model {path}: {str(error).split(' Full object config')[0]}") from None


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


class Stopwatch:
    """`with Stopwatch() as watch: ...` then `watch.seconds`."""

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
