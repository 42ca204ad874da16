"""`explicit_clone`: the same Keras model with each built-in LSTM made explicit."""

import keras

from custom_layers.explicit_lstm import ExplicitLSTM


def explicit_clone(model):
    """Copies a Sequential or Functional model, each `keras.layers.LSTM` made an `ExplicitLSTM`.

    The clone has the same architecture, configs and weights, so it gives the
    same predictions; layers inside `Bidirectional` wrappers and nested models
    are converted too. The clone is not compiled.

    Args:
        model: A built Sequential or Functional `keras.Model`.

    Returns:
        A new `keras.Model`.

    Example:

    >>> model = keras.Sequential([keras.Input((10, 3)), keras.layers.LSTM(8)])
    >>> clone = explicit_clone(model)
    >>> type(clone.layers[0]).__name__
    'ExplicitLSTM'
    """
    if not isinstance(model, (keras.Sequential, keras.Model)) or not model.built:
        raise ValueError(f"`model` must be a built Keras model, got {model!r}.")
    clone = keras.models.clone_model(model, clone_function=_explicit_layer, recursive=True)
    clone.set_weights(model.get_weights())
    for layer in clone._flatten_layers(include_self=False):
        if hasattr(layer, "finalize_state"):
            layer.finalize_state()  # adapted preprocessing layers (Normalization...) rebuild their statistics
    return clone


def _explicit_layer(layer):
    if type(layer) is keras.layers.LSTM:
        return ExplicitLSTM.from_config(layer.get_config())
    if isinstance(layer, keras.layers.Bidirectional) and type(layer.forward_layer) is keras.layers.LSTM:
        return keras.layers.Bidirectional(
            ExplicitLSTM.from_config(layer.forward_layer.get_config()),
            merge_mode=layer.merge_mode,
            backward_layer=ExplicitLSTM.from_config(layer.backward_layer.get_config()),
            name=layer.name,
        )
    return layer.__class__.from_config(layer.get_config())
