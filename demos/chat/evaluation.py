"""Measures of a chat model: bits per reply character, exact replies, replies to new messages.

Two hand-written sets live in `evaluation_sets/` and are never trained on:
`typed_prompts.tsv` (messages as people type them, each with the corpus
prompt it means) and `novel_messages.txt` (messages found in no corpus file).
"""

import collections
import math
from pathlib import Path

import numpy as np
from scipy.special import log_softmax

from datasets.dialogs import Vocabulary, replies_by_prompt
from demos.chat.normalization import words

EVALUATION_SETS = Path(__file__).parent / "evaluation_sets"
TYPED_PROMPTS = EVALUATION_SETS / "typed_prompts.tsv"
NOVEL_MESSAGES = EVALUATION_SETS / "novel_messages.txt"


def read_lines(path):
    """The lines of a hand-written set, without comments (`#`) and blank lines."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def read_typed_prompts(path=TYPED_PROMPTS):
    """(typed message, meant corpus prompt) rows of a tab-separated file."""
    return [tuple(line.split("\t")) for line in read_lines(path)]


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


def is_corpus_reply(written, replies, max_chars):
    """True if `written` is one of `replies`, each cut to its first `max_chars` characters.

    A reply is trained and written up to `max_chars` characters (`features.encode_reply`):
    the first `max_chars` characters of a longer corpus reply are all of it a model can write.
    """
    return any(written == reply[:max_chars] for reply in replies)


def match_rate(writer, pairs, sample_size=0, seed=0, batch_size=256):
    """Share of prompts whose greedy reply is exactly one of their corpus replies (`is_corpus_reply`).

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
    written = write_all(writer, prompts, batch_size)
    hits = sum(is_corpus_reply(reply, replies[prompt], writer.max_reply_chars)
               for prompt, reply in zip(prompts, written, strict=True))
    return hits / len(prompts), len(prompts)


def write_all(writer, messages, batch_size=256):
    """The writer's unsampled replies to `messages`, `batch_size` at a time."""
    return [reply for start in range(0, len(messages), batch_size)
            for reply in writer.write(messages[start : start + batch_size])]


def typed_prompt_match(writer, typed_rows, training_pairs):
    """Share of typed messages whose greedy reply is a corpus reply to the prompt they mean (`is_corpus_reply`).

    Args:
        writer: A `prediction.ReplyWriter`.
        typed_rows: (typed message, meant prompt) rows (`read_typed_prompts`).
        training_pairs: (normalized prompt, reply) pairs; rows whose meant
            prompt is not among them are left out.

    Returns:
        (rate or None, rows checked, [[typed, reply, meant], ...] of the misses).
    """
    replies = replies_by_prompt(training_pairs)
    rows = [(typed, writer.normalizer(meant)) for typed, meant in typed_rows if writer.normalizer(meant) in replies]
    if not rows:
        return None, 0, []
    written = write_all(writer, [typed for typed, _ in rows])
    misses = [[typed, reply, meant] for (typed, meant), reply in zip(rows, written, strict=True)
              if not is_corpus_reply(reply, replies[meant], writer.max_reply_chars)]
    return (len(rows) - len(misses)) / len(rows), len(rows), misses


def is_loop(reply, max_chars):
    """True if the reply repeats a word 3-gram three times or runs to the length limit."""
    tokens = words(reply)
    trigrams = collections.Counter(zip(tokens, tokens[1:], tokens[2:]))
    return len(reply) >= max_chars or any(count >= 3 for count in trigrams.values())


def novel_reply_scores(writer, messages, corpus_words):
    """Known-word rate and loop rate of the greedy replies to new messages, and the replies."""
    replies = write_all(writer, messages)
    reply_words = [word for reply in replies for word in words(reply)]
    return {
        "novel_reply_known_word_rate": sum(word in corpus_words for word in reply_words) / max(1, len(reply_words)),
        "novel_reply_loop_rate": sum(is_loop(reply, writer.max_reply_chars) for reply in replies) / len(replies),
        "novel_messages": len(messages),
        "novel_replies": [[message, reply] for message, reply in zip(messages, replies, strict=True)],
    }


def hand_written_scores(writer, training_pairs, corpus_words):
    """The measures of both hand-written sets: typed prompts (against `training_pairs`) and new messages."""
    typed_rate, typed_count, typed_misses = typed_prompt_match(writer, read_typed_prompts(), training_pairs)
    return {
        "typed_prompt_match_rate": typed_rate,
        "typed_prompts": typed_count,
        **novel_reply_scores(writer, read_lines(NOVEL_MESSAGES), corpus_words),
        "typed_prompt_misses": typed_misses,
    }
