"""lstm-lab's layer library: an LSTM with every gate written out.

- `ExplicitLSTM`, `ExplicitLSTMCell`: drop-in twins of `keras.layers.LSTM` and
  `keras.layers.LSTMCell`.
- `lstm_step`: one time step, gate by gate.
- `trace_gates`, `plot_gate_trace`: look at the gates of a layer on real input.
- `explicit_clone`: a copy of a Keras model with each `LSTM` made explicit.
"""

from custom_layers.cloning import explicit_clone
from custom_layers.explicit_lstm import ExplicitLSTM, ExplicitLSTMCell
from custom_layers.lstm_step import LSTMStep, lstm_step
from custom_layers.tracing import GATE_NAMES, plot_gate_trace, trace_gates

__all__ = [
    "ExplicitLSTM",
    "ExplicitLSTMCell",
    "GATE_NAMES",
    "LSTMStep",
    "explicit_clone",
    "lstm_step",
    "plot_gate_trace",
    "trace_gates",
]
