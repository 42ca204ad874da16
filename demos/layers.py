"""The LSTM layers a demo can train with: the names `--layer` takes."""

LAYER_NAMES = ("builtin", "custom", "keras-loop")


def lstm_class(name):
    """The layer class (or factory taking `units` and keyword arguments) for a `--layer` name."""
    import keras

    from custom_layers import ExplicitLSTM, ExplicitLSTMCell

    classes = {
        "builtin": keras.layers.LSTM,
        "custom": ExplicitLSTM,
        "keras-loop": lambda units, **kwargs: keras.layers.RNN(ExplicitLSTMCell(units), **kwargs),
    }
    if name not in classes:
        raise ValueError(f"--layer must be one of {', '.join(LAYER_NAMES)}, got {name!r}")
    return classes[name]
