"""The LSTM layers a demo can train with: the names `--layer` takes."""

from demos.common import CLIError

LAYER_NAMES = ("custom", "builtin", "peephole", "coupled", "layernorm", "slstm", "chrono")
LAYER_HELP = (
    "LSTM layer: custom (ExplicitLSTM, gates written out), builtin (keras.layers.LSTM), or a variant: "
    "peephole, coupled (CIFG), layernorm, slstm (xLSTM), chrono (ExplicitLSTM with chrono-initialised biases)"
)


def check_layer(name):
    """Raises `CLIError` for a name `--layer` does not take."""
    if name not in LAYER_NAMES:
        raise CLIError(f"--layer must be one of {', '.join(LAYER_NAMES)}, got {name!r}")


def lstm_class(name, max_timescale=100):
    """The layer class, or a factory taking the same arguments, for a `--layer` name.

    `max_timescale` is the longest dependency the chrono initialiser prepares
    for (about the sequence length of the demo).
    """
    import functools

    import keras

    import custom_layers

    check_layer(name)
    if name == "chrono":
        initializer = custom_layers.ChronoInitializer(max_timescale)
        return functools.partial(custom_layers.ExplicitLSTM, bias_initializer=initializer, unit_forget_bias=False)
    return {
        "custom": custom_layers.ExplicitLSTM,
        "builtin": keras.layers.LSTM,
        "peephole": custom_layers.PeepholeLSTM,
        "coupled": custom_layers.CoupledLSTM,
        "layernorm": custom_layers.LayerNormLSTM,
        "slstm": custom_layers.SLSTM,
    }[name]


def parse_layers(text):
    """The layer names of a comma-separated `--layers`, in order; unknown names are a `CLIError`."""
    names = list(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))
    unknown = [name for name in names if name not in LAYER_NAMES]
    if unknown or not names:
        raise CLIError(f"--layers takes names among {','.join(LAYER_NAMES)}, got {text!r}")
    return names
