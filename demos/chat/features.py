"""From conversations to character ids: one stream for training, whole conversations for measuring.

A conversation is read as one sequence: the start symbol, then each turn
followed by the end symbol, so every character is both context and target
and each reply is conditioned on every earlier turn.
"""

import math

import numpy as np

from datasets.dialogs import Vocabulary
from demos.batching import pad
from demos.chat.augmentation import add_typing_noise
from demos.chat.normalization import basic_form


def encode_conversation(vocabulary, turns):
    """`[START] turn_0 [END] turn_1 [END] ...` as a list of ids."""
    ids = [Vocabulary.START]
    for turn in turns:
        ids += vocabulary.encode(turn) + [Vocabulary.END]
    return ids


def next_turns(vocabulary, turns):
    """For each id of `encode_conversation(vocabulary, turns)`, the turn its next id belongs to.

    The start symbol and a turn's characters point to that turn (the next
    id is the turn's, or its end), a turn's end to the turn after it: by
    them `id_vectors` gives each step the vector of the conversation before
    the turn being written.
    """
    owners = [0]
    for k, turn in enumerate(turns):
        owners += [k] * len(vocabulary.encode(turn)) + [k + 1]
    return owners


def id_vectors(vocabulary, turns, table):
    """The context vector of each id of `encode_conversation(vocabulary, turns)`, from the conversation's `table`
    (`ranker.Ranker.turn_vectors`)."""
    return table[next_turns(vocabulary, turns)]


def pad_ids(sequences, length=None):
    """Right-pads lists of ids with `Vocabulary.PADDING` into an int32 array (to `length` if given)."""
    return pad(sequences, value=Vocabulary.PADDING, dtype="int32", length=length)


def casual_prompts(turns, random, prompt_words, rate):
    """The turns of a two-party corpus conversation, each prompt (not the last turn) typed casually with `rate`.

    A casual prompt is lower case without punctuation, with one or two
    typing slips (`augmentation.add_typing_noise`).
    """
    return [add_typing_noise(basic_form(turn), random, prompt_words, 1.0) if k < len(turns) - 1
            and random.random() < rate else turn for k, turn in enumerate(turns)]


def casual_words(conversations):
    """The words of the conversations in `basic_form`, sorted: those a typing slip may turn a word into."""
    return sorted({word for turns in conversations for turn in turns for word in basic_form(turn).split()})


class StreamBatches:
    """An epoch of training text as `batch_size` parallel streams cut into steps of `length` characters.

    Each epoch shuffles the conversations (the `repeated` ones `repeats`
    times, with casual prompts), joins them into one stream and deals it out
    to `batch_size` rows; step s of row b continues step s-1 of row b, so a
    stateful LSTM carries its memory across steps. Batches are
    `(inputs, targets)`, targets the inputs shifted by one character.

    With `vectors` (`ranker.Ranker.turn_vectors` of `conversations` and
    then of `repeated`), inputs are `(ids, context vectors)`: each step
    also gets the vector of the conversation before the turn it writes.
    """

    def __init__(self, vocabulary, conversations, repeated, settings, vectors=None):
        self.vocabulary = vocabulary
        self.conversations = conversations
        self.encoded = [np.array(encode_conversation(vocabulary, turns), dtype="int32") for turns in conversations]
        self.repeated = repeated
        self.prompt_words = casual_words(repeated)
        self.settings = settings
        self.use_vectors(vectors)

    def use_vectors(self, vectors):
        """From now on the inputs include `vectors` (None: they do not); starts epoch 0 again."""
        self.table = None if vectors is None else np.concatenate(vectors)
        if vectors is not None:  # the first row of each conversation's vectors in `table`
            self.firsts = np.cumsum([0] + [len(table) for table in vectors])[:-1]
            self.owners = [self.owners_of(k, turns) for k, turns in enumerate(self.conversations)]
        self.set_epoch(0)

    def owners_of(self, k, turns):
        """The row of `table` of each id of conversation `k` read as `turns`."""
        return self.firsts[k] + np.array(next_turns(self.vocabulary, turns))

    def set_epoch(self, epoch):
        settings = self.settings
        random = np.random.default_rng([settings.seed, epoch])
        pieces, owners = list(self.encoded), list(self.owners) if self.table is not None else None
        for _ in range(settings.small_corpus_repeats if self.repeated else 0):
            casual = [casual_prompts(turns, random, self.prompt_words, settings.prompt_noise) for turns in self.repeated]
            pieces += [np.array(encode_conversation(self.vocabulary, turns), dtype="int32") for turns in casual]
            if owners is not None:
                owners += [self.owners_of(len(self.encoded) + k, turns) for k, turns in enumerate(casual)]
        order = random.permutation(len(pieces))
        per_row = (sum(map(len, pieces)) - 1) // settings.batch_size
        self.steps = per_row // settings.sequence_length
        used = self.steps * settings.sequence_length
        rows = np.arange(settings.batch_size)[:, None] * per_row + np.arange(used + 1)[None, :]
        self.rows = np.concatenate([pieces[k] for k in order])[rows]
        if owners is not None:
            self.row_owners = np.concatenate([owners[k] for k in order])[rows]

    def __len__(self):
        return self.steps

    def __getitem__(self, step):
        start = step * self.settings.sequence_length
        window = slice(start, start + self.settings.sequence_length + 1)
        ids = self.rows[:, window]
        if self.table is None:
            return ids[:, :-1], ids[:, 1:]
        return (ids[:, :-1], self.table[self.row_owners[:, window][:, :-1]]), ids[:, 1:]


def encode_message(vocabulary, message):
    """The memory model's encoder input (start, then the message) and its targets (the message, then the end)."""
    ids = [Vocabulary.START, *vocabulary.encode(message), Vocabulary.END]
    return ids[:-1], ids[1:]


def encode_reply(vocabulary, reply, max_chars):
    """The memory model's decoder input (start, then the reply) and targets (the reply, then the end).

    A reply longer than `max_chars` is cut before its end: a written reply
    ends there too.
    """
    ids = [Vocabulary.START, *vocabulary.encode(reply[:max_chars])]
    ids += [Vocabulary.END] if len(reply) <= max_chars else []
    return ids[:-1], ids[1:]


class PairBatches:
    """An epoch of (message, reply) pairs: the memory model's batches.

    Each epoch reads a share `prompt_noise` of the messages casually (as
    `StreamBatches` does), then every message in the form `normalizer` gives
    (a `normalization.PromptNormalizer`), sorts the pairs by reply length
    (with a random jitter of up to 16 characters), cuts batches of
    `batch_size` pairs, pads each to a multiple of 16 characters and shuffles
    the batches. Batches are
    `((message, reply input), (message targets, reply targets))`.
    """

    def __init__(self, vocabulary, pairs, settings, normalizer):
        self.vocabulary = vocabulary
        self.pairs = pairs
        self.normalizer = normalizer
        self.prompt_words = casual_words(pairs)
        self.settings = settings
        self.set_epoch(0)

    def set_epoch(self, epoch):
        settings = self.settings
        random = np.random.default_rng([settings.seed, epoch])
        pairs = [casual_prompts(list(pair), random, self.prompt_words, settings.prompt_noise) for pair in self.pairs]
        rows = [(*encode_message(self.vocabulary, self.normalizer(message)),
                 *encode_reply(self.vocabulary, reply, settings.max_reply_chars)) for message, reply in pairs]
        order = np.argsort([len(row[2]) + random.uniform(0, 16) for row in rows], kind="stable")
        self.batches = [[rows[k] for k in order[start : start + settings.batch_size]]
                        for start in range(0, len(order), settings.batch_size)]
        random.shuffle(self.batches)

    def __len__(self):
        return len(self.batches)

    def __getitem__(self, step):
        rows = self.batches[step]
        columns = [[row[k] for row in rows] for k in range(4)]
        padded = [pad_ids(column, 16 * math.ceil(max(map(len, column)) / 16)) for column in columns]
        return (padded[0], padded[2]), (padded[1], padded[3])


def scored_targets(vocabulary, turns, scored):
    """(inputs, targets, weights) of one conversation: weight 1 on the characters and end of each scored reply."""
    ids = encode_conversation(vocabulary, turns)
    weights = []
    for turn, flag in zip(turns, scored, strict=True):
        weights += [float(flag)] * (len(turn) + 1)  # one id per character, then the end
    return ids[:-1], ids[1:], weights


def evaluation_batches(vocabulary, held_out, batch_size=32, vectors=None):
    """Batches `(inputs, targets, weights)` of whole held-out conversations, shortest first.

    With `vectors` (`ranker.Ranker.turn_vectors` of `held_out.conversations`)
    the inputs are `(ids, context vectors)`, as `StreamBatches` gives them.
    """
    rows = [(*scored_targets(vocabulary, turns, flags), None if vectors is None else id_vectors(vocabulary, turns,
                                                                                                vectors[k])[:-1])
            for k, (turns, flags) in enumerate(zip(held_out.conversations, held_out.scored, strict=True)) if any(flags)]
    rows.sort(key=lambda row: len(row[0]))
    batches = []
    for start in range(0, len(rows), batch_size):
        chunk = rows[start : start + batch_size]
        length = 16 * math.ceil(max(len(row[0]) for row in chunk) / 16)
        inputs = pad_ids([row[0] for row in chunk], length)
        if vectors is not None:
            inputs = (inputs, pad([row[3] for row in chunk], length=length, dtype="float32"))
        batches.append((inputs, pad_ids([row[1] for row in chunk], length), pad([row[2] for row in chunk], length=length)))
    return batches
