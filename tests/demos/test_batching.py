"""Length-bucketed batches and padding, shared by the speech and chat demos."""

import numpy as np

from demos.batching import LENGTH_STEP, LengthBatches, pad

LENGTHS = [5, 30, 7, 12, 29, 6, 11]


def make_batch(rows):
    return pad([np.full((LENGTHS[i], 2), i + 1.0) for i in rows], value=-1.0), rows


def test_pad_rounds_the_longest_up_to_the_length_step():
    padded = pad([[1, 2, 3], [4]], value=0, dtype="int32")
    assert padded.shape == (2, LENGTH_STEP) and padded.dtype == np.int32
    assert padded[0].tolist()[:4] == [1, 2, 3, 0] and padded[1].tolist()[:2] == [4, 0]
    assert pad([np.ones((9, 3))]).shape == (1, 2 * LENGTH_STEP, 3)


def test_training_batches_hold_every_item_once_padded_only_to_their_longest():
    batches = LengthBatches(LENGTHS, batch_size=3, make_batch=make_batch, seed=1)
    seen = []
    for index in range(len(batches)):
        inputs, rows = batches[index]
        longest = max(LENGTHS[i] for i in rows)
        assert inputs.shape[1] == LENGTH_STEP * -(-longest // LENGTH_STEP)
        for row, item in zip(inputs, rows, strict=True):
            assert np.all(row[: LENGTHS[item]] == item + 1) and np.all(row[LENGTHS[item] :] == -1)
        seen.extend(rows)
    assert sorted(seen) == list(range(len(LENGTHS)))


def test_seeded_batches_change_every_epoch_and_repeat_with_the_seed():
    first, again = (LengthBatches(LENGTHS, 2, make_batch, seed=4) for _ in range(2))
    epochs = []
    for _ in range(3):
        epochs.append([list(batch) for batch in first.batches])
        assert epochs[-1] == [list(batch) for batch in again.batches]
        first.on_epoch_end()
        again.on_epoch_end()
    assert epochs[0] != epochs[1] or epochs[1] != epochs[2]


def test_evaluation_batches_are_sorted_by_length_and_fixed():
    batches = LengthBatches(LENGTHS, 3, make_batch)
    assert [LENGTHS[i] for i in batches.order] == sorted(LENGTHS)
    batches.on_epoch_end()
    assert [LENGTHS[i] for i in batches.order] == sorted(LENGTHS)


def test_the_first_two_batches_differ_in_padded_length_when_any_do():
    # Keras reads the first two batches to learn the input shapes: the time length must vary there.
    lengths = [3, 4, 5, 6, 20, 21]
    for seed in (None, 0, 1, 2):
        batches = LengthBatches(lengths, 2, lambda rows: pad([[1] * lengths[i] for i in rows]), seed=seed)
        assert batches[0].shape[1] != batches[1].shape[1]
