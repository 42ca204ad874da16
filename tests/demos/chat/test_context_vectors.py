"""The conversation model reading the ranker's vector of the conversation so far (`--ranker-context`)."""

import json

import numpy as np
import pytest
from scipy.special import log_softmax

from datasets.dialogs import Vocabulary
from demos.chat import training
from demos.chat.__main__ import main
from demos.chat.data import HeldOut
from demos.chat.features import StreamBatches, encode_conversation, evaluation_batches, next_turns
from demos.chat.model import build_model, build_step_model, context_units
from demos.chat.prediction import NEVER_WRITTEN, ReplyWriter, load_writer, reply_scores
from demos.chat.ranker import Ranker, WordIndex, build_ranker
from demos.chat.settings import Settings
from demos.cli import CLIError

CONVERSATIONS = [["Hello", "Hi there!", "How are you?"], ["What is AI?", "A field of computer science."]]
VOCABULARY = Vocabulary.from_texts(turn for turns in CONVERSATIONS for turn in turns)
UNITS = 3


def tagged(conversations):
    """Tables whose row k of conversation c is (c, k, 0): each vector says where it came from."""
    return [np.array([[c, k, 0] for k in range(len(turns) + 1)], "float32") for c, turns in enumerate(conversations)]


def expected_tags(c, turns):
    """By hand: the start and each turn's characters belong to that turn, a turn's end to the next one."""
    tags = [(c, 0)] * (1 + len(turns[0]))
    for k in range(1, len(turns)):
        tags += [(c, k)] * (1 + len(turns[k]))
    return tags + [(c, len(turns))]


def test_each_id_points_to_the_turn_its_next_id_belongs_to():
    # <start> a b <end> c <end>: the start and "a", "b" precede turn 0's ids, the first end precedes turn 1's
    assert next_turns(VOCABULARY, ["Hi", "H"]) == [0, 0, 0, 1, 1, 2]
    assert next_turns(VOCABULARY, []) == [0]


def test_every_step_of_the_stream_gets_the_vector_of_the_turn_it_writes():
    settings = Settings(batch_size=1, sequence_length=1, seed=0)
    batches = StreamBatches(VOCABULARY, CONVERSATIONS, [], settings, vectors=tagged(CONVERSATIONS))
    ids = [batches[step][0][0][0, 0] for step in range(len(batches))]
    tags = [tuple(batches[step][0][1][0, 0, :2].astype(int)) for step in range(len(batches))]
    first = 0 if ids[1] == VOCABULARY.index["H"] else 1
    order = [first, 1 - first]
    expected = expected_tags(order[0], CONVERSATIONS[order[0]]) + expected_tags(order[1], CONVERSATIONS[order[1]])
    assert tags == expected[: len(tags)]  # the stream's last id is only a target


def test_held_out_conversations_get_the_same_vectors_and_only_real_steps_carry_them():
    held = HeldOut(CONVERSATIONS, [[False, True, True], [False, True]], 0)
    batches = evaluation_batches(VOCABULARY, held, batch_size=2, vectors=tagged(CONVERSATIONS))
    (ids, vectors), _, _ = batches[0]
    for row in range(2):
        c = 1 if ids[row, 1] == VOCABULARY.index["W"] else 0
        length = len(encode_conversation(VOCABULARY, CONVERSATIONS[c])) - 1
        assert [tuple(tag) for tag in vectors[row, :length, :2].astype(int)] == expected_tags(c, CONVERSATIONS[c])[:length]
        assert not vectors[row, length:].any()


def test_the_rankers_turn_vectors_are_its_context_vectors_before_each_turn():
    index = WordIndex(["hello", "there", "bye"], turns=2)
    ranker = Ranker(build_ranker(len(index), 4), index)
    tables = ranker.turn_vectors([["hello there", "bye"], ["bye"]])
    assert [table.shape for table in tables] == [(3, 4), (2, 4)] and ranker.units == 4
    assert not tables[0][0].any() and not tables[1][0].any()  # nothing said yet
    np.testing.assert_allclose(tables[0][1:], ranker.context_vectors([["hello there"], ["hello there", "bye"]]),
                               atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(tables[1][1]), 1.0, atol=1e-6)


def test_turn_vectors_are_float32_even_for_a_conversation_not_begun():
    # A float64 table would change the model's input signature, and TensorFlow would trace it again.
    index = WordIndex(["hello"], turns=2)
    ranker = Ranker(build_ranker(len(index), 4), index)
    assert [table.dtype for table in ranker.turn_vectors([[]])] == [np.float32]
    assert [table.dtype for table in ranker.turn_vectors([["hello"], []])] == [np.float32, np.float32]


class FixedConditioner:
    """Row k of a conversation's table: a vector drawn from the text of its first k turns (zeros for none)."""

    units = UNITS

    def turn_vectors(self, conversations):
        def vector(turns):
            seed = [ord(character) for character in " | ".join(turns)]
            return np.random.default_rng(seed).normal(size=UNITS).astype("float32") if turns else np.zeros(UNITS)

        return [np.array([vector(turns[:k]) for k in range(len(turns) + 1)], "float32") for turns in conversations]


def conditioned_writer(max_reply_chars=12):
    model = build_model(Settings(units=8, embedding_dim=4), len(VOCABULARY), context_units=UNITS)
    return ReplyWriter(model, VOCABULARY, max_reply_chars, 200, conditioner=FixedConditioner())


def by_hand(turns, reply_ids):
    """The whole model's inputs for `turns` then the reply ids: each turn's vector over its start or end and its
    characters, the reply's over the message's end and the reply."""
    table = FixedConditioner().turn_vectors([turns])[0]
    vectors = [table[0]] * (1 + len(turns[0]))
    for k in range(1, len(turns)):
        vectors += [table[k]] * (1 + len(turns[k]))
    vectors += [table[len(turns)]] * (1 + len(reply_ids))
    ids = encode_conversation(VOCABULARY, turns) + list(reply_ids)
    return [np.array([ids]), np.array([vectors], "float32")]


def test_a_model_with_context_has_two_inputs_and_its_step_model_one_more():
    writer = conditioned_writer()
    assert context_units(writer.model) == UNITS and [tensor.name for tensor in writer.model.inputs] == ["characters",
                                                                                                        "context"]
    assert context_units(build_model(Settings(units=8, embedding_dim=4), len(VOCABULARY))) == 0
    assert len(build_step_model(writer.model).inputs) == 4  # characters, context, two states


def test_a_conditioned_reply_written_step_by_step_is_the_whole_models_greedy_choice():
    writer = conditioned_writer()
    turns, written = ["Hello", "Hi there!"], []
    while len(written) < writer.max_reply_chars:  # the whole model re-run on everything so far, at each step
        logits = np.array(writer.model(by_hand(turns, written)))[0, -1]
        logits[NEVER_WRITTEN] = -np.inf
        written.append(int(logits.argmax()))
        if written[-1] == Vocabulary.END:
            break
    assert writer.write([turns])[0] == VOCABULARY.decode(written)
    beam = ReplyWriter(writer.model, VOCABULARY, 12, 200, beam_width=1, conditioner=FixedConditioner())
    assert beam.write([turns])[0] == VOCABULARY.decode(written)


def test_conditioned_candidate_scores_are_the_whole_models_mean_log_probabilities():
    writer = conditioned_writer()
    context, candidates = ["Hello", "Hi there!"], ["How are you?", "Good"]
    scores = reply_scores(writer, [context], [candidates])
    for column, candidate in enumerate(candidates):
        reply = VOCABULARY.encode(candidate) + [Vocabulary.END]
        ids, vectors = by_hand(context, reply[:-1])
        log_probabilities = log_softmax(np.asarray(writer.model([ids, vectors]), "float64")[0], axis=-1)
        start = len(encode_conversation(VOCABULARY, context)) - 1
        targets = list(ids[0, start + 1 :]) + [Vocabulary.END]
        picked = [log_probabilities[start + t, target] for t, target in enumerate(targets)]
        assert scores[0, column] == pytest.approx(np.mean(picked), abs=1e-4)


def test_the_context_vector_changes_the_reply_distribution():
    writer = conditioned_writer()
    first, _ = writer.read([["Hello"]])
    writer.conditioner = type("Other", (FixedConditioner,), {"turn_vectors": lambda self, conversations: [
        table + 1.0 for table in FixedConditioner().turn_vectors(conversations)]})()
    second, _ = writer.read([["Hello"]])
    assert not np.allclose(first, second)


def test_a_model_that_reads_context_vectors_needs_its_conditioner():
    model = build_model(Settings(units=8, embedding_dim=4), len(VOCABULARY), context_units=UNITS)
    with pytest.raises(CLIError, match="ranker"):
        ReplyWriter(model, VOCABULARY, 12, 200)


@pytest.fixture(scope="module")
def context_run(tiny_corpus, tiny_flags, tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("context_run")
    main(["train", "--corpus", str(tiny_corpus), "--out", str(run_dir), "--ranker-context", *tiny_flags])
    return run_dir


def test_a_run_with_ranker_context_trains_replies_and_explains(context_run, tmp_path, capsys):
    metrics = json.loads((context_run / "metrics.json").read_text())
    assert metrics["context_vector_seconds"] > 0
    assert metrics["train_seconds"] >= metrics["ranker_train_seconds"] + metrics["context_vector_seconds"]
    assert np.isfinite(metrics["test_bits_per_char"]) and np.isfinite(metrics["ranker_recall_at_1_of_10"])
    writer = load_writer(str(context_run), use_ranker=False)
    assert writer.ranker is None and writer.conditioner is not None  # --no-ranker still reads the vectors
    capsys.readouterr()
    main(["reply", "How are you?", "--model", str(context_run), "--no-ranker"])
    assert capsys.readouterr().out.strip()
    main(["explain", "Hello", "--model", str(context_run), "--out", str(tmp_path / "gates.png")])
    assert (tmp_path / "gates.png").is_file()


def test_a_resumed_run_reads_the_ranker_it_trained_and_ends_where_the_whole_run_does(context_run, tiny_corpus,
                                                                                       tiny_flags, tmp_path,
                                                                                       interrupted_train, monkeypatch):
    run = tmp_path / "resumed"
    interrupted_train(["train", "--corpus", str(tiny_corpus), "--out", str(run), "--ranker-context", *tiny_flags])
    monkeypatch.setattr(training, "train_ranker", None)  # resuming must not train the ranker again
    main(["train", "--resume", "--out", str(run)])
    resumed, whole = (json.loads((folder / "metrics.json").read_text()) for folder in (run, context_run))
    assert resumed["history"]["loss"] == pytest.approx(whole["history"]["loss"], rel=1e-5)
    assert resumed["ranker_train_seconds"] > 0


def test_ranker_context_without_a_ranker_reads_the_characters_alone(tiny_corpus, tiny_flags, tmp_path):
    main(["train", "--corpus", str(tiny_corpus), "--out", str(tmp_path / "run"), "--ranker-context",
          "--ranker-epochs", "0", *tiny_flags])
    writer = load_writer(str(tmp_path / "run"))
    assert context_units(writer.model) == 0 and writer.ranker is None and writer.conditioner is None
