"""Replies held to the words of the training corpus."""

import numpy as np

from datasets.dialogs import Vocabulary
from demos.chat.decoding import WordLexicon, WordTracker
from demos.chat.normalization import words

TEXTS = ["I don't know.", "Hello there!", "The 'real' one", "Help me"]
VOCABULARY = Vocabulary.from_texts(TEXTS + ["xyz"])
LEXICON = WordLexicon.from_texts(TEXTS, VOCABULARY)


def allowed_characters(prefix):
    mask = LEXICON.allowed(prefix)
    return {VOCABULARY.token(i) for i in np.flatnonzero(mask)}


def test_a_word_continues_only_into_known_words():
    assert allowed_characters("he") == {"l"}  # hello, help
    assert allowed_characters("hel") == {"l", "p"}
    assert "<end>" not in allowed_characters("hel") and " " not in allowed_characters("hel")


def test_a_whole_word_may_end_and_between_words_anything_may_start_a_known_word():
    after_help = allowed_characters("help")
    assert {" ", ".", "!", "<end>"} <= after_help and "x" not in after_help
    between = allowed_characters("")
    assert {"h", "H", "I", "t", "T", "'", " ", "<end>"} <= between and "x" not in between


def test_apostrophes_inside_words_and_as_quotes():
    prefix = ""
    for character in "don't":
        assert character in allowed_characters(prefix)
        prefix = LEXICON.advance(prefix, VOCABULARY.index[character])
    assert prefix == "don't" and " " in allowed_characters(prefix)
    assert LEXICON.advance("real", VOCABULARY.index["'"]) == ""  # a closing quote ends the word


def test_every_training_text_can_be_written():
    for text in TEXTS:
        prefix = ""
        for character in text:
            assert LEXICON.allowed(prefix)[VOCABULARY.index[character]], (text, character)
            prefix = LEXICON.advance(prefix, VOCABULARY.index[character])
        assert LEXICON.allowed(prefix)[Vocabulary.END]
    assert set(words(" ".join(TEXTS))) == LEXICON.words


def write(tracker, text):
    for character in text:
        assert tracker.allowed()[0, VOCABULARY.index[character]], character
        tracker.update([VOCABULARY.index[character]])


def test_a_word_that_would_repeat_a_trigram_cannot_end():
    tracker = WordTracker(LEXICON, batch_size=1)
    write(tracker, "help me help me help")  # "help me help" once so far, then "me help me"
    assert tracker.words[0] == ["help", "me", "help", "me"]
    assert not tracker.allowed()[0, VOCABULARY.index[" "]]  # "help me help" would come a second time
    only = np.flatnonzero(tracker.allowed()[0])
    assert list(only) == [Vocabulary.END]  # "help" cannot go on: the reply ends


def test_a_word_that_can_go_on_is_made_to():
    tracker = WordTracker(WordLexicon.from_texts(["help me helpx"], VOCABULARY), batch_size=1)
    write(tracker, "help me help me help")
    assert {VOCABULARY.token(i) for i in np.flatnonzero(tracker.allowed()[0])} == {"x"}
