"""Conversation features, the stateful streams, the reply writer and the n-gram baseline."""

import math

import numpy as np
import pytest
from scipy.special import log_softmax

from datasets.dialogs import Vocabulary
from demos.chat.baseline import KneserNey
from demos.chat.data import HeldOut
from demos.chat.evaluation import bits_per_char, candidate_scores
from demos.chat.features import (
    PairBatches,
    StreamBatches,
    encode_conversation,
    evaluation_batches,
    scored_targets,
)
from demos.chat.model import (
    build_memory_model,
    build_model,
    compile_model,
    copy_averaged_weights,
    copy_weights,
)
from demos.chat.normalization import basic_form
from demos.chat.prediction import (
    NEVER_WRITTEN,
    ReplyWriter,
    beam_reply,
    reply_scores,
    target_log_probabilities,
)
from demos.chat.settings import Settings
from demos.chat.training import resolve_precision

CONVERSATIONS = [["Hello", "Hi there!", "How are you?"], ["What is AI?", "A field of computer science."],
                 ["Good night", "Sleep well."]]
VOCABULARY = Vocabulary.from_texts(turn for turns in CONVERSATIONS for turn in turns)
SMALL = dict(units=8, embedding_dim=4)


def test_a_conversation_is_start_then_each_turn_and_its_end():
    vocabulary = Vocabulary("abc")  # ids: a=4, b=5, c=6
    assert encode_conversation(vocabulary, ["ab", "c", "ba"]) == [1, 4, 5, 2, 6, 2, 5, 4, 2]


def test_only_the_characters_and_end_of_scored_replies_are_weighted():
    vocabulary = Vocabulary("abc")
    inputs, targets, weights = scored_targets(vocabulary, ["ab", "c", "ba"], [False, True, False])
    assert inputs == [1, 4, 5, 2, 6, 2, 5, 4] and targets == [4, 5, 2, 6, 2, 5, 4, 2]
    assert weights == [0, 0, 0, 1, 1, 0, 0, 0]  # the "c" and the end after it


def streams(seed=0, batch_size=2, sequence_length=5, repeats=0, noise=0.0):
    settings = Settings(batch_size=batch_size, sequence_length=sequence_length, small_corpus_repeats=repeats,
                        prompt_noise=noise, seed=seed)
    return StreamBatches(VOCABULARY, CONVERSATIONS[:2], CONVERSATIONS[2:], settings)


def test_each_step_of_a_stream_continues_the_last_and_targets_are_the_next_characters():
    batches = streams()
    for step in range(len(batches) - 1):
        inputs, targets = batches[step]
        following, _ = batches[step + 1]
        assert np.array_equal(inputs[:, 1:], targets[:, :-1])
        assert np.array_equal(following[:, 0], targets[:, -1])


def test_an_epoch_deals_out_every_conversation_and_the_repeated_ones_as_often_as_asked():
    total = sum(len(encode_conversation(VOCABULARY, turns)) for turns in CONVERSATIONS[:2])
    repeated = len(encode_conversation(VOCABULARY, CONVERSATIONS[2]))
    batches = streams(batch_size=1, sequence_length=1, repeats=3)
    text = [batches[step][0][0, 0] for step in range(len(batches))] + [batches[len(batches) - 1][1][0, 0]]
    assert len(text) == total + 3 * repeated  # one row of one-character steps: the whole stream
    assert text.count(Vocabulary.START) == 2 + 3


def test_the_data_order_follows_the_seed_and_the_epoch():
    first, again, other = streams(seed=1), streams(seed=1), streams(seed=2)
    assert np.array_equal(first[0][0], again[0][0])
    orders = set()
    for batches in (first, other):
        for epoch in range(4):
            batches.set_epoch(epoch)
            orders.add(batches.rows.tobytes())
    assert len(orders) > 1


def test_pairs_batch_the_message_and_the_reply_each_with_its_targets():
    pairs = [(turns[0], turns[1]) for turns in CONVERSATIONS]
    batches = PairBatches(VOCABULARY, pairs, Settings(batch_size=2, prompt_noise=0.0, max_reply_chars=10, seed=0),
                          normalizer=lambda message: message)
    assert len(batches) == 2
    seen = []
    for (message, reply_input), (message_targets, reply_targets) in (batches[step] for step in range(len(batches))):
        for row in range(len(message)):
            text = VOCABULARY.decode(message[row])
            assert message[row, 0] == Vocabulary.START and list(message_targets[row, : len(text) + 1]) == [
                *VOCABULARY.encode(text), Vocabulary.END]
            reply = dict(pairs)[text]
            expected = [*VOCABULARY.encode(reply[:10]), *([Vocabulary.END] if len(reply) <= 10 else [])]
            assert list(reply_targets[row, : len(expected)]) == expected and not reply_targets[row, len(expected) :].any()
            assert list(reply_input[row, : len(expected)]) == [Vocabulary.START, *expected[:-1]]
            seen.append(text)
    assert sorted(seen) == sorted(message for message, _ in pairs)  # "A field of computer science." is cut at 10


def test_casual_prompts_are_lower_case_without_punctuation_and_replies_stay_as_written():
    settings = Settings(batch_size=1, sequence_length=1, small_corpus_repeats=1, prompt_noise=0.999, seed=3)
    batches = StreamBatches(VOCABULARY, [], [["Hello Sam!", "Hi there!"]], settings)
    text = VOCABULARY.decode([batches[step][0][0, 0] for step in range(len(batches))] + [batches[len(batches) - 1][1][0, 0]])
    assert text.endswith("Hi there!") and text != "Hello Sam!Hi there!"
    assert text[: -len("Hi there!")] == text[: -len("Hi there!")].lower()
    assert "!" not in text[: -len("Hi there!")]


@pytest.mark.parametrize("layer", ["custom", "builtin"])
def test_the_stateful_streams_compute_what_the_whole_sequence_does(layer):
    settings = Settings(layer=layer, batch_size=2, sequence_length=6, **SMALL)
    trained = build_model(settings, len(VOCABULARY), batch_size=2)
    whole = copy_weights(trained, build_model(settings, len(VOCABULARY)))
    batches = streams(sequence_length=6)
    stepped = np.concatenate([np.asarray(trained.predict_on_batch(batches[s][0])) for s in range(len(batches))], axis=1)
    inputs = np.concatenate([batches[s][0] for s in range(len(batches))], axis=1)
    np.testing.assert_allclose(stepped, np.asarray(whole(inputs)), atol=1e-5)


def test_mixed_precision_trains_in_bfloat16_on_float32_weights_and_the_float32_model_reads_them():
    settings = Settings(batch_size=2, sequence_length=6, **SMALL)
    mixed = build_model(settings, len(VOCABULARY), batch_size=2, dtype="mixed_bfloat16")
    assert mixed.get_layer("decoder").compute_dtype == "bfloat16"
    assert {weight.dtype for weight in mixed.weights} == {"float32"}
    inputs = streams(sequence_length=6)[0][0]
    logits = mixed.predict_on_batch(inputs)
    assert logits.dtype == np.float32
    exact = copy_weights(mixed, build_model(settings, len(VOCABULARY)))
    assert exact.get_layer("decoder").compute_dtype == "float32"
    expected = np.asarray(exact(inputs))
    # bfloat16 keeps 8 significant bits: the logits agree to about 1% of their scale, not to float32 rounding.
    np.testing.assert_allclose(logits, expected, atol=0.02 * np.abs(expected).max())
    assert not np.allclose(logits, expected, atol=1e-6)


def test_the_memory_model_trains_in_bfloat16_too_and_its_float32_copy_reads_the_weights():
    settings = Settings(**SMALL)
    mixed = build_memory_model(settings, len(VOCABULARY), dtype="mixed_bfloat16")
    assert {mixed.get_layer(name).compute_dtype for name in ("embedding", "encoder", "decoder")} == {"bfloat16"}
    assert {weight.dtype for weight in mixed.weights} == {"float32"}
    inputs = [np.array([[Vocabulary.START, *VOCABULARY.encode("hello there")]]),
              np.array([[Vocabulary.START, *VOCABULARY.encode("hi")]])]
    outputs = [np.asarray(output) for output in mixed.predict_on_batch(inputs)]
    assert {output.dtype for output in outputs} == {np.dtype("float32")}
    exact = copy_weights(mixed, build_memory_model(settings, len(VOCABULARY)))
    for given, expected in zip(outputs, exact(inputs), strict=True):
        expected = np.asarray(expected)
        np.testing.assert_allclose(given, expected, atol=0.02 * np.abs(expected).max())
        assert not np.allclose(given, expected, atol=1e-6)


def test_weight_decay_shrinks_a_weight_that_gets_no_gradient():
    settings = Settings(learning_rate=0.01, weight_decay=0.1, batch_size=2, sequence_length=6, **SMALL)
    model = build_model(settings, len(VOCABULARY), batch_size=2)
    compile_model(model, settings, steps=10)
    embeddings = model.get_layer("embedding").embeddings
    unused = np.array(embeddings[Vocabulary.UNKNOWN])  # no character of the stream is unknown: no gradient
    model.train_on_batch(*streams(sequence_length=6)[0])
    np.testing.assert_allclose(np.array(embeddings[Vocabulary.UNKNOWN]), unused * (1 - 0.01 * 0.1), rtol=1e-6)


def test_the_learning_rate_rises_over_the_warmup_then_falls_along_a_cosine_to_5_percent_of_its_peak():
    settings = Settings(learning_rate=0.01, warmup=0.25, **SMALL)
    model = build_model(settings, len(VOCABULARY), batch_size=2)
    compile_model(model, settings, steps=8)  # 2 steps of warm-up, 6 of decay
    rates = [float(model.optimizer._learning_rate(step)) for step in range(9)]
    decay = [0.0005 + 0.0095 * (1 + math.cos(math.pi * k / 6)) / 2 for k in range(7)]
    np.testing.assert_allclose(rates, [0.0, 0.005, *decay], atol=1e-7)
    assert model.optimizer.beta_2 == settings.adam_beta2 == 0.99


@pytest.mark.parametrize("share, steps", [(0.5, 8), (0.0, 3)])
def test_the_saved_weights_are_the_moving_average_of_the_steps_and_training_goes_on_from_the_last(share, steps):
    settings = Settings(learning_rate=0.05, weight_average=share, batch_size=2, sequence_length=6, **SMALL)
    model = build_model(settings, len(VOCABULARY), batch_size=2)
    compile_model(model, settings, steps=steps)  # share 0.5 of 8 steps: momentum 1 - 1/4
    after_each = []
    for step in range(steps):
        model.train_on_batch(*streams(sequence_length=6)[step % 2])
        after_each.append(model.get_weights())
    average = after_each[0]  # the first step's weights start the average
    for weights in after_each[1:]:
        average = [0.75 * mean + 0.25 * new for mean, new in zip(average, weights)] if share else weights
    copied = copy_averaged_weights(model, build_model(settings, len(VOCABULARY)))
    for got, want, last, now in zip(copied.get_weights(), average, after_each[-1], model.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)
        np.testing.assert_array_equal(now, last)  # the training model keeps its last weights
    assert share == 0 or not np.allclose(copied.get_weights()[0], after_each[-1][0])


def writer_of(layer="custom", max_reply_chars=12, lexicon=None):
    model = build_model(Settings(layer=layer, **SMALL), len(VOCABULARY))
    return ReplyWriter(model, VOCABULARY, max_reply_chars, max_context_chars=200, lexicon=lexicon)


@pytest.mark.parametrize("layer", ["custom", "builtin"])
def test_a_reply_written_step_by_step_is_the_whole_models_greedy_choice(layer):
    writer = writer_of(layer)
    turns = ["Hello", "Hi there!", "How are you?"]
    ids, written = encode_conversation(VOCABULARY, turns), []
    while len(written) < writer.max_reply_chars:  # the whole model re-run on everything so far, at each step
        logits = np.array(writer.model(np.array([ids + written])))[0, -1]
        logits[NEVER_WRITTEN] = -np.inf
        written.append(int(logits.argmax()))
        if written[-1] == Vocabulary.END:
            break
    assert writer.write([turns])[0] == VOCABULARY.decode(written)


def test_conversations_of_different_lengths_read_in_one_batch_as_alone():
    writer = writer_of()
    conversations = [["Hello"], ["What is AI?", "A field of computer science.", "Good night"]]
    together, states = writer.read(conversations)
    for row, turns in enumerate(conversations):
        alone, alone_states = writer.read([turns])
        np.testing.assert_allclose(together[row], alone[0], atol=1e-5)
        np.testing.assert_allclose(np.asarray(states[1])[row], np.asarray(alone_states[1])[0], atol=1e-5)


def test_earlier_turns_change_the_reply_distribution():
    writer = writer_of()
    alone, _ = writer.read([["Good night"]])
    after, _ = writer.read([["What is AI?", "A field of computer science.", "Good night"]])
    assert not np.allclose(alone, after)


def test_only_the_last_context_characters_are_read():
    writer = writer_of()
    writer.max_context_chars = 10
    ids = writer.context_ids(["What is AI?", "A field of computer science."])
    assert len(ids) == 10 and ids[-1] == Vocabulary.END


def test_candidate_scores_are_the_mean_log_probability_of_each_reply_and_its_end():
    writer = writer_of()
    context, candidates = ["Hello"], ["Hi there!", "Good night"]
    scores = reply_scores(writer, [context], [candidates])
    for column, candidate in enumerate(candidates):
        ids = encode_conversation(VOCABULARY, [*context, candidate])
        log_probabilities = log_softmax(np.asarray(writer.model(np.array([ids[:-1]])), "float64")[0], axis=-1)
        start = len(encode_conversation(VOCABULARY, context)) - 1
        picked = [log_probabilities[t, ids[t + 1]] for t in range(start, len(ids) - 1)]
        assert scores[0, column] == pytest.approx(np.mean(picked), abs=1e-4)


def test_whole_reply_scores_add_the_log_probabilities_of_its_characters_and_its_end():
    writer = writer_of()
    context, candidates = ["Hello"], ["Hi there!", "Good night, and sleep well"]
    scores = reply_scores(writer, [context], [candidates], per_char=False)
    for column, candidate in enumerate(candidates):
        ids = encode_conversation(VOCABULARY, [*context, candidate])
        log_probabilities = log_softmax(np.asarray(writer.model(np.array([ids[:-1]])), "float64")[0], axis=-1)
        start = len(encode_conversation(VOCABULARY, context)) - 1
        assert scores[0, column] == pytest.approx(sum(log_probabilities[t, ids[t + 1]]
                                                      for t in range(start, len(ids) - 1)), abs=1e-3)


def test_the_bidirectional_score_adds_the_message_read_after_the_candidate():
    writer = writer_of()
    context = ["Hello", "How are you?"]
    candidates = ["Fine, thanks.", "How are you? How are you?", *(f"Reply {k}" for k in range(8))]
    scores = candidate_scores(writer, [(context, candidates)])
    for column, candidate in enumerate(candidates):
        ids = encode_conversation(VOCABULARY, [candidate, context[-1]])
        log_probabilities = log_softmax(np.asarray(writer.model(np.array([ids[:-1]])), "float64")[0], axis=-1)
        start = len(encode_conversation(VOCABULARY, [candidate])) - 1
        flipped = sum(log_probabilities[t, ids[t + 1]] for t in range(start, len(ids) - 1))
        assert scores["bidirectional"][0, column] - scores["likelihood_ratio"][0, column] == pytest.approx(flipped, abs=1e-3)
    # The cache lifts most the candidate that repeats the conversation's words.
    lift = scores["cached_bidirectional"][0] - scores["bidirectional"][0]
    assert lift.argmax() == 1 and lift[1] > 1.0


def test_a_reply_without_context_is_scored_as_the_opening_turn():
    writer = writer_of()
    candidates = ["Hi there!", "Good night"]
    scores = reply_scores(writer, [[]], [candidates])  # the context-free term of the recall's ranking
    for column, candidate in enumerate(candidates):
        ids = encode_conversation(VOCABULARY, [candidate])
        log_probabilities = log_softmax(np.asarray(writer.model(np.array([ids[:-1]])), "float64")[0], axis=-1)
        assert scores[0, column] == pytest.approx(np.mean([log_probabilities[t, ids[t + 1]]
                                                           for t in range(len(ids) - 1)]), abs=1e-4)


def mean_log_probability(model, turns):
    """The last turn's mean log-probability per character (end included) after the others: the whole model, run once."""
    ids = encode_conversation(VOCABULARY, turns)
    log_probabilities = log_softmax(np.asarray(model(np.array([ids[:-1]])), "float64")[0], axis=-1)
    start = len(encode_conversation(VOCABULARY, turns[:-1])) - 1
    return np.mean([log_probabilities[t, ids[t + 1]] for t in range(start, len(ids) - 1)])


def memory_writer():
    return ReplyWriter(build_model(Settings(**SMALL), len(VOCABULARY)), VOCABULARY, 12, 200,
                       memory=build_memory_model(Settings(**SMALL), len(VOCABULARY)))


def test_the_memory_writes_what_its_whole_model_would_choose_step_by_step():
    memory = memory_writer().memory
    message, written = VOCABULARY.encode(basic_form("How are you?")), [Vocabulary.START]  # read as "how are you"
    while len(written) <= memory.max_reply_chars:  # the whole encoder-decoder re-run on the reply so far
        _, logits = memory.model([np.array([[Vocabulary.START, *message]]), np.array([written])])
        logits = np.array(logits)[0, -1]
        logits[NEVER_WRITTEN] = -np.inf
        written.append(int(logits.argmax()))
        if written[-1] == Vocabulary.END:
            break
    assert memory.write_own([["Hello", "How are you?"]])[0] == VOCABULARY.decode(written[1:])


def test_each_message_goes_to_the_model_that_finds_it_likelier_and_that_model_writes_the_reply():
    writer = memory_writer()
    bias = writer.memory.model.get_layer("next_message_character").bias
    bias.assign(np.where(np.arange(len(VOCABULARY)) == VOCABULARY.index["l"], 6.0, 0.0))  # it expects "l" everywhere
    conversations = [["llll"], ["Hello", "What is AI?"], ["Hi there!", "llllll"], ["Good night"]]
    routes = writer.route(conversations)
    for turns, chosen in zip(conversations, routes, strict=True):
        ids = [Vocabulary.START, *VOCABULARY.encode(basic_form(turns[-1])), Vocabulary.END]  # the memory's form
        logits, _ = writer.memory.model([np.array([ids[:-1]]), np.array([[Vocabulary.START]])])
        log_probabilities = log_softmax(np.asarray(logits, "float64")[0], axis=-1)
        memory = np.mean([log_probabilities[t, ids[t + 1]] for t in range(len(ids) - 1)])
        assert chosen is (writer.memory if memory > mean_log_probability(writer.model, turns) else writer)
    assert routes[0] is writer.memory and routes[3] is writer  # both models answer some
    replies = writer.write(conversations)
    assert replies == [chosen.write_own([turns])[0] for turns, chosen in zip(conversations, routes, strict=True)]


def test_the_memory_answers_only_with_a_reply_it_learnt_else_the_conversation_model_does():
    unguarded = memory_writer()
    bias = unguarded.memory.model.get_layer("next_message_character").bias
    bias.assign(np.where(np.arange(len(VOCABULARY)) == VOCABULARY.index["l"], 6.0, 0.0))  # it expects "l" everywhere
    conversations = [["llll"], ["Hello", "What is AI?"], ["Hi there!", "llllll"], ["lll ll"]]
    likelier = [chosen is unguarded.memory for chosen in unguarded.route(conversations)]
    recited = unguarded.memory.write_own(conversations)
    assert likelier[0]
    for learnt in ([], [recited[0]]):
        writer = ReplyWriter(unguarded.model, VOCABULARY, 12, 200, memory=unguarded.memory.model, memory_replies=learnt)
        replies, routes = writer.write_routed(conversations)
        for turns, chosen, reply, memory, own in zip(conversations, routes, replies, likelier, recited, strict=True):
            answers = memory and own in learnt
            assert chosen is (writer.memory if answers else writer)
            assert reply == (own if answers else writer.write_own([turns])[0])


def test_anti_lm_takes_the_context_free_choice_off_the_first_characters():
    writer = writer_of()
    turns = ["Hello", "How are you?"]
    greedy = writer.write([turns])[0]
    given = np.array(writer.model(np.array([encode_conversation(VOCABULARY, turns)])))[0, -1]
    alone = np.array(writer.model(np.array([[Vocabulary.START]])))[0, -1]  # the reply as an opening turn
    scores = log_softmax(given.astype("float64")) - 1.5 * log_softmax(alone.astype("float64"))
    scores[NEVER_WRITTEN] = -np.inf
    writer.anti_lm, writer.anti_lm_chars = 1.5, 1
    informed = writer.write([turns])[0]
    first = VOCABULARY.token(int(np.argmax(scores))) if int(np.argmax(scores)) != Vocabulary.END else ""
    assert informed[:1] == first
    writer.anti_lm = 0.0
    assert writer.write([turns])[0] == greedy


def test_sampling_follows_the_seed():
    writer = writer_of()
    first = writer.write(["Hello"], temperature=1.5, seed=7)
    assert writer.write(["Hello"], temperature=1.5, seed=7) == first
    assert len({writer.write(["Hello"], temperature=1.5, seed=s)[0] for s in range(6)}) > 1


def test_a_beam_of_one_is_greedy():
    writer = writer_of()
    assert beam_reply(writer, ["Hello"], 1) == writer.write(["Hello"])[0]


def test_a_beam_that_runs_to_the_limit_writes_exactly_the_limit():
    writer = writer_of(max_reply_chars=9)
    assert len(beam_reply(writer, ["Hello"], 3, stop_at_end=False)) == 9


def test_bits_per_char_of_an_untrained_model_is_near_uniform_and_counts_only_weighted_characters():
    model = build_model(Settings(**SMALL), len(VOCABULARY))
    held = HeldOut(CONVERSATIONS, [[False] + [True] * (len(turns) - 1) for turns in CONVERSATIONS], 0)
    assert abs(bits_per_char(model, evaluation_batches(VOCABULARY, held)) - math.log2(len(VOCABULARY))) < 0.5
    inputs, targets, weights = scored_targets(VOCABULARY, CONVERSATIONS[1], [False, True])
    log_probabilities = log_softmax(np.asarray(model(np.array([inputs])), "float64")[0], axis=-1)
    expected = -np.mean([log_probabilities[t, targets[t]] for t in range(len(targets)) if weights[t]]) / math.log(2)
    one = HeldOut(CONVERSATIONS[1:2], [[False, True]], 0)
    assert bits_per_char(model, evaluation_batches(VOCABULARY, one)) == pytest.approx(expected, rel=1e-5)


def test_the_log_probability_of_each_target_is_that_of_the_softmax_even_for_huge_logits():
    # [0, ln 3, ln 4]: probabilities 1/8, 3/8, 4/8; the same shifted by 1,000 (exp would overflow); two equal ones
    logits = np.array([[[0.0, math.log(3), math.log(4)], [1000.0, 1000 + math.log(3), 1000 + math.log(4)]],
                       [[5.0, 5.0, -math.inf], [0.0, 0.0, 0.0]]])
    picked = target_log_probabilities(logits, np.array([[1, 2], [0, 2]]))
    assert picked == pytest.approx(np.log([[3 / 8, 4 / 8], [1 / 2, 1 / 3]]), abs=1e-12)


def test_kneser_ney_is_a_distribution_and_learns_repeated_text():
    sequences = [encode_conversation(VOCABULARY, turns) for turns in CONVERSATIONS] * 3
    model = KneserNey(sequences, len(VOCABULARY), max_order=5)
    context = sequences[0][:4]
    for order in (1, 3, 5):
        assert sum(model.probability(context, token, order) for token in range(len(VOCABULARY))) == pytest.approx(1)
    order, bits = model.best_order(sequences)
    assert order > 2 and bits < model.bits_per_char(sequences, 1) / 3


def test_kneser_ney_scores_only_the_weighted_characters():
    sequences = [[1, 4, 5, 2, 6, 2]]
    model = KneserNey(sequences * 2 + [[1, 6, 6, 2]], 7, max_order=3)
    weights = [[0, 0, 0, 1, 0]]  # only the 6 after "ab<end>"
    expected = -math.log2(model.probability([1, 1, 4, 5, 2], 6, 3))
    assert model.bits_per_char(sequences, 3, weights) == pytest.approx(expected)


@pytest.mark.parametrize("flags, expected", [("fpu avx512f avx512_bf16 avx512_vnni", "mixed_bfloat16"),
                                             ("fpu amx_bf16 amx_tile", "mixed_bfloat16"),
                                             ("fpu avx2 avx512f avx512bw", "float32")])
def test_auto_precision_is_mixed_bfloat16_only_on_tensorflow_and_a_cpu_with_bfloat16_instructions(flags, expected, tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(f"processor\t: 0\nflags\t\t: {flags}\n\nprocessor\t: 1\nflags\t\t: {flags}\n")
    assert resolve_precision("auto", cpuinfo, backend="tensorflow") == expected
    assert resolve_precision("auto", cpuinfo, backend="jax") == "float32"
    assert resolve_precision("auto", tmp_path / "absent", backend="tensorflow") == "float32"  # no cpuinfo to read
    assert resolve_precision("float32", cpuinfo) == "float32"
    assert resolve_precision("mixed_bfloat16", tmp_path / "absent") == "mixed_bfloat16"
