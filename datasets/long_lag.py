"""A synthetic long-lag task: recall the symbol seen `lag` steps ago.

Each sequence holds `lag + 1` random symbols out of `symbols`, one-hot. The
label is the first symbol; the model reads the whole sequence and answers at
the end, so it must keep one symbol in memory across `lag` steps of other
symbols. Guessing scores `1 / symbols`.
"""

import numpy as np


def recall_task(lag, count, symbols=8, seed=0):
    """`(inputs (count, lag + 1, symbols) float32, labels (count,) int)` of the recall task."""
    if lag < 1 or count < 1 or symbols < 2:
        raise ValueError(f"need lag >= 1, count >= 1 and symbols >= 2, got {lag}, {count}, {symbols}")
    rng = np.random.default_rng(seed)
    sequence = rng.integers(0, symbols, size=(count, lag + 1))
    return np.eye(symbols, dtype="float32")[sequence], sequence[:, 0]
