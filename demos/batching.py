"""Batches of sequences of similar length, each padded only as far as it needs.

Sorting by length before batching cuts the padded steps an LSTM runs
through. Padded lengths are rounded up to a multiple of `LENGTH_STEP`, so a
compiled model sees a handful of shapes and traces its graph once per shape,
not once per batch.
"""

import math

import keras
import numpy as np

LENGTH_STEP = 8  # padded lengths are multiples of this


def pad(sequences, value=0, dtype="float32", length=None):
    """Sequences of varying length (lists or arrays `(time, ...)`) right-padded into one array.

    The padded length is `length` if given, else the longest rounded up to a
    multiple of `LENGTH_STEP`.
    """
    longest = max([1, *map(len, sequences)])
    length = length or LENGTH_STEP * math.ceil(longest / LENGTH_STEP)
    first = np.asarray(sequences[0]) if len(sequences) else np.zeros(0)
    array = np.full((len(sequences), length, *first.shape[1:]), value, dtype=dtype)
    for row, sequence in enumerate(sequences):
        array[row, : len(sequence)] = sequence
    return array


class LengthBatches(keras.utils.PyDataset):
    """Batches of items of similar length; `make_batch(indices)` builds each batch's arrays.

    Items are sorted by `keys` (their lengths, or any number that orders
    them). With `seed`, every epoch shuffles the items, sorts each run of
    `window` of them (all if None) by key plus a random jitter in
    `[0, jitter)`, cuts batches and shuffles their order; without it the
    order is fixed (for evaluation: `order` maps the rows of the batches back
    to the items). `lengths`, when the keys are not the lengths, are the
    lengths the batches are padded to. Over `devices` devices (data
    parallelism), the last batch leaves out the fewer than `devices` items
    that would not split evenly.
    """

    def __init__(self, keys, batch_size, make_batch, seed=None, jitter=2.0, window=None, lengths=None, devices=1):
        super().__init__()
        self.devices = devices  # under data parallelism every batch splits evenly: its size is a multiple of this
        self.keys = np.asarray(keys, dtype="float64")
        self.lengths = self.keys if lengths is None else np.asarray(lengths)
        self.batch_size, self.make_batch, self.jitter = batch_size, make_batch, jitter
        self.window = window or len(self.keys)
        self.random = None if seed is None else np.random.default_rng(seed)
        self.on_epoch_end()

    def __len__(self):
        return len(self.batches)

    def __getitem__(self, index):
        return self.make_batch(self.batches[index])

    def on_epoch_end(self):
        if self.random is None and hasattr(self, "batches"):
            return
        if self.random is None:
            order = np.argsort(self.keys, kind="stable")
        else:
            shuffled = self.random.permutation(len(self.keys))
            keys = self.keys[shuffled]
            keys = keys + self.random.uniform(0, self.jitter, len(keys)) if self.jitter else keys
            order = np.concatenate([
                shuffled[start : start + self.window][np.argsort(keys[start : start + self.window], kind="stable")]
                for start in range(0, len(shuffled), self.window)
            ])
        self.batches = [order[start : start + self.batch_size] for start in range(0, len(order), self.batch_size)]
        # Over several devices, the last batch leaves out the few items that would not split evenly.
        self.batches = [batch[: len(batch) - len(batch) % self.devices] for batch in self.batches]
        self.batches = [batch for batch in self.batches if len(batch)]
        if self.random is not None:
            self.random.shuffle(self.batches)
        self._vary_first_two()

    def _vary_first_two(self):
        """Puts a batch of another padded length second, when there is one.

        Keras learns a data set's input shapes from its first two batches; if
        both had the same length, that length would be fixed for every batch.
        """
        padded = [math.ceil(self.lengths[batch].max() / LENGTH_STEP) for batch in self.batches]
        other = next((index for index in range(1, len(padded)) if padded[index] != padded[0]), None)
        if other is not None:
            self.batches.insert(1, self.batches.pop(other))

    @property
    def order(self):
        """The item index of each row of the batches, in batch order."""
        return np.concatenate(self.batches)
