"""Writing only known words: a character decoder held to the words of its training corpus.

A character model may spell a word that does not exist ("expresting").
`WordLexicon` follows the word being written, character by character, and
allows only characters that continue some word of the training corpus; a
space, punctuation or the end of the reply is allowed only once the word so
far is a whole word. Within those limits the model still picks each character.
`WordTracker` also keeps a reply from looping: a word that would make some
three-word sequence occur a second time cannot end there (the reply ends
instead, if the word cannot go on).
"""

import collections
import re

import numpy as np

from demos.chat.normalization import words

WORD_CHARACTER = re.compile(r"[^\W_]")
REPEATS_ALLOWED = 1  # times a word trigram may occur in one reply


class WordLexicon:
    """The words a reply may use, and which characters may come next.

    Args:
        known_words: Iterable of lower-case words (`normalization.words`).
        vocabulary: The model's `datasets.dialogs.Vocabulary`.
    """

    def __init__(self, known_words, vocabulary):
        self.words = frozenset(known_words)
        self.prefixes = frozenset(word[:k] for word in self.words for k in range(1, len(word) + 1))
        self.vocabulary = vocabulary
        self._masks = {}

    @classmethod
    def from_texts(cls, texts, vocabulary):
        return cls({word for text in texts for word in words(text)}, vocabulary)

    def allowed(self, prefix):
        """Boolean mask over the vocabulary ids: what may follow the word `prefix` ("" between words)."""
        if prefix not in self._masks:
            mask = np.zeros(len(self.vocabulary), dtype=bool)
            mask[self.vocabulary.END] = self._ends_word(prefix)
            for character, index in self.vocabulary.index.items():
                mask[index] = self._next(prefix, character) is not None
            self._masks[prefix] = mask
        return self._masks[prefix]

    def advance(self, prefix, index):
        """The word prefix after writing id `index` ("" once a word is over)."""
        if index < len(self.vocabulary.SYMBOLS):
            return ""
        return self._next(prefix, self.vocabulary.token(index)) or ""

    def _next(self, prefix, character):
        """The new prefix ("" after a word ends), or None if `character` cannot come next."""
        character = character.lower().replace("\u2019", "'")
        if WORD_CHARACTER.fullmatch(character) or (character == "'" and prefix):
            longer = prefix + character
            if longer in self.prefixes:
                return longer
            if character != "'":
                return None
        return "" if self._ends_word(prefix) else None

    def extending(self, prefix):
        """Mask of the characters that make `prefix` a longer word (no word end, no reply end)."""
        key = ("extending", prefix)
        if key not in self._masks:
            mask = np.zeros(len(self.vocabulary), dtype=bool)
            for character, index in self.vocabulary.index.items():
                mask[index] = bool(self._next(prefix, character))
            self._masks[key] = mask
        return self._masks[key]

    def _ends_word(self, prefix):
        return not prefix or prefix in self.words or (prefix.endswith("'") and prefix[:-1] in self.words)


class WordTracker:
    """Follows a batch of replies as they are written: the word in progress and the words so far."""

    def __init__(self, lexicon, batch_size):
        self.lexicon = lexicon
        self.prefixes = [""] * batch_size
        self.words = [[] for _ in range(batch_size)]
        self.trigrams = [collections.Counter() for _ in range(batch_size)]

    def allowed(self):
        """`(batch, vocabulary)` mask of the ids each reply may write next."""
        return np.stack([self._allowed_row(row) for row in range(len(self.prefixes))])

    def _allowed_row(self, row):
        prefix, words = self.prefixes[row], self.words[row]
        if not (prefix and len(words) >= 2 and self.trigrams[row][(*words[-2:], prefix)] >= REPEATS_ALLOWED):
            return self.lexicon.allowed(prefix)
        mask = self.lexicon.extending(prefix)  # ending this word here would repeat a trigram once too often
        if not mask.any():
            mask = np.zeros_like(mask)
            mask[self.lexicon.vocabulary.END] = True
        return mask

    def select(self, rows):
        """A tracker of the replies `rows`, in that order (beam search keeps some replies, some twice)."""
        chosen = WordTracker(self.lexicon, 0)
        chosen.prefixes = [self.prefixes[row] for row in rows]
        chosen.words = [list(self.words[row]) for row in rows]
        chosen.trigrams = [self.trigrams[row].copy() for row in rows]
        return chosen

    def update(self, chosen):
        """Records the id each reply wrote."""
        for row, index in enumerate(chosen):
            prefix = self.prefixes[row]
            self.prefixes[row] = self.lexicon.advance(prefix, int(index))
            if prefix and not self.prefixes[row]:  # a word just ended
                words = self.words[row]
                words.append(prefix.rstrip("'"))
                if len(words) >= 3:
                    self.trigrams[row][tuple(words[-3:])] += 1
