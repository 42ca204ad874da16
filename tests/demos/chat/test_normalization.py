"""One written form for the ways people type a message."""

import pytest

from demos.chat.normalization import PromptNormalizer, basic_form, edits1, words


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


def test_edits1_are_one_edit_away():
    near = edits1("cat")
    assert {"at", "act", "bat", "cart"} <= near and "dog" not in near


KNOWN = PromptNormalizer.from_prompts([
    "Do you like someone?", "What is a computer?", "My system is overheating.", "Can you write bubble sort?",
    "What language are you written in?", "What is your favorite programming language",
])


@pytest.mark.parametrize("typed, expected", [
    ("do you like some one", "do you like someone"),  # a word split in two, joined
    ("my system is over heating", "my system is overheating"),
    ("can you write bubblesort", "can you write bubble sort"),  # two words joined, split
    ("what is a compuetr", "what is a computer"),  # a letter swap
    ("what languge are you writen in", "what language are you written in"),  # letters dropped
    ("what is your favourite programing language", "what is your favorite programming language"),
    ("what is a zebra", "what is a zebra"),  # an unknown word nothing is near stays
])
def test_normalizer_fits_words_to_the_training_prompts(typed, expected):
    assert KNOWN(typed) == expected


def test_training_prompts_are_their_own_normal_form():
    for prompt in ("Do you like someone?", "My system is overheating."):
        assert KNOWN(prompt) == basic_form(prompt) == KNOWN(KNOWN(prompt))


def test_short_words_and_numbers_are_never_corrected():
    assert KNOWN("is 1990 a cat") == "is 1990 a cat"


def test_a_very_long_word_is_left_as_it_is_and_at_once():
    typed = "x" * 500  # a key held down: no spelling fix is looked for (edits of edits would be billions)
    assert KNOWN(f"hello {typed}") == f"hello {typed}"


def test_words_two_edits_away_are_those_every_two_edit_string_finds():
    known = PromptNormalizer({"programming": 3, "overheating": 2, "understand": 5, "understood": 1, "computer": 4,
                              "favorite": 2, "language": 6, "languages": 1})
    typed = ["porgrmaming", "ovreheatign", "udnerstnad", "favourit", "langauegs", "lnaguagse", "zzzzzzzzz",
             "compuuterr", "proggraming", "cmoputre"]
    for word in typed:
        assert not edits1(word) & set(known.known), word  # looked for two edits away only when none is one away
        every_two_edits = {second for first in edits1(word) for second in edits1(first)}
        assert sorted(known._two_edits_away(word)) == sorted(every_two_edits & set(known.known)), word
    assert known._two_edits_away("cmoputre") == ["computer"] and known._two_edits_away("zzzzzzzzz") == []
    assert sorted(known._two_edits_away("lnaguagse")) == ["language", "languages"]
    assert known("i do not udnerstnad") == "i do not understand"
