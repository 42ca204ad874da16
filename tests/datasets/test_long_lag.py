"""The recall task: the label is the first of lag + 1 random symbols."""

import numpy as np
import pytest

from datasets.long_lag import recall_task


def test_inputs_are_one_hot_symbols_and_the_label_is_the_first():
    inputs, labels = recall_task(lag=7, count=50, symbols=5, seed=3)
    assert inputs.shape == (50, 8, 5) and inputs.dtype == np.float32
    assert np.all(inputs.sum(axis=-1) == 1)
    np.testing.assert_array_equal(labels, inputs[:, 0].argmax(axis=-1))
    again, _ = recall_task(lag=7, count=50, symbols=5, seed=3)
    np.testing.assert_array_equal(inputs, again)
    other, _ = recall_task(lag=7, count=50, symbols=5, seed=4)
    assert not np.array_equal(inputs, other)


@pytest.mark.parametrize("lag, count, symbols", [(0, 5, 8), (3, 0, 8), (3, 5, 1)])
def test_bad_sizes_are_refused(lag, count, symbols):
    with pytest.raises(ValueError, match="need lag"):
        recall_task(lag, count, symbols)
