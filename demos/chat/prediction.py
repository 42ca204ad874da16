"""Writing replies one character at a time, carrying the LSTM's state.

The conversation so far (the earlier turns and the new message, each ended
by the end symbol) is read once; then each step feeds the last character and
the states of the previous step to the same LSTM (`model.build_step_model`),
so a reply costs one LSTM step per character. With a `decoding.WordLexicon`,
replies use only the training corpus's words.

With `anti_lm` above 0 (maximum mutual information decoding, the anti-LM
form of Li et al., 2016), the first `anti_lm_chars` characters are chosen by
log p(c | conversation) - anti_lm * log p(c | no conversation): the same
model, fed the reply alone, says what would come whatever was said, and that
much is taken off, so that the opening is an answer to this message rather
than the reply that fits any message ("I don't know.").

With a reply ranker (`ranker.py`), unsampled replies are the ranker's pick
among the replies beam search finished and `samples` more sampled at
`SAMPLE_TEMPERATURE` (sample-and-rank, as Adiwardana et al. 2020 chose
Meena's replies, with the ranker as the judge): a beam holds few kinds of
reply, samples bring others.

A run may hold a second model (`memory.keras`, `model.build_memory_model`)
that learned the chatterbot corpus and the persona by heart: each message
goes to the model that finds it likelier (`ReplyWriter.route`), so the bot
keeps its name and facts beside everyday conversation. The memory recites or
defers: when what it writes is none of the replies it learnt, it was not
reciting but guessing, and the conversation model answers instead.
"""

import json
import zlib

import numpy as np
from scipy.special import log_softmax

from datasets.dialogs import Vocabulary
from demos.batching import pad
from demos.chat.decoding import WordLexicon, WordTracker
from demos.chat.features import encode_conversation, encode_message, id_vectors, pad_ids
from demos.chat.model import TRACED_LAYER, build_memory_step_models, build_step_model, context_units
from demos.chat.normalization import PromptNormalizer, basic_form
from demos.chat.ranker import load_ranker
from demos.chat.settings import APP, SAMPLE_TEMPERATURE, Settings
from demos.cli import CLIError
from demos.runs import load_model, load_run

MAX_MESSAGE_CHARS = 1000  # a longer message is cut, with a note
VOCABULARY_FILE = "vocabulary.json"
MEMORY_FILE = "memory.keras"  # the model of the chatterbot corpus and the persona, when the run has one
WORDS_FILE = "words.json"  # the training corpus's words (replies may use only these)

# Padding, start and unknown are never part of a reply.
NEVER_WRITTEN = [Vocabulary.PADDING, Vocabulary.START, Vocabulary.UNKNOWN]


class ReplyWriter:
    """Greedy, beam-searched or sampled replies of a trained chat model (see `model.build_model`)."""

    def __init__(self, model, vocabulary, max_reply_chars, max_context_chars, lexicon=None, run_dir=None,
                 beam_width=0, anti_lm=0.0, anti_lm_chars=0, memory=None, normalizer=None, ranker=None,
                 conditioner=None, memory_replies=None, samples=0):
        self.model = model
        self.vocabulary = vocabulary
        self.max_reply_chars = max_reply_chars
        self.max_context_chars = max_context_chars
        self.lexicon = lexicon  # None: any spelling; a WordLexicon: known words only
        self.run_dir = run_dir  # the run folder the model came from, if any
        self.beam_width = beam_width  # above 1: beam search writes the replies that are not sampled (`best_candidate`)
        self.anti_lm = anti_lm  # weight of the context-free log-probability taken off (greedy and sampled replies)
        self.anti_lm_chars = anti_lm_chars  # characters of a reply chosen that way (0: all of them)
        self.ranker = ranker  # a `ranker.Ranker`: picks among the beam's finished replies (None: the likeliest wins)
        self.conditioner = conditioner  # the `ranker.Ranker` whose context vectors the model reads (None: it reads none)
        self.samples = samples if ranker is not None else 0  # sampled replies beside the beam's, for the ranker to judge
        if context_units(model) and conditioner is None:
            raise CLIError(f"{run_dir or 'the run'} lacks the reply ranker (ranker.keras, ranker-words.json) whose "
                           "context vectors this chat model reads")
        self.step_model = self.build_step_model(model)
        self.units = model.get_layer(TRACED_LAYER).units
        self.memory = None if memory is None else MemoryWriter(  # greedy: it recites what it learnt by heart
            memory, vocabulary, max_reply_chars, max_context_chars, lexicon, run_dir, 0, anti_lm, anti_lm_chars,
            normalizer=normalizer, replies=memory_replies)

    def build_step_model(self, model):
        return build_step_model(model)

    @property
    def writers(self):
        """The writers a message may go to: this one, then the memory's if any."""
        return [self] if self.memory is None else [self, self.memory]

    def route(self, conversations):
        """The writer that answers each conversation (see `recitations`)."""
        return self.recitations(conversations)[0]

    def recitations(self, conversations):
        """(the writer that answers each conversation, the memory's reply where it answers, else None).

        The memory answers a message when its model finds the message likelier
        than this one does (mean log-probability per character, end included,
        after the earlier turns, as `reply_scores` scores a reply) and its
        greedy reply is one it learnt (`MemoryWriter.recites`).
        """
        recited = [None] * len(conversations)
        if self.memory is None or not conversations:
            return [self] * len(conversations), recited
        mine, memory = (writer.message_scores(conversations) for writer in self.writers)
        rows = [row for row, (own, theirs) in enumerate(zip(mine, memory, strict=True)) if theirs > own]
        for row, reply in zip(rows, self.memory.write_own([conversations[row] for row in rows]), strict=True):
            recited[row] = reply if self.memory.recites(reply) else None
        return [self if reply is None else self.memory for reply in recited], recited

    def message_scores(self, conversations):
        """Mean log-probability per character (end included) of each conversation's last turn after the others."""
        return reply_scores(self, [turns[:-1] for turns in conversations], [[turns[-1]] for turns in conversations])[:, 0]

    def traced_inputs(self, turns, reply):
        """(model inputs, ids of the traced layer's steps, steps before the reply) of `turns` and then `reply`."""
        context = self.context_ids(turns)
        ids = context + self.vocabulary.encode(reply)
        if self.conditioner is None:
            return np.array([ids], dtype="int32"), ids, len(context)
        table = self.conditioner.turn_vectors([turns])[0]
        vectors = np.concatenate([self.context_vectors(turns, table), np.repeat(table[-1:], len(ids) - len(context), 0)])
        return [np.array([ids], dtype="int32"), vectors[np.newaxis]], ids, len(context)

    def context_ids(self, turns):
        """The ids of a conversation so far, cut to its last `max_context_chars` characters."""
        ids = encode_conversation(self.vocabulary, turns)
        return ids if len(ids) <= self.max_context_chars else ids[-self.max_context_chars :]

    def model_inputs(self, conversations):
        """The whole model's inputs for `conversations` read whole: padded ids, and with a conditioner each id's
        context vector too."""
        ids = pad_ids([encode_conversation(self.vocabulary, turns) for turns in conversations])
        if self.conditioner is None:
            return ids
        tables = self.conditioner.turn_vectors(conversations)
        return [ids, pad([id_vectors(self.vocabulary, turns, table) for turns, table in zip(conversations, tables)],
                         length=ids.shape[1], dtype="float32")]

    def context_vectors(self, turns, table):
        """The context vector of each id of `context_ids(turns)`, from the conversation's `table` (`turn_vectors`)."""
        return id_vectors(self.vocabulary, turns, table)[-self.max_context_chars :]

    def read(self, conversations):
        """(log-probabilities of each reply's first character, states) after reading each conversation so far.

        With a conditioner, the last of the states is each conversation's
        context vector for the reply, which `run_steps` gives every step.
        """
        ids = [self.context_ids(turns) for turns in conversations]
        inputs = [pad_ids(ids)]
        if self.conditioner is not None:
            tables = self.conditioner.turn_vectors(conversations)
            inputs.append(pad([self.context_vectors(turns, table) for turns, table in zip(conversations, tables)],
                              length=inputs[0].shape[1], dtype="float32"))
        zeros = [np.zeros((len(ids), self.units), "float32") for _ in self.step_model.inputs[len(inputs) :]]
        logits, *states = self.step_model.predict_on_batch([*inputs, *zeros])
        if self.conditioner is not None:
            states.append(np.stack([table[-1] for table in tables]))
        last = np.array([len(row) - 1 for row in ids])
        return logits[np.arange(len(ids)), last], states

    def run_steps(self, ids, states):
        """(logits, states) after reading `ids` (batch, time) from `states` (`read`'s)."""
        if self.conditioner is None:
            logits, *states = self.step_model.predict_on_batch([ids, *states])
            return logits, states
        *states, vectors = states
        logits, *states = self.step_model.predict_on_batch([ids, np.repeat(vectors[:, None], ids.shape[1], 1), *states])
        return logits, [*states, vectors]

    def step(self, previous, states):
        logits, states = self.run_steps(previous[:, None], states)
        return logits[:, 0], states

    def write(self, conversations, temperature=0.0, top_k=0, seed=None, stop_at_end=True):
        """One reply per conversation (a list of turns, the last one the message to answer).

        Args:
            conversations: Lists of strings; a string alone is a one-message conversation.
            temperature: 0 picks the likeliest character (or, with
                `beam_width` above 1, the likeliest reply found by beam
                search); above 0 samples from the softmax of logits / temperature.
            top_k: When sampling, draw only among the k likeliest characters (0: all).
            seed: Seed of the sampling.
            stop_at_end: False writes `max_reply_chars` steps whatever the
                model says (to time the writing).

        Returns:
            A list of strings.
        """
        return self.write_routed(conversations, temperature, top_k, seed, stop_at_end)[0]

    def write_routed(self, conversations, temperature=0.0, top_k=0, seed=None, stop_at_end=True):
        """`(replies, writers)`: `write`'s replies and the writer (`route`) that wrote each."""
        conversations = [[turns] if isinstance(turns, str) else list(turns) for turns in conversations]
        routes, replies = self.recitations(conversations)  # the memory recites greedily whatever the decoding
        rows = [row for row, chosen in enumerate(routes) if chosen is self]
        written = self.write_own([conversations[row] for row in rows], temperature, top_k, seed, stop_at_end)
        for row, reply in zip(rows, written, strict=True):
            replies[row] = reply
        return replies, routes

    def write_own(self, conversations, temperature=0.0, top_k=0, seed=None, stop_at_end=True):
        """`write` by this writer's model alone (no routing)."""
        if not conversations:
            return []
        if temperature <= 0 and (self.beam_width > 1 or self.samples):
            return [self.best_candidate(turns, stop_at_end) for turns in conversations]
        return self.sample(conversations, temperature, top_k, np.random.default_rng(seed), stop_at_end)

    def sample(self, conversations, temperature, top_k, random, stop_at_end=True):
        """One reply per conversation, each character `choose`n by `random` (greedy at temperature 0)."""
        logits, states = self.read(conversations)
        free = self.read([[] for _ in conversations]) if self.anti_lm > 0 else None  # the reply without context
        batch = len(conversations)
        replies = np.zeros((batch, self.max_reply_chars), dtype="int32")
        done = np.zeros(batch, dtype=bool)
        tracker = WordTracker(self.lexicon, batch) if self.lexicon is not None else None
        for step in range(self.max_reply_chars):
            logits = self.informative(logits, free, step)
            logits[:, NEVER_WRITTEN] = -np.inf
            if tracker is not None:
                logits[~tracker.allowed()] = -np.inf
            previous = choose(logits, temperature, top_k, random)
            if tracker is not None:
                tracker.update(previous)
            done |= stop_at_end & (previous == Vocabulary.END)
            replies[:, step] = np.where(done, Vocabulary.PADDING, previous)
            if done.all() or step == self.max_reply_chars - 1:
                break
            logits, states = self.step(previous, states)
            if free is not None:
                free = self.step(previous, free[1])
        return [self.vocabulary.decode(reply) for reply in replies]

    def best_candidate(self, turns, stop_at_end=True):
        """The likeliest reply beam search finished, or with a ranker the one it finds answers best among those and
        `samples` sampled ones (seeded by the conversation: the same conversation, the same reply)."""
        candidates = beam_candidates(self, turns, self.beam_width, stop_at_end) if self.beam_width > 1 else []
        if self.ranker is None:
            return likeliest(candidates)
        random = np.random.default_rng(zlib.crc32("\n".join(turns).encode()))
        sampled = self.sample([turns] * self.samples, SAMPLE_TEMPERATURE, 0, random, stop_at_end) if self.samples else []
        replies = list(dict.fromkeys([reply for _, reply in candidates] + sampled))
        return replies[0] if len(replies) == 1 else replies[int(self.ranker.scores([turns], [replies])[0].argmax())]

    def informative(self, logits, free, step):
        """The scores of the next characters: the logits, or with `anti_lm` the log-probabilities given the
        conversation minus `anti_lm` times those without it (`free`), for the first `anti_lm_chars` steps."""
        if free is None or 0 < self.anti_lm_chars <= step:
            return np.array(logits, dtype="float64")
        given = log_softmax(np.asarray(logits, "float64"), axis=-1)
        return given - self.anti_lm * log_softmax(np.asarray(free[0], "float64"), axis=-1)


class MemoryWriter(ReplyWriter):
    """Replies of the memory model (`model.build_memory_model`): its encoder reads the last message alone, normalized."""

    def __init__(self, *args, normalizer=None, replies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.normalizer = normalizer or basic_form  # the form of the messages the memory model reads
        # The replies it learnt, as it writes them (cut to max_reply_chars); None: it answers with whatever it writes.
        self.replies = None if replies is None else {reply[: self.max_reply_chars] for reply in replies}

    def recites(self, reply):
        """True if `reply` is one the memory learnt (or it knows none of them)."""
        return self.replies is None or reply in self.replies

    def build_step_model(self, model):
        self.encoder, step_model = build_memory_step_models(model)
        return step_model

    def encode(self, conversations):
        """The padded encoder input and targets of each conversation's last turn (the message)."""
        pairs = [encode_message(self.vocabulary, self.normalizer(turns[-1][: self.max_context_chars]) if turns else "")
                 for turns in conversations]
        return pad_ids([inputs for inputs, _ in pairs]), pad_ids([targets for _, targets in pairs])

    def read(self, conversations):
        _, context = self.encoder.predict_on_batch(self.encode(conversations)[0])
        zeros = [np.zeros_like(context) for _ in self.step_model.inputs[2:]]
        start = np.full((len(conversations), 1), Vocabulary.START, dtype="int32")
        logits, *states = self.step_model.predict_on_batch([start, context, *zeros])
        return logits[:, 0], states

    def message_scores(self, conversations):
        inputs, targets = self.encode(conversations)
        logits, _ = self.encoder.predict_on_batch(inputs)
        picked = target_log_probabilities(logits, targets)
        real = targets != Vocabulary.PADDING
        return (picked * real).sum(axis=1) / real.sum(axis=1)

    def traced_inputs(self, turns, reply):
        message, _ = self.encode([turns])
        ids = [Vocabulary.START, *self.vocabulary.encode(reply)]
        return [message, np.array([ids], dtype="int32")], ids, 1  # the encoder's reading comes in by the start step


def reply_ids(vocabulary, reply):
    """The ids a reply is scored on: its characters, and its end."""
    return [*vocabulary.encode(reply), Vocabulary.END]


def reply_log_probabilities(writer, contexts, candidates, batch_size=32):
    """The log-probability of each id of each candidate reply (its characters and its end) after its context.

    `contexts`: lists of turns; `candidates`: one list of replies per
    context, all of the same length. Returns one array per candidate, context
    by context.
    """
    scores = []
    for start in range(0, len(contexts), batch_size):
        chunk, options = contexts[start : start + batch_size], candidates[start : start + batch_size]
        first, states = writer.read(chunk)
        ids = [reply_ids(writer.vocabulary, reply) for row in options for reply in row]
        repeated = [np.repeat(np.asarray(state), len(options[0]), axis=0) for state in states]
        logits, _ = writer.run_steps(pad_ids([row[:-1] for row in ids]), repeated)
        lengths = [len(reply) - 1 for reply in ids]  # the ids after the first, unpadded
        rows = np.repeat(np.arange(len(ids)), lengths)
        steps = np.array([step for length in lengths for step in range(length)], dtype=int)
        after = target_log_probabilities(np.asarray(logits)[rows, steps],
                                         np.array([token for reply in ids for token in reply[1:]], dtype=int))
        opening = target_log_probabilities(np.asarray(first)[np.arange(len(ids)) // len(options[0])],
                                           np.array([reply[0] for reply in ids]))
        tails = np.split(after, np.cumsum(lengths)[:-1])
        scores.extend(np.concatenate([[head], tail]) for head, tail in zip(opening, tails, strict=True))
    return scores


def target_log_probabilities(logits, targets):
    """log softmax(logits)[target] at each position, in float64: `logits` (..., classes), `targets` (...) of ids.

    Only the normalizer is computed over the classes, not every class's
    log-probability.
    """
    logits = np.asarray(logits, "float64")
    top = logits.max(axis=-1)
    normalizer = top + np.log(np.exp(logits - top[..., None]).sum(axis=-1))
    return np.take_along_axis(logits, np.asarray(targets)[..., None], axis=-1)[..., 0] - normalizer


def reply_scores(writer, contexts, candidates, batch_size=32, per_char=True):
    """Mean log-probability per character (end included) of each candidate reply after its context
    (`reply_log_probabilities`), as an array (contexts, candidates): with `per_char` False, each reply's whole
    log-probability instead."""
    scores = [row.sum() / (len(row) if per_char else 1)
              for row in reply_log_probabilities(writer, contexts, candidates, batch_size)]
    return np.array(scores).reshape(len(contexts), -1)


def answer(writer, turns, temperature=0.0, top_k=0, seed=0):
    """The reply to the last of `turns` (the earlier ones are its context), and notes for the reader.

    A message longer than `MAX_MESSAGE_CHARS` is cut (a note says so);
    characters the model never saw are read as one unknown symbol (a note
    names them). Returns `(reply, notes)`.
    """
    from demos.startup import set_seed

    notes = []
    message = turns[-1]
    if len(message) > MAX_MESSAGE_CHARS:
        notes.append(f"message cut to its first {MAX_MESSAGE_CHARS} characters")
        turns = [*turns[:-1], message[:MAX_MESSAGE_CHARS]]
    unknown = {character for character in turns[-1] if character not in writer.vocabulary.index}
    if unknown:
        notes.append(f"unknown to the model, read as one symbol: {''.join(sorted(unknown))}")
    set_seed(seed)
    return writer.write([turns], temperature, top_k, seed)[0], notes


def beam_reply(writer, turns, width, stop_at_end=True):
    """The reply with the highest mean log-probability per character among `width` kept at each step."""
    return likeliest(beam_candidates(writer, turns, width, stop_at_end))


def likeliest(candidates):
    """The reply of the (score, reply) pair with the highest score (the first of equals)."""
    return max(candidates, key=lambda item: item[0])[1]


def beam_candidates(writer, turns, width, stop_at_end=True):
    """(mean log-probability per character, reply) of the replies beam search of `width` finished.

    A reply that ends is scored by its log-probability divided by its length
    (the end symbol included), so long replies are not penalised for their
    length. `stop_at_end` False treats the end symbol as any character and
    writes `max_reply_chars` steps (to time the writing).
    """
    logits, states = writer.read([turns])
    tracker = WordTracker(writer.lexicon, 1) if writer.lexicon is not None else None
    replies, scores = [[]], np.zeros(1)
    finished = []  # (score per character, ids)
    for step in range(writer.max_reply_chars):
        if step:
            previous = np.array([reply[-1] for reply in replies], dtype="int32")
            logits, states = writer.step(previous, states)
        logits = np.array(logits)
        logits[:, NEVER_WRITTEN] = -np.inf
        if tracker is not None:
            logits[~tracker.allowed()] = -np.inf
        totals = scores[:, None] + log_softmax(logits.astype("float64"), axis=-1)
        kept = []
        for flat in np.argsort(totals, axis=None)[::-1][: 2 * width]:
            row, index = divmod(int(flat), totals.shape[1])
            if not np.isfinite(totals[row, index]) or len(kept) == width:
                break
            if index == Vocabulary.END and stop_at_end:
                finished.append((totals[row, index] / (len(replies[row]) + 1), replies[row]))
            else:
                kept.append((row, index))
        if not kept or len(finished) >= width:
            break
        rows, chosen = [row for row, _ in kept], np.array([index for _, index in kept], dtype="int32")
        states = [np.asarray(state)[rows] for state in states]
        scores = totals[rows, chosen]
        replies = [replies[row] + [int(index)] for row, index in kept]
        if tracker is not None:
            tracker = tracker.select(rows)
            tracker.update(chosen)
    finished = finished or [(scores[0] / max(1, len(replies[0])), replies[0])]  # ran to the limit, or nothing fit
    return [(score, writer.vocabulary.decode(ids)) for score, ids in finished]


def choose(logits, temperature, top_k, random):
    """The next character of each row: the argmax, or a sample at `temperature` among the top k."""
    if temperature <= 0:
        return logits.argmax(axis=-1).astype("int32")
    logits = logits.astype("float64") / temperature
    if 0 < top_k < logits.shape[-1]:
        threshold = np.sort(logits, axis=-1)[:, -top_k][:, None]
        logits = np.where(logits < threshold, -np.inf, logits)
    probabilities = np.exp(logits - logits.max(axis=-1, keepdims=True))
    probabilities /= probabilities.sum(axis=-1, keepdims=True)
    return np.array([random.choice(len(row), p=row) for row in probabilities], dtype="int32")


def save_words(run_dir, lexicon, normalizer=None, memory_replies=None):
    """Writes what `load_writer` needs besides the models and the vocabulary: the corpus's words, and when there is
    a memory model the words its messages are fitted to (`normalization.PromptNormalizer`) and the replies it
    learnt."""
    content = {"corpus_words": sorted(lexicon.words)}
    if normalizer is not None:
        content["memory_prompt_words"] = dict(sorted(normalizer.known.items()))
    if memory_replies is not None:
        content["memory_replies"] = sorted(memory_replies)
    text = json.dumps(content, ensure_ascii=False)
    (run_dir / WORDS_FILE).write_text(text + "\n", encoding="utf-8")


def load_writer(model=None, known_words_only=None, beam_width=None, anti_lm=0.0, anti_lm_chars=0, use_ranker=True,
                samples=None):
    """A `ReplyWriter` for the run named by `--model` (the latest if None).

    `known_words_only` None follows the run's `known_words_only` setting;
    `beam_width` above 1 writes unsampled replies by beam search (None: the
    run's `reply_beam`); `anti_lm` and `anti_lm_chars` as in `ReplyWriter`;
    `use_ranker` False leaves the run's ranker out; `samples` as in
    `ReplyWriter` (None: the run's `reply_samples`).
    """
    run = load_run(APP, Settings, model)
    paths = [run.run_dir / name for name in (VOCABULARY_FILE, WORDS_FILE)]
    for path in paths:
        if not path.is_file():
            raise CLIError(f"{path} is missing: pass a run folder written by `python -m demos.chat train`")
    vocabulary = Vocabulary.load(paths[0])
    try:
        content = json.loads(paths[1].read_text(encoding="utf-8"))
        corpus_words, memory_words = content["corpus_words"], content.get("memory_prompt_words", {})
        memory_replies = content.get("memory_replies")  # runs written before the memory recited or deferred: None
        if memory_replies is not None and not all(isinstance(reply, str) for reply in memory_replies):
            raise TypeError
    except (ValueError, KeyError, TypeError, AttributeError):
        raise CLIError(f"{paths[1]} is not a words file written by `python -m demos.chat train`") from None
    settings = run.settings
    if known_words_only is None:
        known_words_only = settings.known_words_only
    lexicon = WordLexicon(corpus_words, vocabulary) if known_words_only else None
    beam_width = settings.reply_beam if beam_width is None else beam_width
    samples = settings.reply_samples if samples is None else samples
    memory = load_model(run.run_dir / MEMORY_FILE) if (run.run_dir / MEMORY_FILE).is_file() else None
    ranker = load_ranker(run.run_dir) if use_ranker or context_units(run.model) else None
    return ReplyWriter(run.model, vocabulary, settings.max_reply_chars, settings.max_context_chars, lexicon,
                       run.run_dir, beam_width, anti_lm, anti_lm_chars, memory, PromptNormalizer(memory_words),
                       ranker if use_ranker else None, ranker if context_units(run.model) else None, memory_replies,
                       samples)
