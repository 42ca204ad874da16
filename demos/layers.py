"""The LSTM layers a demo can train with: the names `--layer` takes."""

from demos.common import CLIError

LAYER_NAMES = ("custom", "builtin")
LAYER_HELP = "LSTM layer: custom (ExplicitLSTM, gates written out) or builtin (keras.layers.LSTM)"


def check_layer(name):
    """Raises `CLIError` for a name `--layer` does not take."""
    if name not in LAYER_NAMES:
        raise CLIError(f"--layer must be one of {', '.join(LAYER_NAMES)}, got {name!r}")


def lstm_class(name):
    """The layer class for a `--layer` name: `ExplicitLSTM` for custom, `keras.layers.LSTM` for builtin."""
    import keras

    from custom_layers import ExplicitLSTM

    check_layer(name)
    return {"custom": ExplicitLSTM, "builtin": keras.layers.LSTM}[name]
