"""Typing noise on training prompts: the model learns that a slip does not change a message.

Each noisy prompt gets one or two random edits, drawn from: a letter dropped,
doubled, swapped with the next or replaced by a neighbour on the keyboard; a
word dropped, or a known word added; a word split in two or two words joined.
The edits are made on the prompt's casual form (`normalization.basic_form`).
"""

KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
ROW_OFFSETS = (0.0, 0.25, 0.75)  # how far each row is shifted right, in keys
KEY_POSITIONS = {
    letter: (row, column + ROW_OFFSETS[row]) for row, keys in enumerate(KEYBOARD_ROWS) for column, letter in enumerate(keys)
}
NEIGHBOURS = {  # the keys touching each letter's key
    letter: "".join(
        other for other, (other_row, other_x) in KEY_POSITIONS.items()
        if other != letter and abs(other_row - row) <= 1 and abs(other_x - x) <= (1 if other_row == row else 0.75)
    )
    for letter, (row, x) in KEY_POSITIONS.items()
}


def letter_slip(words, random):
    """A letter dropped, doubled, swapped with the next one or replaced by a keyboard neighbour."""
    k = int(random.integers(len(words)))
    word = words[k]
    i = int(random.integers(len(word)))
    kind = random.integers(4)
    if kind == 0 and len(word) > 1:
        word = word[:i] + word[i + 1 :]
    elif kind == 1:
        word = word[:i] + word[i] + word[i:]
    elif kind == 2 and i + 1 < len(word):
        word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    elif word[i] in NEIGHBOURS:
        neighbours = NEIGHBOURS[word[i]]
        word = word[:i] + neighbours[int(random.integers(len(neighbours)))] + word[i + 1 :]
    return words[:k] + [word] + words[k + 1 :]


def word_slip(words, random, vocabulary):
    """A word dropped (when there are three or more), or a known word added somewhere."""
    if len(words) > 2 and random.random() < 0.5:
        k = int(random.integers(len(words)))
        return words[:k] + words[k + 1 :]
    k = int(random.integers(len(words) + 1))
    return words[:k] + [vocabulary[int(random.integers(len(vocabulary)))]] + words[k:]


def spacing_slip(words, random):
    """Two neighbouring words joined, or a word of four letters or more split in two."""
    long_words = [k for k, word in enumerate(words) if len(word) >= 4]
    if len(words) > 1 and (random.random() < 0.5 or not long_words):
        k = int(random.integers(len(words) - 1))
        return words[:k] + [words[k] + words[k + 1]] + words[k + 2 :]
    if not long_words:
        return words
    k = long_words[int(random.integers(len(long_words)))]
    cut = int(random.integers(2, len(words[k]) - 1))
    return words[:k] + [words[k][:cut], words[k][cut:]] + words[k + 1 :]


def add_typing_noise(prompt, random, vocabulary, rate):
    """`prompt` (normalized text) with one or two random slips, with probability `rate`.

    Args:
        prompt: A normalized prompt (lower case, words separated by spaces).
        random: A `numpy.random.Generator`.
        vocabulary: Words that may be added (the training prompts' words).
        rate: Probability of changing the prompt at all.
    """
    words = prompt.split()
    if not words or random.random() >= rate:
        return prompt
    for _ in range(1 + int(random.random() < 0.3)):
        kind = random.random()
        if kind < 0.5:
            words = letter_slip(words, random)
        elif kind < 0.8:
            words = word_slip(words, random, vocabulary)
        else:
            words = spacing_slip(words, random)
    return " ".join(words)
