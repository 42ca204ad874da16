"""The command-line conventions every program of the project shares; imports nothing of the project.

- `python -m demos.<app> <command>`: `demo_parser`, `add_command`, `run_cli`;
- user mistakes raise `CLIError`; `run_cli` prints them as one line `error: ...`
  and exits with status 2, without a traceback;
- every `train` flag comes from a field of the app's settings dataclass
  (`add_settings_arguments`), with its default and help; the flags every
  app shares (`train_flags`) are written once, here;
- `--model` accepts a run folder or its `model.keras`; without it the most
  recent run of the app is used.
"""

import argparse
import dataclasses
import sys
from pathlib import Path

MODEL_FILE = "model.keras"

LAYER_NAMES = ("custom", "builtin", "peephole", "coupled", "layernorm", "slstm", "chrono")
LAYER_HELP = (
    "LSTM layer: custom (ExplicitLSTM, gates written out), builtin (keras.layers.LSTM), or a variant: "
    "peephole, coupled (CIFG), layernorm, slstm (xLSTM), chrono (ExplicitLSTM with chrono-initialised biases)"
)


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


def run_cli(parser, argv=None, prepare=None):
    """Parses `argv` and runs the chosen command; `CLIError` and Ctrl-C become one line and an exit status.

    `prepare(args)`, when given, runs first (`startup.prepare_devices`: the
    framework starts only once the flags are known to be good).
    """
    args = parser.parse_args(argv)
    try:
        if prepare is not None:
            prepare(args)
        return args.run(args)
    except CLIError as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        raise SystemExit(130) from None


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


def check_ranges(settings, at_least_one=(), fractions=(), shares=(), open_fractions=(), positive=(), not_negative=()):
    """Raises `CLIError`, naming the flag and the value, for the first field out of its range.

    Args:
        at_least_one: fields that must be 1 or more (counts, sizes).
        fractions: fields in [0, 1) (dropout-like shares).
        shares: fields in [0, 1] (shares of which all is a choice too).
        open_fractions: fields strictly between 0 and 1 (split shares).
        positive: fields above 0 (rates).
        not_negative: fields 0 or more (counts and amounts where 0 means off).
    """
    rules = [(at_least_one, lambda v: v >= 1, "at least 1"), (fractions, lambda v: 0 <= v < 1, "in [0, 1)"),
             (shares, lambda v: 0 <= v <= 1, "in [0, 1]"),
             (open_fractions, lambda v: 0 < v < 1, "between 0 and 1"), (positive, lambda v: v > 0, "above 0"),
             (not_negative, lambda v: v >= 0, "0 or more")]
    for names, valid, wanted in rules:
        for name in names:
            value = getattr(settings, name)
            if not valid(value):
                raise CLIError(f"{flag(name)} must be {wanted}, got {value}")


def check_folder(path, flag):
    """Raises `CLIError` when `path` cannot be a folder: it, or the nearest of its parents that exists, is a file."""
    path = Path(path)
    existing = next(folder for folder in (path, *path.absolute().parents) if folder.exists())
    if not existing.is_dir():
        raise CLIError(f"{flag} {path}: {existing} is not a folder")


def check_choice(name, value, allowed):
    """Raises `CLIError`, naming the flag of the field `name`, when `value` is not among `allowed`."""
    if value not in allowed:
        raise CLIError(f"{flag(name)} must be one of {', '.join(allowed)}, got {value!r}")


def check_layer(name):
    """Raises `CLIError` for a name `--layer` does not take."""
    check_choice("layer", name, LAYER_NAMES)


def parse_layers(text):
    """The layer names of a comma-separated `--layers`, in order; unknown names are a `CLIError`."""
    names = list(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))
    unknown = [name for name in names if name not in LAYER_NAMES]
    if unknown or not names:
        raise CLIError(f"--layers takes names among {','.join(LAYER_NAMES)}, got {text!r}")
    return names
