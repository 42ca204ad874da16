"""Chrono initialisation (Tallec & Ollivier 2018): gate biases set from the time scales to remember.

An LSTM whose forget gate sits at f forgets with a time constant of about
1 / (1 - f). Chrono draws, for each unit, a time scale T uniformly in
[1, max_timescale - 1] and sets

    b_f = log(T)        forget gate: f = sigmoid(log T) = T / (T + 1), memory of about T steps
    b_i = -b_f          input gate: writes less where the memory is meant to last longer
    b_c = b_o = 0       candidate and output gate: unchanged

so that the units' memories span the range of dependencies the data holds.
Pick `max_timescale` near the longest dependency you expect: the sequence
length for a whole-sequence label, the lag for "recall what came k steps ago".
"""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="lstm_lab")
class ChronoInitializer(keras.initializers.Initializer):
    """Bias initializer of an LSTM's gates from a range of time scales.

    Use it as `bias_initializer` with `unit_forget_bias=False` (the two would
    both set the forget gate's bias; the layers refuse the pair).

    Args:
        max_timescale: Longest memory, in time steps, that a unit starts
            with; above 2. Default: `100`.
        seed: Seed of the drawn time scales. Default: `None`.

    Example:

    >>> layer = ExplicitLSTM(32, bias_initializer=ChronoInitializer(200), unit_forget_bias=False)
    """

    def __init__(self, max_timescale=100, seed=None, gates="ifco"):
        if not max_timescale > 2:
            raise ValueError(f"`max_timescale` must be above 2, got max_timescale={max_timescale!r}.")
        if "f" not in gates or set(gates) - set("ifco"):
            raise ValueError(f"`gates` must name the weight blocks among i, f, c, o with f, got gates={gates!r}.")
        self.max_timescale = float(max_timescale)
        self.seed = seed
        self.gates = gates

    def for_gates(self, gates):
        """The same initializer for a layer whose bias holds the blocks `gates` (for example "fco")."""
        return ChronoInitializer(self.max_timescale, self.seed, gates)

    def __call__(self, shape, dtype=None):
        units = shape[-1] // len(self.gates)
        if shape[-1] != units * len(self.gates):
            raise ValueError(f"a bias of {len(self.gates)} gate blocks cannot have shape {shape}")
        timescale = keras.random.uniform((units,), 1.0, self.max_timescale - 1.0, dtype=dtype, seed=self.seed)
        forget = ops.log(timescale)
        blocks = {"i": -forget, "f": forget, "c": ops.zeros_like(forget), "o": ops.zeros_like(forget)}
        return ops.concatenate([blocks[gate] for gate in self.gates])

    def get_config(self):
        return {"max_timescale": self.max_timescale, "seed": self.seed, "gates": self.gates}
