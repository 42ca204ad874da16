"""The LSTM layers a demo can train with, by the names `--layer` takes (`cli.LAYER_NAMES`)."""

from demos.cli import check_layer


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
