"""Features, the step-by-step reply writer, the n-gram baseline and the measures."""

import math

import numpy as np
import pytest

from datasets.dialogs import Vocabulary
from demos.chat.baseline import KneserNey
from demos.chat.decoding import WordLexicon
from demos.chat.evaluation import bits_per_char, is_loop, match_rate, novel_reply_scores, typed_prompt_match
from demos.chat.features import encode_pairs, encode_reply, pair_batches
from demos.chat.model import build_model, compile_model
from demos.chat.normalization import PromptNormalizer
from demos.chat.prediction import NEVER_WRITTEN, ReplyWriter, beam_reply
from demos.chat.settings import Settings

PAIRS = [("Hello", "Hi there!"), ("How are you?", "Fine."), ("What is AI?", "A field of computer science.")] * 3
VOCABULARY = Vocabulary.from_texts(text for pair in PAIRS for text in pair)
NORMALIZER = PromptNormalizer.from_prompts(prompt for prompt, _ in PAIRS)


def test_encode_reply_adds_start_and_end_and_cuts_long_replies():
    ids = VOCABULARY.encode("Hi there!")
    inputs, targets = encode_reply(VOCABULARY, "Hi there!", max_chars=20)
    assert inputs == [Vocabulary.START, *ids] and targets == [*ids, Vocabulary.END]
    inputs, targets = encode_reply(VOCABULARY, "Hi there!", max_chars=4)
    assert inputs == [Vocabulary.START, *ids[:4]] and targets == ids[:5]  # cut: no end symbol


def test_batches_are_padded_per_batch_and_seeded():
    settings = Settings(max_reply_chars=40)
    encoded = encode_pairs(VOCABULARY, PAIRS, settings)
    batches = pair_batches(encoded, batch_size=4, seed=1)
    assert len(batches) == 3
    (prompts, inputs), targets, weights = batches[0]
    assert prompts.dtype == np.int32 and inputs.shape == targets.shape
    assert sum(batches[i][0][0].shape[0] for i in range(len(batches))) == len(PAIRS)
    assert np.all((targets == 0) == (inputs == 0))  # padding in the same places
    assert np.array_equal(weights, targets != 0)
    again = pair_batches(encoded, batch_size=4, seed=1)
    assert all(np.array_equal(batches[i][1], again[i][1]) for i in range(3))


def test_weight_decay_shrinks_a_weight_that_gets_no_gradient():
    settings = Settings(units=8, embedding_dim=4, learning_rate=0.01, weight_decay=0.1)
    model = build_model(len(VOCABULARY), settings)
    compile_model(model, settings, steps=10)
    batch = pair_batches(encode_pairs(VOCABULARY, PAIRS, settings), batch_size=9)[0]
    embeddings = model.get_layer("embedding").embeddings
    unused = np.array(embeddings[Vocabulary.UNKNOWN])  # no character of the batch is unknown: no gradient
    model.train_on_batch(*batch)
    np.testing.assert_allclose(np.array(embeddings[Vocabulary.UNKNOWN]), unused * (1 - 0.01 * 0.1), rtol=1e-6)


@pytest.mark.parametrize("layer", ["custom", "builtin"])
def test_step_by_step_reply_is_the_full_models_greedy_choice(layer):
    settings = Settings(layer=layer, units=12, embedding_dim=6, max_reply_chars=15)
    model = build_model(len(VOCABULARY), settings)
    writer = ReplyWriter(model, VOCABULARY, settings.max_prompt_chars, settings.max_reply_chars, NORMALIZER)
    reply = writer.write(["How are you?"])[0]
    ids = VOCABULARY.encode(reply)
    logits = model.predict_on_batch(  # the encoder reads the normalized message
        (np.array([VOCABULARY.encode("how are you")]), np.array([[Vocabulary.START, *ids]], dtype="int32"))
    )
    logits[..., NEVER_WRITTEN] = -np.inf
    chosen = logits[0].argmax(axis=-1)
    assert list(chosen[: len(ids)]) == ids  # each character: the argmax given the whole prefix
    assert len(ids) == settings.max_reply_chars or chosen[len(ids)] == Vocabulary.END


def test_sampling_follows_the_seed():
    settings = Settings(units=8, embedding_dim=4, max_reply_chars=20)
    writer = ReplyWriter(build_model(len(VOCABULARY), settings), VOCABULARY, 64, 20, NORMALIZER)
    first = writer.write(["Hello", "What is AI?"], temperature=2.0, top_k=5, seed=3)
    assert writer.write(["Hello", "What is AI?"], temperature=2.0, top_k=5, seed=3) == first


def counting_steps(writer):
    """Counts the decoder steps `writer` runs."""
    steps = []
    step_once = writer.step_model.predict_on_batch
    writer.step_model.predict_on_batch = lambda inputs: steps.append(1) or step_once(inputs)
    return steps


def test_reply_stops_at_the_end_symbol_unless_told_not_to():
    settings = Settings(units=8, embedding_dim=4, max_reply_chars=20)
    model = build_model(len(VOCABULARY), settings)
    output = model.get_layer("next_character")
    kernel, bias = output.get_weights()
    bias[Vocabulary.END] = 100.0  # the model always says: the reply ends here
    output.set_weights([kernel, bias])
    writer = ReplyWriter(model, VOCABULARY, 64, 20, NORMALIZER)
    steps = counting_steps(writer)
    assert writer.write(["Hello"]) == [""] and len(steps) == 1
    steps.clear()
    writer.write(["Hello"], stop_at_end=False)
    assert len(steps) == 20


@pytest.mark.parametrize("known_words_only", [False, True])
def test_a_beam_of_one_is_greedy(known_words_only):
    settings = Settings(units=12, embedding_dim=6, max_reply_chars=25)
    lexicon = WordLexicon.from_texts([text for pair in PAIRS for text in pair], VOCABULARY) if known_words_only else None
    writer = ReplyWriter(build_model(len(VOCABULARY), settings), VOCABULARY, 64, 25, NORMALIZER, lexicon)
    messages = ["Hello", "How are you?", "What is AI?"]
    assert [beam_reply(writer, message, 1) for message in messages] == writer.write(messages)
    writer.beam_width = 3
    assert writer.write(messages) == [beam_reply(writer, message, 3) for message in messages]
    assert writer.write(messages, temperature=1.0, seed=2) != writer.write(messages)  # sampling ignores the beam


def test_a_beam_stops_when_every_kept_reply_has_ended_unless_told_not_to():
    settings = Settings(units=8, embedding_dim=4, max_reply_chars=20)
    model = build_model(len(VOCABULARY), settings)
    output = model.get_layer("next_character")
    kernel, bias = output.get_weights()
    bias[Vocabulary.END] = 100.0
    output.set_weights([kernel, bias])
    writer = ReplyWriter(model, VOCABULARY, 64, 20, NORMALIZER, beam_width=3)
    steps = counting_steps(writer)
    # Step 1: the empty reply ends, two one-character replies are kept; step 2: both end.
    assert writer.write(["Hello"]) == [""] and len(steps) == 2
    steps.clear()
    writer.write(["Hello"], stop_at_end=False)
    assert len(steps) == 20


def test_bits_per_char_of_an_untrained_model_is_near_uniform():
    settings = Settings(units=8, embedding_dim=4)
    model = build_model(len(VOCABULARY), settings)
    bits = bits_per_char(model, pair_batches(encode_pairs(VOCABULARY, PAIRS, settings), 4))
    assert abs(bits - math.log2(len(VOCABULARY))) < 0.5


def test_kneser_ney_is_a_distribution_and_learns_repeated_text():
    sequences = [[Vocabulary.START, *VOCABULARY.encode(reply), Vocabulary.END] for _, reply in PAIRS]
    model = KneserNey(sequences, len(VOCABULARY), max_order=5)
    context = sequences[0][:4]
    for order in (1, 3, 5):
        assert sum(model.probability(context, token, order) for token in range(len(VOCABULARY))) == pytest.approx(1)
    order, bits = model.best_order(sequences)
    assert order > 2 and bits < model.bits_per_char(sequences, 1) / 3


class ScriptedWriter:
    """Stands in for `ReplyWriter`: replies from a fixed table, keyed by the message as typed."""

    max_reply_chars = 30

    def __init__(self, replies):
        self.replies = replies
        self.normalizer = NORMALIZER

    def write(self, messages):
        return [self.replies.get(message, "") for message in messages]


def test_match_rate_counts_any_corpus_reply_of_a_prompt():
    pairs = [("a", "x"), ("a", "y"), ("b", "z"), ("c", "w")]
    writer = ScriptedWriter({"a": "y", "b": "z", "c": "nope"})
    assert match_rate(writer, pairs) == (2 / 3, 3)


def test_a_reply_longer_than_the_limit_matches_by_all_the_writer_can_write():
    long = "0123456789" * 5  # 50 characters; the writer writes at most 30
    pairs = [("a", long), ("b", long), ("c", long), ("d", "short")]
    writer = ScriptedWriter({"a": long[:30], "b": long[:29], "c": long, "d": "short"})
    assert match_rate(writer, pairs) == (2 / 4, 4)
    assert typed_prompt_match(writer, [("a", "a"), ("b", "b")], pairs)[:2] == (1 / 2, 2)

class RecordingWriter(ScriptedWriter):
    """A `ScriptedWriter` that remembers the messages it was asked to reply to."""

    def write(self, messages):
        self.seen = getattr(self, "seen", []) + list(messages)
        return super().write(messages)


def test_match_rate_on_a_seeded_sample_scores_exactly_the_sampled_prompts():
    prompts = "abcdefgh"
    pairs = [(prompt, prompt.upper()) for prompt in prompts]
    table = {prompt: prompt.upper() if prompt in "aceg" else "no" for prompt in prompts}
    writer, again = RecordingWriter(table), RecordingWriter(table)
    rate, checked = match_rate(writer, pairs, sample_size=4, seed=5)
    match_rate(again, pairs, sample_size=4, seed=5)
    assert checked == 4 and len(set(writer.seen)) == 4 and set(writer.seen) <= set(prompts)
    assert rate == sum(prompt in "aceg" for prompt in writer.seen) / 4
    assert again.seen == writer.seen


def test_typed_prompts_are_scored_against_the_replies_of_the_prompt_they_mean():
    training_pairs = [("how are you", "Fine."), ("how are you", "Good."), ("what is ai", "A field.")]
    rows = [("how r u", "How are you?"), ("HOW ARE YOU!!", "How are you?"), ("whats AI", "What is AI?"),
            ("hello", "Hello")]  # "Hello" is not a training prompt: left out
    writer = ScriptedWriter({"how r u": "Good.", "HOW ARE YOU!!": "Bad.", "whats AI": "A field."})
    rate, checked, misses = typed_prompt_match(writer, rows, training_pairs)
    assert (rate, checked) == (2 / 3, 3)
    assert misses == [["HOW ARE YOU!!", "Bad.", "how are you"]]
    assert typed_prompt_match(writer, rows[3:], training_pairs) == (None, 0, [])


@pytest.mark.parametrize("reply, looping", [
    ("I am fine, thanks.", False),
    ("I am a robot I am a robot I am a robot", True),  # "i am a" three times
    ("I am a robot. I am a robot.", False),
    ("x" * 30, True),  # ran to the length limit
])
def test_a_loop_repeats_a_word_trigram_three_times_or_runs_to_the_limit(reply, looping):
    assert is_loop(reply, max_chars=30) == looping


def test_novel_reply_scores_count_known_words_and_loops():
    writer = ScriptedWriter({"hi": "Hello there friend", "yo": "Hello zorp", "ok": "la la la la la la la la"})
    scores = novel_reply_scores(writer, ["hi", "yo", "ok"], {"hello", "there", "friend", "la"})
    assert scores["novel_reply_known_word_rate"] == 12 / 13
    assert scores["novel_reply_loop_rate"] == 1 / 3
    assert scores["novel_replies"][1] == ["yo", "Hello zorp"]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_no_validation_prompt_occurs_in_training_and_typed_prompts_stay_in_training(tiny_corpus, seed):
    from demos.chat.normalization import basic_form
    from demos.chat.training import prepare_data

    corpus = prepare_data(Settings(corpus=str(tiny_corpus), validation_fraction=0.3, seed=seed))
    training = {basic_form(prompt) for prompt, _ in corpus.training_pairs}
    validation = {basic_form(prompt) for prompt, _ in corpus.validation_pairs}
    assert validation and not training & validation
    assert "what is ai" in training  # meant by rows of the typed-prompt set
    training_text = "".join(prompt + reply for prompt, reply in corpus.training_pairs)
    assert set(corpus.vocabulary.characters) == set(training_text)  # fitted on training text only
