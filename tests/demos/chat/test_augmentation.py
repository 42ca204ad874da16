"""Typing noise on training prompts."""

import numpy as np

from demos.chat.augmentation import NEIGHBOURS, add_typing_noise, letter_slip, spacing_slip, word_slip

PROMPT = "what is your favorite programming language"
VOCABULARY = ["hello", "robot"]


def test_rate_zero_changes_nothing_and_rate_one_changes_most():
    random = np.random.default_rng(0)
    assert all(add_typing_noise(PROMPT, random, VOCABULARY, 0.0) == PROMPT for _ in range(50))
    changed = [add_typing_noise(PROMPT, random, VOCABULARY, 1.0) != PROMPT for _ in range(200)]
    assert np.mean(changed) > 0.9


def test_noise_is_drawn_from_the_generator():
    first = [add_typing_noise(PROMPT, np.random.default_rng(7), VOCABULARY, 0.5) for _ in range(3)]
    again = [add_typing_noise(PROMPT, np.random.default_rng(7), VOCABULARY, 0.5) for _ in range(3)]
    assert first == again


def test_each_slip_is_one_small_edit():
    random = np.random.default_rng(1)
    words = PROMPT.split()
    for _ in range(100):
        slipped = letter_slip(words, random)
        assert len(slipped) == len(words)
        assert sum(a != b for a, b in zip(slipped, words, strict=True)) <= 1
        assert abs(len("".join(slipped)) - len("".join(words))) <= 1
        changed = word_slip(words, random, VOCABULARY)
        assert abs(len(changed) - len(words)) == 1 and set(changed) <= set(words) | set(VOCABULARY)
        spaced = spacing_slip(words, random)
        assert "".join(spaced) == "".join(words) and abs(len(spaced) - len(words)) == 1


def test_keyboard_neighbours_are_next_to_each_other():
    assert set(NEIGHBOURS["s"]) == set("weadzx") and "g" in NEIGHBOURS["h"] and "p" not in NEIGHBOURS["a"]


def test_empty_prompts_stay_empty():
    assert add_typing_noise("", np.random.default_rng(0), VOCABULARY, 1.0) == ""
