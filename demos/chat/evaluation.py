"""Measures of a chat model: bits per reply character and exact greedy replies."""

import math

import numpy as np
from scipy.special import log_softmax

from datasets.dialogs import Vocabulary, replies_by_prompt


def bits_per_char(model, batches):
    """Mean -log2 P(next reply character) over the reply characters and end symbols of `batches`.

    The model is called directly: a few evaluation batches need no compiled predict function.
    """
    import keras

    bits, count = 0.0, 0
    for index in range(len(batches)):
        inputs, targets, _ = batches[index]
        logits = keras.ops.convert_to_numpy(model(inputs, training=False))
        log_probabilities = log_softmax(np.asarray(logits, dtype="float64"), axis=-1)
        picked = np.take_along_axis(log_probabilities, targets[..., None], axis=-1)[..., 0]
        known = targets != Vocabulary.PADDING
        bits -= picked[known].sum() / math.log(2)
        count += known.sum()
    return bits / count


def match_rate(writer, pairs, sample_size=0, seed=0, batch_size=256):
    """Share of prompts whose greedy reply is exactly one of their corpus replies.

    Args:
        writer: A `prediction.ReplyWriter`.
        pairs: (prompt, reply) pairs; a prompt may have several replies.
        sample_size: Check a seeded random sample of this many distinct
            prompts; 0 (or more than there are): all of them.
        seed: Seed of the sample.

    Returns:
        (rate, number of prompts checked).
    """
    replies = replies_by_prompt(pairs)
    prompts = list(replies)
    if 0 < sample_size < len(prompts):
        chosen = np.random.default_rng(seed).choice(len(prompts), sample_size, replace=False)
        prompts = [prompts[i] for i in sorted(chosen)]
    written = []
    for start in range(0, len(prompts), batch_size):
        written += writer.write(prompts[start : start + batch_size])
    hits = sum(reply in replies[prompt] for prompt, reply in zip(prompts, written, strict=True))
    return hits / len(prompts), len(prompts)
