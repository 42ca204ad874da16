"""lstm-lab's layer library: an LSTM with every gate written out, and its variants.

- `ExplicitLSTM`, `ExplicitLSTMCell`: drop-in twins of `keras.layers.LSTM` and
  `keras.layers.LSTMCell`.
- `lstm_step`: one time step, gate by gate.
- Variants, each a layer and a cell with its own step function:
  `PeepholeLSTM` (peephole_lstm.py), `CoupledLSTM` (coupled_lstm.py),
  `LayerNormLSTM` (layernorm_lstm.py), `SLSTM` (slstm.py); and
  `ChronoInitializer` (chrono.py), a bias initializer for any of them.
- `trace_gates`, `plot_gate_trace`: look at the gates of a layer on real input.
- `explicit_clone`: a copy of a Keras model with each `LSTM` made explicit.
- `intervene`: hold a gate at a constant while a model predicts.
"""

from custom_layers.chrono import ChronoInitializer
from custom_layers.cloning import explicit_clone
from custom_layers.coupled_lstm import CoupledLSTM, CoupledLSTMCell, coupled_lstm_step
from custom_layers.explicit_lstm import ExplicitLSTM, ExplicitLSTMCell
from custom_layers.intervention import intervene
from custom_layers.layernorm_lstm import LayerNormLSTM, LayerNormLSTMCell, layernorm_lstm_step
from custom_layers.lstm_step import LSTMStep, hold_gates, lstm_step
from custom_layers.peephole_lstm import PeepholeLSTM, PeepholeLSTMCell, peephole_lstm_step
from custom_layers.slstm import SLSTM, SLSTMCell, SLSTMStep, slstm_step
from custom_layers.tracing import GATE_NAMES, plot_gate_trace, trace_gates

__all__ = [
    "GATE_NAMES",
    "SLSTM",
    "ChronoInitializer",
    "CoupledLSTM",
    "CoupledLSTMCell",
    "ExplicitLSTM",
    "ExplicitLSTMCell",
    "LSTMStep",
    "LayerNormLSTM",
    "LayerNormLSTMCell",
    "PeepholeLSTM",
    "PeepholeLSTMCell",
    "SLSTMCell",
    "SLSTMStep",
    "coupled_lstm_step",
    "explicit_clone",
    "intervene",
    "hold_gates",
    "layernorm_lstm_step",
    "lstm_step",
    "peephole_lstm_step",
    "plot_gate_trace",
    "slstm_step",
    "trace_gates",
]
