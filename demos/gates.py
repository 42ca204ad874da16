"""The gates of a demo model's LSTM layer on its own inputs."""


def layer_inputs(model, name, inputs):
    """The layer `name` (a `Bidirectional` wrapper's forward layer), and the inputs and mask the model feeds it.

    Returns `(layer, inputs as NumPy, mask or None)`.
    """
    import keras

    outer = model.get_layer(name)
    layer = getattr(outer, "forward_layer", outer)
    # A layer fed a mask records `[inputs, mask]` as its input.
    fed = keras.tree.flatten(keras.Model(model.input, outer.input)(inputs, training=False))
    mask = keras.ops.convert_to_numpy(fed[1]).astype(bool) if len(fed) > 1 else None
    return layer, keras.ops.convert_to_numpy(fed[0]), mask


def trace_model_layer(model, name, inputs):
    """The gate trace of LSTM layer `name` of `model`, fed by the model's own layers on `inputs`.

    `name` may be a `Bidirectional` wrapper (its forward layer is traced).
    The layer gets the inputs and the mask the model gives it.
    A model trained with the built-in LSTM is first copied with
    `explicit_clone` (same weights, same outputs), so its gates can be traced.
    """
    from custom_layers import ExplicitLSTM, explicit_clone, trace_gates

    layer, fed, mask = layer_inputs(model, name, inputs)
    if not isinstance(layer, ExplicitLSTM):
        return trace_model_layer(explicit_clone(model), name, inputs)
    return trace_gates(layer, fed, mask=mask)
