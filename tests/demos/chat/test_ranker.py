"""The reply ranker: its word ids, its scores, its loss, and that it learns which reply answers which message."""

import math

import keras
import numpy as np
import pytest

from demos.chat.evaluation import margin_interval
from demos.chat.ranker import (
    CONTEXT_WORDS,
    END_OF_TURN,
    REPLY_WORDS,
    SCALE,
    UNKNOWN,
    Ranker,
    ScaledCosines,
    WordIndex,
    build_ranker,
    encode,
    in_batch_loss,
    load_ranker,
    train_ranker,
)
from demos.chat.settings import Settings


def test_word_ids_keep_the_last_turns_and_mark_their_ends():
    index = WordIndex(["hello", "there", "bye"], turns=2)  # ids 3, 4, 5
    assert index.context(["bye", "Hello there!", "hello, who?"]) == [3, 4, END_OF_TURN, 3, UNKNOWN, END_OF_TURN]
    assert index.context([]) == [END_OF_TURN]
    assert index.reply("Bye bye, friend") == [5, 5, UNKNOWN]
    assert index.reply("...") == [UNKNOWN]
    assert len(index.context(["hello " * 100])) == CONTEXT_WORDS
    assert len(index.reply("there " * 100)) == REPLY_WORDS


def test_the_index_keeps_words_seen_twice():
    index = WordIndex.from_texts(["a cat sat", "a dog sat", "the cat"], turns=1)
    assert set(index.known) == {"a", "cat", "sat"}


def test_scores_are_scaled_cosines_of_every_context_with_every_reply():
    contexts = np.array([[1.0, 0.0], [0.0, 2.0]], "float32")
    replies = np.array([[3.0, 0.0], [1.0, 1.0]], "float32")
    scores = keras.ops.convert_to_numpy(ScaledCosines()([contexts, replies]))
    half = 1 / math.sqrt(2)
    np.testing.assert_allclose(scores, SCALE * np.array([[1.0, half], [0.0, half]]), rtol=1e-5)


def test_the_loss_is_small_for_a_clear_diagonal_and_log_batch_for_none():
    clear = keras.ops.convert_to_numpy(in_batch_loss(None, 20.0 * np.eye(4, dtype="float32")))
    assert clear.shape == (4,) and clear.max() < 1e-6
    flat = keras.ops.convert_to_numpy(in_batch_loss(None, np.zeros((4, 4), "float32")))
    np.testing.assert_allclose(flat, math.log(4), rtol=1e-5)


def test_the_margin_interval_of_equal_and_opposite_hits():
    hits = np.array([True, False, True, True])
    assert margin_interval(hits, hits, seed=0) == (0.0, 0.0)
    assert margin_interval(np.ones(5, bool), np.zeros(5, bool), seed=0) == (1.0, 1.0)


TOPICS = ["cats", "rain", "music", "coffee", "football", "trains", "books", "paris"]


def topic_conversations(takes, start):
    """Conversations whose reply answers the message's topic, in words that differ from the message's."""
    answers = {"cats": "they purr and sleep all day", "rain": "take an umbrella with you",
               "music": "i play the guitar at night", "coffee": "black with two sugars please",
               "football": "our team won the match", "trains": "the station is near the bridge",
               "books": "i am reading a long novel", "paris": "the tower is lovely in spring"}
    return [[f"what about {topic} number {start + k}?", answers[topic]] for k in range(takes) for topic in TOPICS]


@pytest.mark.slow
def test_the_ranker_learns_which_reply_answers_and_reloads_the_same(tmp_path):
    class Corpus:
        all_training = topic_conversations(40, 0)

    settings = Settings(ranker_epochs=6, ranker_units=16, seed=0)
    ranker, seconds = train_ranker(Corpus, settings, tmp_path)
    assert seconds > 0
    held_out = topic_conversations(1, 1000)  # numbers never seen: the topic word decides
    contexts = [[message] for message, _ in held_out]
    candidates = [[reply] + [other for _, other in held_out if other != reply] for _, reply in held_out]
    scores = ranker.scores(contexts, candidates)
    assert (scores.argmax(axis=1) == 0).mean() == 1.0  # chance: 1 in 8
    reloaded = load_ranker(tmp_path)
    np.testing.assert_allclose(reloaded.scores(contexts, candidates), scores, atol=1e-5)


def test_a_run_without_a_ranker_loads_none(tmp_path):
    assert load_ranker(tmp_path) is None
    assert train_ranker(None, Settings(ranker_epochs=0), tmp_path) == (None, 0.0)


def test_an_untrained_ranker_scores_every_candidate_of_every_context():
    index = WordIndex(["a", "b"], turns=2)
    scores = Ranker(build_ranker(len(index), 4), index).scores([["a b"], []], [["a", "b", ""], ["b", "a", "a"]])
    assert scores.shape == (2, 3) and np.all(np.abs(scores) <= 1 + 1e-9)
    assert scores[1, 1] == pytest.approx(scores[1, 2]) and scores[1, 0] != pytest.approx(scores[1, 1])


def test_a_text_is_encoded_alike_alone_and_padded_beside_longer_ones():
    index = WordIndex([f"w{k}" for k in range(30)], turns=2)
    ranker = Ranker(build_ranker(len(index), 8, "custom"), index)
    short, long = [3, 4, 5], list(range(3, 33))
    alone = encode(ranker.reply_encoder, [short])
    beside = encode(ranker.reply_encoder, [long, short, long[:9]])  # padded to 32 words instead of 8
    np.testing.assert_allclose(beside[1], alone[0], atol=1e-6)
    assert np.abs(beside[0] - alone[0]).max() > 1e-3  # a longer text is another vector
    np.testing.assert_allclose(np.linalg.norm(beside, axis=1), 1.0, atol=1e-9)
