"""From (prompt, reply) texts to padded batches of character ids."""

import numpy as np

from datasets.dialogs import Vocabulary
from demos.batching import LengthBatches, pad


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


def pad_ids(sequences, length=None):
    """Right-pads lists of ids with `Vocabulary.PADDING` into an int32 array (to `length` if given)."""
    return pad(sequences, value=Vocabulary.PADDING, dtype="int32", length=length)


def pair_batches(encoded, batch_size, seed=None, lengths=(None, None), devices=1, noisy_prompts=None):
    """Batches of `((prompt, reply_input), reply_target, weight)` of pairs with similar reply lengths.

    The weight is 1 for reply characters and 0 for padding. With `seed`,
    every epoch draws random runs of 16 batches' worth of pairs and groups
    each run by reply length (in steps of 16 characters), then by message
    length. `lengths` = (prompt, reply) pads every batch to those lengths:
    one shape, so an evaluation traces its graph once. `noisy_prompts(rows,
    random)`, when given, replaces the prompts of a batch's rows (typing noise
    in training), drawn from the seed and the rows.
    """
    prompts, inputs, targets = encoded
    prompt_length, reply_length = lengths

    def make_batch(rows):
        batch_targets = pad_ids([targets[k] for k in rows], reply_length)
        weights = (batch_targets != Vocabulary.PADDING).astype("float32")
        if noisy_prompts is None:
            batch_prompts = pad_ids([prompts[k] for k in rows], prompt_length)
        else:
            batch_prompts = pad_ids(noisy_prompts(rows, np.random.default_rng([seed or 0, *map(int, rows)])),
                                    prompt_length)
        return (batch_prompts, pad_ids([inputs[k] for k in rows], reply_length)), batch_targets, weights

    keys = [len(reply) // 16 * 10_000 + len(prompt) for prompt, reply in zip(prompts, inputs, strict=True)]
    return LengthBatches(keys, batch_size, make_batch, seed=seed, jitter=0, window=16 * batch_size,
                         lengths=[len(reply) for reply in inputs], devices=devices)


def evaluation_batches(encoded, settings, batch_size=256, devices=1):
    """`pair_batches` for measuring: fixed order, every batch padded to the longest message and reply."""
    return pair_batches(encoded, batch_size, lengths=(settings.max_prompt_chars, settings.max_reply_chars + 1),
                        devices=devices)
