"""`ExplicitLSTMCell` and `ExplicitLSTM`: drop-in twins of Keras' LSTM.

Same constructor arguments, defaults, weights (names, shapes, order, gate
layout i, f, c, o) and results as `keras.layers.LSTMCell` / `keras.layers.LSTM`;
the step itself is the gate-by-gate `lstm_step`.
"""

import numbers

import keras
from keras import activations, constraints, initializers, ops, regularizers, tree
from keras.src.layers.rnn.dropout_rnn_cell import DropoutRNNCell  # no public equivalent in Keras 3

from custom_layers.chrono import ChronoInitializer
from custom_layers.lstm_step import LSTMStep, hold_gates, lstm_step

PACKAGE = "lstm_lab"


@keras.saving.register_keras_serializable(package=PACKAGE)
class ExplicitLSTMCell(keras.layers.Layer, DropoutRNNCell):
    """Cell class for `ExplicitLSTM`: one LSTM step with every gate named.

    Processes one step of a sequence; `ExplicitLSTM` runs it over a whole
    sequence inside Keras' own recurrent loop, as `keras.layers.RNN` does.

    Args:
        units: Positive integer, dimensionality of the output space.
        activation: Activation for the candidate and the cell state.
            Default: `"tanh"`. `None` means linear.
        recurrent_activation: Activation for the gates. Default: `"sigmoid"`.
        use_bias: Boolean, whether to use a bias vector. Default: `True`.
        kernel_initializer: Initializer for the input kernel W.
            Default: `"glorot_uniform"`.
        recurrent_initializer: Initializer for the recurrent kernel U.
            Default: `"orthogonal"`.
        bias_initializer: Initializer for the bias. Default: `"zeros"`.
        unit_forget_bias: Boolean, add 1 to the forget gate bias at
            initialization. Default: `True`.
        kernel_regularizer: Regularizer for W. Default: `None`.
        recurrent_regularizer: Regularizer for U. Default: `None`.
        bias_regularizer: Regularizer for the bias. Default: `None`.
        kernel_constraint: Constraint for W. Default: `None`.
        recurrent_constraint: Constraint for U. Default: `None`.
        bias_constraint: Constraint for the bias. Default: `None`.
        dropout: Float in [0, 1], fraction of the inputs to drop; values
            outside are clipped to it, as in Keras. Default: `0.0`.
        recurrent_dropout: Float in [0, 1], fraction of h_{t-1} to drop;
            clipped likewise. Default: `0.0`.
        seed: Random seed for dropout. Default: `None`.
        implementation: 1 (a dropout mask per gate) or 2 (one mask).
            Default: 2; forced to 1 when `recurrent_dropout` is set, as in Keras.

    Call arguments:
        inputs: x_t, shape `(batch, features)`.
        states: `[h_{t-1}, C_{t-1}]`, each `(batch, units)`.
        training: Python boolean, whether dropout applies.

    Example:

    >>> cell = ExplicitLSTMCell(4)
    >>> layer = keras.layers.RNN(cell, return_sequences=True)
    >>> layer(np.zeros((2, 5, 3))).shape
    (2, 5, 4)
    """

    GATES = "ifco"  # the weight blocks, in Keras' order: input, forget, candidate, output
    STEP = LSTMStep  # what one step returns
    EXTRA_ARGUMENTS = ()  # constructor arguments a variant adds to ExplicitLSTMCell's
    held_gates = None  # gates held at constants by `intervention.intervene` (a `GateHold`), or None

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias=True,
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        **kwargs,
    ):
        implementation = kwargs.pop("implementation", 2)
        _check_arguments(units, implementation)
        super().__init__(**kwargs)
        self.units = int(units)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.unit_forget_bias = unit_forget_bias
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = min(1.0, max(0.0, float(dropout)))  # clipped, as keras.layers.LSTMCell does
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))
        self.implementation = 1 if self.recurrent_dropout else implementation
        if self.implementation == 1:
            self.dropout_mask_count = len(self.GATES)  # one mask per gate, as in Keras
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed=seed)
        self.state_size = [self.units, self.units]  # h, C
        self.output_size = self.units
        if isinstance(self.bias_initializer, ChronoInitializer) and unit_forget_bias:
            raise ValueError(
                "ChronoInitializer sets the forget gate's bias itself; unit_forget_bias=True would add 1 to it. "
                "Pass unit_forget_bias=False with bias_initializer=ChronoInitializer(...)."
            )

    def build(self, input_shape):
        input_dim = input_shape[-1]
        width = len(self.GATES) * self.units
        self.kernel = self.add_weight(
            shape=(input_dim, width),
            name="kernel",
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, width),
            name="recurrent_kernel",
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(width,),
                name="bias",
                initializer=self._bias_initializer(),
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        self.input_dim = input_dim
        self.build_extra(input_dim)

    def build_extra(self, input_dim):
        """Creates the weights a variant adds (none here)."""

    def _bias_initializer(self):
        if isinstance(self.bias_initializer, ChronoInitializer):
            return self.bias_initializer.for_gates(self.GATES)
        if not self.unit_forget_bias:
            return self.bias_initializer
        before, after = self.GATES.index("f"), len(self.GATES) - self.GATES.index("f") - 1

        def bias_with_forget_ones(_, *args, **kwargs):
            units = self.units
            parts = [self.bias_initializer((before * units,), *args, **kwargs)] if before else []  # b_i
            parts.append(initializers.get("ones")((units,), *args, **kwargs))  # b_f
            parts.append(self.bias_initializer((after * units,), *args, **kwargs))  # b_c, b_o
            return ops.concatenate(parts)

        return bias_with_forget_ones

    def project_inputs(self, inputs, training=False, use_bias=True):
        """`W x_t + b` for inputs `(batch, features)`, with input dropout in training."""
        masks = self.get_dropout_mask(inputs) if training and 0.0 < self.dropout < 1.0 else None
        if masks is None:
            projection = ops.matmul(inputs, self.kernel)
        elif self.implementation == 2:
            projection = ops.matmul(inputs * masks, self.kernel)
        else:
            kernels = ops.split(self.kernel, len(self.GATES), axis=-1)
            projection = ops.concatenate(
                [ops.matmul(inputs * mask, kernel) for mask, kernel in zip(masks, kernels)],
                axis=-1,
            )
        return projection + self.bias if self.use_bias and use_bias else projection

    def recurrent_masks(self, h_prev, training):
        """Recurrent dropout masks, one per gate, when training with `recurrent_dropout`; else None."""
        if training and 0.0 < self.recurrent_dropout < 1.0:
            return self.get_recurrent_dropout_mask(h_prev)
        return None

    def step(self, x_projection, states, training=False):
        """One time step from `x_projection = W x_t + b`; returns an `LSTMStep`."""
        h_prev, c_prev = states
        result = lstm_step(
            x_projection,
            h_prev,
            c_prev,
            self.recurrent_kernel,
            self.activation,
            self.recurrent_activation,
            self.recurrent_masks(h_prev, training),
        )
        if self.held_gates is not None:  # inside `intervene`
            result = hold_gates(result, c_prev, self.held_gates, self.activation)
        return result

    def next_states(self, result):
        """The states the next step starts from, taken from a step's result."""
        return [result.hidden_state, result.cell_state]

    def call(self, inputs, states, training=False):
        result = self.step(self.project_inputs(inputs, training), states, training)
        return result.hidden_state, self.next_states(result)

    def get_initial_state(self, batch_size=None):
        return [ops.zeros((batch_size, size), dtype=self.compute_dtype) for size in self.state_size]

    def get_config(self):
        config = {
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "unit_forget_bias": self.unit_forget_bias,
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
            "implementation": self.implementation,
        }
        return {**super().get_config(), **config, **self.extra_config()}

    def extra_config(self):
        """The config of the arguments in `EXTRA_ARGUMENTS`."""
        return {}


def _check_arguments(units, implementation):
    if isinstance(units, bool) or not isinstance(units, numbers.Integral) or units <= 0:
        raise ValueError(f"`units` must be a positive integer, got units={units!r}.")
    if implementation not in (1, 2):
        raise ValueError(f"`implementation` must be 1 or 2, got implementation={implementation!r}.")


# Arguments that `ExplicitLSTM` hands to its cell and reads back from it.
CELL_ARGUMENTS = (
    "units",
    "activation",
    "recurrent_activation",
    "use_bias",
    "kernel_initializer",
    "recurrent_initializer",
    "bias_initializer",
    "unit_forget_bias",
    "kernel_regularizer",
    "recurrent_regularizer",
    "bias_regularizer",
    "kernel_constraint",
    "recurrent_constraint",
    "bias_constraint",
    "dropout",
    "recurrent_dropout",
)


@keras.saving.register_keras_serializable(package=PACKAGE)
class ExplicitLSTM(keras.layers.RNN):
    """Long Short-Term Memory layer with every gate written out.

    A drop-in replacement for `keras.layers.LSTM`: the same arguments,
    defaults, weights and results, computed by the readable `lstm_step` inside
    Keras' own recurrent loop (the one `keras.layers.LSTM` runs on a CPU). It
    never uses cuDNN; under `jit_compile=True` it runs through XLA.

    Args:
        units: Positive integer, dimensionality of the output space.
        activation: Activation for the candidate and the cell state.
            Default: `"tanh"`. `None` means linear.
        recurrent_activation: Activation for the gates. Default: `"sigmoid"`.
        use_bias: Boolean, whether to use a bias vector. Default: `True`.
        kernel_initializer: Initializer for the input kernel W.
            Default: `"glorot_uniform"`.
        recurrent_initializer: Initializer for the recurrent kernel U.
            Default: `"orthogonal"`.
        bias_initializer: Initializer for the bias. Default: `"zeros"`.
        unit_forget_bias: Boolean, add 1 to the forget gate bias at
            initialization. Default: `True`.
        kernel_regularizer: Regularizer for W. Default: `None`.
        recurrent_regularizer: Regularizer for U. Default: `None`.
        bias_regularizer: Regularizer for the bias. Default: `None`.
        activity_regularizer: Regularizer for the output. Default: `None`.
        kernel_constraint: Constraint for W. Default: `None`.
        recurrent_constraint: Constraint for U. Default: `None`.
        bias_constraint: Constraint for the bias. Default: `None`.
        dropout: Float in [0, 1], fraction of the inputs to drop; values
            outside are clipped to it, as in Keras. Default: `0.0`.
        recurrent_dropout: Float in [0, 1], fraction of h_{t-1} to drop;
            clipped likewise. Default: `0.0`.
        seed: Random seed for dropout. Default: `None`.
        return_sequences: Boolean, return every h_t rather than the last.
            Default: `False`.
        return_state: Boolean, also return the last h_t and C_t.
            Default: `False`.
        go_backwards: Boolean, process the sequence backwards and return
            the reversed sequence. Default: `False`.
        stateful: Boolean, carry the last state of each sample of a batch
            into the next batch. Default: `False`.
        unroll: Boolean, unroll the loop (faster for short sequences,
            more memory). Default: `False`.
        use_cudnn: `"auto"` or `False` (the same here: explicit gates never
            run inside cuDNN). `True` raises `ValueError`. Default: `"auto"`.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`...),
            `zero_output_for_mask`, and `implementation` (1 or 2, as in Keras).

    Call arguments:
        inputs: A 3D tensor `(batch, time, features)`.
        mask: Optional boolean tensor `(batch, time)`; `False` skips a step
            (its state is carried over).
        training: Python boolean, whether dropout applies.
        initial_state: Optional list `[h_0, C_0]`, each `(batch, units)`.

    Example:

    >>> inputs = np.random.random((32, 10, 8))
    >>> lstm = ExplicitLSTM(4)
    >>> lstm(inputs).shape
    (32, 4)
    >>> lstm = ExplicitLSTM(4, return_sequences=True, return_state=True)
    >>> sequence, h_last, c_last = lstm(inputs)
    >>> sequence.shape, h_last.shape, c_last.shape
    ((32, 10, 4), (32, 4), (32, 4))
    """

    cell_class = ExplicitLSTMCell  # a variant's layer names its own cell

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias=True,
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        use_cudnn="auto",
        **kwargs,
    ):
        if use_cudnn is True or use_cudnn not in ("auto", False):
            raise ValueError(
                "ExplicitLSTM computes its gates step by step and never runs inside cuDNN: "
                f"use_cudnn must be 'auto' or False, got use_cudnn={use_cudnn!r}."
            )
        extra = {name: kwargs.pop(name) for name in self.cell_class.EXTRA_ARGUMENTS if name in kwargs}
        cell = self.cell_class(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            implementation=kwargs.pop("implementation", 2),
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="lstm_cell",
            **extra,
        )
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            unroll=unroll,
            activity_regularizer=activity_regularizer,
            **kwargs,
        )
        self.use_cudnn = use_cudnn
        self.input_spec = keras.layers.InputSpec(ndim=3)

    def build(self, sequences_shape, initial_state_shape=None):
        if self.stateful and _data_parallel():
            raise ValueError(
                f"{type(self).__name__} with stateful=True cannot train data-parallel: each device would keep "
                "the states of its own share of the batch. Build the model outside the distribution scope "
                "(keras.distribution or tf.distribute), or use stateful=False."
            )
        super().build(sequences_shape, initial_state_shape)
        self.input_spec = keras.layers.InputSpec(ndim=3, axes={-1: sequences_shape[-1]})

    def call(self, sequences, initial_state=None, mask=None, training=False):
        _check_mask(sequences, mask)
        return super().call(sequences, mask=mask, training=training, initial_state=initial_state)

    def get_config(self):
        cell_config = self.cell.get_config()
        config = {name: cell_config[name] for name in CELL_ARGUMENTS}
        config["seed"] = self.cell.seed
        config["implementation"] = self.cell.implementation
        config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        config["use_cudnn"] = self.use_cudnn
        config.update(self.cell.extra_config())
        base_config = super().get_config()
        del base_config["cell"]
        return {**base_config, **config}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _cell_attribute(name):
    return property(lambda self: getattr(self.cell, name), doc=f"The cell's `{name}`.")


for _name in CELL_ARGUMENTS:
    setattr(ExplicitLSTM, _name, _cell_attribute(_name))


def _data_parallel():
    """Whether a Keras distribution (JAX) or a tf.distribute strategy of several replicas is in force."""
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        return tf.distribute.has_strategy() and tf.distribute.get_strategy().num_replicas_in_sync > 1
    return keras.distribution.distribution() is not None


def _check_mask(sequences, mask):
    """Rejects a mask whose shape is not the inputs' `(batch, time)`."""
    if mask is None or tree.is_nested(mask):
        return
    expected = tuple(sequences.shape[:2])
    shape = tuple(mask.shape)
    compatible = len(shape) == 2 and all(a is None or b is None or a == b for a, b in zip(shape, expected))
    if not compatible:
        raise ValueError(f"`mask` must have shape (batch, time) = {expected}, got mask.shape={shape}.")
