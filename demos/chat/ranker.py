"""The reply ranker: a dual-encoder LSTM that scores how well a reply answers the conversation (Lowe et al., 2015).

The conversation model says how likely a reply is; its likelihood hardly
depends on what was said before (README, What falls short). This second,
word-level model says whether a reply fits: one LSTM reads the last turns
of the conversation, another a candidate reply, and the score is the cosine
between the first's last output (through a linear map) and the second's.

It learns from the training conversations with the other replies of each
batch as the wrong ones: a softmax over the batch picks which of its
`batch_size` replies answers each context (in-batch negatives, Henderson et
al., 2017), so every step teaches a ranking of 128 replies at the cost of
reading each text once.
"""

import collections
import json

import keras
import numpy as np
from keras import layers, ops

from demos import cli, runs, startup
from demos.callbacks import EpochTimes
from demos.chat.features import pad_ids
from demos.chat.normalization import words
from demos.layers import lstm_class

RANKER_FILE = "ranker.keras"
RANKER_WORDS_FILE = "ranker-words.json"
UNKNOWN, END_OF_TURN = 1, 2  # word ids before the vocabulary's own (0 pads, as `features.pad_ids` does)
CONTEXT_WORDS = 48  # the context is read up to this many words back (turn ends included)
REPLY_WORDS = 24  # a reply is read up to this many words
BATCH_SIZE = 128  # replies per softmax
SCALE = 20.0  # cosines times this are the softmax's logits (a temperature of 0.05)
EMBEDDING_DIM = 128
LEARNING_RATE = 2e-3  # Adam
LENGTH_STEP = 8  # texts are encoded padded to a multiple of this many words


@keras.saving.register_keras_serializable(package="chat")
class ScaledCosines(layers.Layer):
    """`[contexts (batch, units), replies (batch, units)]` -> SCALE x the cosine of every context with every reply."""

    def call(self, inputs):
        contexts, replies = (vector / (ops.norm(vector, axis=-1, keepdims=True) + 1e-6) for vector in inputs)
        return SCALE * ops.matmul(contexts, ops.transpose(replies))

    def compute_output_shape(self, input_shape):
        return (input_shape[0][0], input_shape[1][0])


@keras.saving.register_keras_serializable(package="chat")
def in_batch_loss(_, logits):
    """Cross-entropy of each context's own reply (the diagonal) among all replies of the batch."""
    own = ops.arange(ops.shape(logits)[0])
    return keras.losses.sparse_categorical_crossentropy(own, logits, from_logits=True)


def build_ranker(word_count, units, layer="custom"):
    """Inputs `context` and `reply` (word ids, 0 = padding); output: (batch, batch) scaled cosines."""
    lstm = lstm_class(layer)
    embedding = layers.Embedding(word_count, EMBEDDING_DIM, mask_zero=True, name="words")
    context = keras.Input((None,), dtype="int32", name="context")
    reply = keras.Input((None,), dtype="int32", name="reply")
    context_vector = layers.Dense(units, name="context_map")(lstm(units, name="context_lstm")(embedding(context)))
    reply_vector = lstm(units, name="reply_lstm")(embedding(reply))
    return keras.Model([context, reply], ScaledCosines(name="cosines")([context_vector, reply_vector]), name="ranker")


class WordIndex:
    """Word ids of the ranker: the training text's words seen at least twice; the rest are UNKNOWN."""

    def __init__(self, known, turns):
        self.known = list(known)
        self.index = {word: k + 3 for k, word in enumerate(self.known)}
        self.turns = turns  # the context is the last this many turns

    @classmethod
    def from_texts(cls, texts, turns):
        counts = collections.Counter(word for text in texts for word in words(text))
        return cls([word for word, count in counts.most_common() if count >= 2], turns)

    def __len__(self):
        return len(self.known) + 3

    def context(self, turns):
        """Word ids of the last `self.turns` turns, each ended by END_OF_TURN, cut to the last CONTEXT_WORDS."""
        ids = []
        for turn in turns[-self.turns :] if turns else []:
            ids += [self.index.get(word, UNKNOWN) for word in words(turn)] + [END_OF_TURN]
        return ids[-CONTEXT_WORDS:] or [END_OF_TURN]

    def reply(self, text):
        return [self.index.get(word, UNKNOWN) for word in words(text)][:REPLY_WORDS] or [UNKNOWN]

    def save(self, path):
        path.write_text(json.dumps({"words": self.known, "turns": self.turns}, ensure_ascii=False) + "\n",
                        encoding="utf-8")

    @classmethod
    def load(cls, path):
        try:
            content = json.loads(path.read_text(encoding="utf-8"))
            return cls(content["words"], int(content["turns"]))
        except (OSError, ValueError, KeyError, TypeError):
            raise cli.CLIError(f"{path} is not a ranker word list written by `python -m demos.chat train`") from None


class Ranker:
    """A trained ranker and its word index: `scores(contexts, candidates)`."""

    def __init__(self, model, index):
        self.model, self.index = model, index
        self.context_encoder = keras.Model(model.inputs[0], model.get_layer("context_map").output)
        self.reply_encoder = keras.Model(model.inputs[1], model.get_layer("reply_lstm").output)

    @property
    def units(self):
        return self.context_encoder.output.shape[-1]

    def context_vectors(self, contexts):
        """The unit vector of each context (a list of turns, maybe empty): (contexts, units)."""
        return encode(self.context_encoder, [self.index.context(turns) for turns in contexts])

    def turn_vectors(self, conversations):
        """For each conversation of n turns, (n + 1, units): the vector of the turns before each turn, and after
        the last; zeros before the first turn (nothing said yet). The conversation model's context (`model.py`)."""
        contexts = [turns[:k] for turns in conversations for k in range(1, len(turns) + 1)]
        vectors = self.context_vectors(contexts).astype("float32") if contexts else np.zeros((0, self.units), "float32")
        tables, start = [], 0
        for turns in conversations:
            tables.append(np.concatenate([np.zeros((1, self.units), "float32"), vectors[start : start + len(turns)]]))
            start += len(turns)
        return tables

    def scores(self, contexts, candidates):
        """The cosine of each context (a list of turns) with each of its candidate replies: (contexts, candidates)."""
        if not contexts:
            return np.zeros((0, 0))
        context_vectors = self.context_vectors(contexts)
        reply_vectors = encode(self.reply_encoder, [self.index.reply(reply) for row in candidates for reply in row])
        return np.einsum("cu,cku->ck", context_vectors, reply_vectors.reshape(len(contexts), len(candidates[0]), -1))


def encode(encoder, rows, chunk=256):
    """Unit vectors of `encoder` for word-id `rows`, in chunks padded to their longest row rounded up to a
    multiple of `LENGTH_STEP`, through the encoder's traced predict function: few shapes to trace or compile, and
    each call a few milliseconds where an eager call of the LSTM takes tens."""
    vectors = []
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        length = -(-max(len(row) for row in part) // LENGTH_STEP) * LENGTH_STEP
        vectors.append(encoder.predict_on_batch(pad_ids(part, length)))
    return unit_rows(np.concatenate(vectors))


def unit_rows(vectors):
    vectors = np.asarray(vectors, dtype="float64")
    return vectors / np.maximum(np.linalg.norm(vectors, axis=-1, keepdims=True), 1e-12)


def training_pairs(conversations, index):
    """(contexts, replies): padded word ids of every reply of the conversations after its context."""
    contexts, replies = [], []
    for turns in conversations:
        for t in range(1, len(turns)):
            contexts.append(index.context(turns[:t]))
            replies.append(index.reply(turns[t]))
    return pad_ids(contexts, CONTEXT_WORDS), pad_ids(replies, REPLY_WORDS)


def train_ranker(corpus, settings, run_dir):
    """(Ranker or None, seconds of training): learnt on the training conversations, saved in `run_dir`."""
    if not settings.ranker_epochs:
        return None, 0.0
    print(f"reply ranker: a dual-encoder LSTM of words, {settings.ranker_epochs} passes", flush=True)
    texts = [turn for turns in corpus.all_training for turn in turns]
    index = WordIndex.from_texts(texts, settings.ranker_turns)
    contexts, replies = training_pairs(corpus.all_training, index)
    startup.set_seed(settings.seed)
    model = build_ranker(len(index), settings.ranker_units, settings.layer)
    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE, clipnorm=1.0), loss=in_batch_loss)
    times = EpochTimes()
    model.fit([contexts, replies], np.zeros(len(contexts), "int32"), batch_size=BATCH_SIZE,
              epochs=settings.ranker_epochs, shuffle=True, verbose=cli.progress_verbosity(), callbacks=[times])
    saved = build_ranker(len(index), settings.ranker_units, settings.layer)  # uncompiled: no optimizer state saved
    saved.set_weights(model.get_weights())
    index.save(run_dir / RANKER_WORDS_FILE)
    runs.save_model(saved, run_dir / RANKER_FILE)
    return Ranker(saved, index), sum(times.seconds)


def load_ranker(run_dir):
    """The run's Ranker, or None when it has none."""
    if not (run_dir / RANKER_FILE).is_file():
        return None
    return Ranker(runs.load_model(run_dir / RANKER_FILE), WordIndex.load(run_dir / RANKER_WORDS_FILE))
