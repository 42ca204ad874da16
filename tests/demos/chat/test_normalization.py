"""One written form for the ways people type a message."""

import pytest

from demos.chat.normalization import basic_form, words


def test_words_read_apostrophes_and_keep_digits():
    assert words("Don\u2019t STOP! It's 9 o'clock, M&M?") == ["don't", "stop", "it's", "9", "o'clock", "m", "m"]


@pytest.mark.parametrize("typed, meant", [
    ("What's AI?", "What is AI"),
    ("whats ai", "what is AI?"),
    ("I can't hear", "I cannot hear."),
    ("you aren't listening", "You arent listening!"),
    ("r u there", "are you there"),
    ("I'm   fine", "im fine"),
    ("do you really like books", "Do you like books?"),
    ("we'll see", "we will see"),
])
def test_basic_form_agrees_on_case_punctuation_contractions_and_fillers(typed, meant):
    assert basic_form(typed) == basic_form(meant)


def test_a_message_of_fillers_only_keeps_them():
    assert basic_form("Well, really!") == "well really"
    assert basic_form("") == "" and basic_form("\U0001f600!!") == ""
