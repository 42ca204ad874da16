"""From (prompt, reply) texts to padded batches of character ids."""

import math

import keras
import numpy as np

from datasets.dialogs import Vocabulary


def encode_prompt(vocabulary, prompt, max_chars):
    """The ids of a prompt's first `max_chars` characters."""
    return vocabulary.encode(prompt[:max_chars])


def encode_reply(vocabulary, reply, max_chars):
    """Decoder input (start + reply) and target (reply + end), cut to `max_chars + 1` steps.

    A reply longer than `max_chars` is cut before its end symbol.
    """
    tokens = [Vocabulary.START] + vocabulary.encode(reply[: max_chars + 1]) + [Vocabulary.END]
    tokens = tokens[: max_chars + 2]
    return tokens[:-1], tokens[1:]


def encode_pairs(vocabulary, pairs, settings):
    """Lists of prompt ids, decoder input ids and target ids, one entry per pair."""
    prompts = [encode_prompt(vocabulary, prompt, settings.max_prompt_chars) for prompt, _ in pairs]
    replies = [encode_reply(vocabulary, reply, settings.max_reply_chars) for _, reply in pairs]
    return prompts, [inputs for inputs, _ in replies], [targets for _, targets in replies]


def pad(sequences):
    """Right-pads lists of ids with `Vocabulary.PADDING` into an int32 array."""
    array = np.full((len(sequences), max(1, max(map(len, sequences)))), Vocabulary.PADDING, dtype="int32")
    for row, sequence in enumerate(sequences):
        array[row, : len(sequence)] = sequence
    return array


class PairBatches(keras.utils.PyDataset):
    """Batches of `((prompt, reply_input), reply_target, weight)`, each padded to its own longest pair.

    The weight is 1 for reply characters and 0 for padding.

    With `seed`, pairs are reshuffled every epoch, then grouped with pairs of
    similar reply length (less padding, less work); without it, they keep
    their order (for evaluation).
    """

    def __init__(self, encoded, batch_size, seed=None):
        super().__init__()
        self.prompts, self.inputs, self.targets = encoded
        self.batch_size = batch_size
        self.random = np.random.default_rng(seed) if seed is not None else None
        self.batches = np.array_split(np.arange(len(self.prompts)), len(self))
        self.on_epoch_end()

    def __len__(self):
        return math.ceil(len(self.prompts) / self.batch_size)

    def on_epoch_end(self):
        if self.random is None:
            return
        order = self.random.permutation(len(self.prompts))
        window = 16 * self.batch_size
        order = np.concatenate([sorted(order[i : i + window], key=self._length) for i in range(0, len(order), window)])
        self.batches = [order[i : i + self.batch_size] for i in range(0, len(order), self.batch_size)]
        self.random.shuffle(self.batches)

    def _length(self, k):
        return len(self.inputs[k]) // 16, len(self.prompts[k])

    def __getitem__(self, index):
        rows = self.batches[index]
        prompts = pad([self.prompts[k] for k in rows])
        inputs = pad([self.inputs[k] for k in rows])
        targets = pad([self.targets[k] for k in rows])
        return (prompts, inputs), targets, (targets != Vocabulary.PADDING).astype("float32")
