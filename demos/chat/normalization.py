"""One written form for the many ways people type a message, and the words of a text.

`basic_form`: lower case, apostrophes and contractions written out ("what's",
"whats" -> "what is"), chat shorthand ("u", "r"), punctuation and filler
words dropped. It says when two prompts mean the same, and it is the casual
form in which chatterbot prompts are sometimes read in training
(`features.casual_prompts`).

`PromptNormalizer`: `basic_form`, then each word fitted to the words of the
memory model's prompts: two words joined or one split when that gives known
words ("some one" -> "someone"), a spelling slip corrected to the nearest
known word (one edit away; two for long words). The memory model's encoder
reads every message in that form, in training and when it answers.

Words two edits away are found as SymSpell finds them (Garbe 2012): two
words within two edits share a string that deleting at most two letters
from each gives, so the known words are indexed once by those strings,
and only the few that share one with a typed word are checked. Building
every string two edits from a typed word would take a twentieth of a
second a word.
"""

import collections
import re

WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")  # a word: letters or digits, with inner apostrophes ("don't")

# Written-out forms of contractions and shorthand, after lower-casing and with "'" as the apostrophe.
EXPANSIONS = {
    "what's": "what is", "whats": "what is", "who's": "who is", "whos": "who is", "where's": "where is",
    "how's": "how is", "hows": "how is", "it's": "it is", "that's": "that is", "thats": "that is",
    "there's": "there is", "let's": "let us", "i'm": "i am", "im": "i am", "can't": "can not", "cant": "can not",
    "cannot": "can not", "won't": "will not", "wont": "will not", "shan't": "shall not",
    "u": "you", "r": "are", "ur": "your", "y'all": "you all", "ya": "you", "pls": "please", "plz": "please",
    "thx": "thanks", "gonna": "going to", "wanna": "want to",
}
SUFFIXES = {"n't": " not", "'re": " are", "'ve": " have", "'ll": " will", "'d": " would"}
# Apostrophe-free "n't" forms people type ("dont", "isnt"), written out.
BARE_NEGATIONS = {
    word: f"{word[:-2]} not"
    for word in ("dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "havent", "hasnt", "hadnt",
                 "wouldnt", "couldnt", "shouldnt", "aint")
}
SECOND_EDIT_FROM = 8  # words this long or longer may be two edits from the known word meant
LONGEST_FITTED = 20  # longer "words" (a key held down, a URL) are left as they are: no English word is that long
# Words that add emphasis or politeness but no meaning to a question.
FILLERS = frozenset({"so", "really", "very", "just", "please", "actually", "basically", "um", "uh", "hmm", "oh",
                     "hey", "well", "quite", "pretty", "totally", "ever", "even", "then", "now"})


def words(text):
    """The lower-case words of `text` (typographic apostrophes read as "'")."""
    return WORD.findall(text.lower().replace("\u2019", "'").replace("`", "'"))


def expand(word):
    """A word's contraction or shorthand written out ("what's" -> "what is")."""
    if word in EXPANSIONS:
        return EXPANSIONS[word]
    if word in BARE_NEGATIONS:
        return BARE_NEGATIONS[word]
    for suffix, replacement in SUFFIXES.items():
        if word.endswith(suffix) and len(word) > len(suffix):
            return word[: -len(suffix)] + replacement
    return word.replace("'s", "").replace("'", "")


def basic_form(text):
    """Lower case, contractions written out, fillers and punctuation dropped, single spaces."""
    written_out = " ".join(expand(word) for word in words(text)).split()
    kept = [word for word in written_out if word not in FILLERS]
    return " ".join(kept or written_out)


def deletions(word, times=2):
    """`word` and every string made from it by deleting up to `times` of its characters."""
    found, last = {word}, {word}
    for _ in range(times):
        last = {shorter[:i] + shorter[i + 1 :] for shorter in last for i in range(len(shorter))}
        found |= last
    return found


def edits1(word):
    """Every string one deletion, transposition, substitution or insertion away from `word`."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return {
        *(left + right[1:] for left, right in splits if right),
        *(left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1),
        *(left + letter + right[1:] for left, right in splits if right for letter in letters),
        *(left + letter + right for left, right in splits for letter in letters),
    }


class PromptNormalizer:
    """`basic_form`, then each word fitted to the words of the training prompts.

    Args:
        known_words: Word -> count over the training prompts (in `basic_form`);
            `from_prompts` counts them.
    """

    def __init__(self, known_words):
        self.known = collections.Counter(known_words)
        self._by_deletion = None  # deletion string -> known words of at least SECOND_EDIT_FROM - 2 letters (lazy)

    @classmethod
    def from_prompts(cls, prompts):
        return cls(collections.Counter(word for prompt in prompts for word in basic_form(prompt).split()))

    def __call__(self, message):
        tokens = basic_form(message).split()
        return " ".join(self._fit(tokens))

    def _fit(self, tokens):
        fitted, k = [], 0
        while k < len(tokens):
            word = tokens[k]
            joined = word + tokens[k + 1] if k + 1 < len(tokens) else None
            if joined in self.known and not (word in self.known and tokens[k + 1] in self.known):
                fitted.append(joined)  # "over heating" -> "overheating"
                k += 2
                continue
            fitted += self._fit_word(word)
            k += 1
        return fitted

    def _fit_word(self, word):
        if word in self.known or word.isdigit() or not 4 <= len(word) <= LONGEST_FITTED:
            return [word]
        for cut in range(2, len(word) - 1):  # "bubblesort" -> "bubble sort"
            if word[:cut] in self.known and word[cut:] in self.known and len(word[cut:]) > 1:
                return [word[:cut], word[cut:]]
        near = [candidate for candidate in edits1(word) if candidate in self.known]
        if not near and len(word) >= SECOND_EDIT_FROM:
            near = self._two_edits_away(word)
        # The most frequent; between equals, the longest (a dropped letter is the commonest slip).
        return [max(sorted(near), key=lambda candidate: (self.known[candidate], len(candidate)))] if near else [word]

    def _two_edits_away(self, word):
        """The known words exactly two edits from `word` (none is one edit away)."""
        if self._by_deletion is None:
            self._by_deletion = collections.defaultdict(set)
            for known in self.known:
                if len(known) >= SECOND_EDIT_FROM - 2:
                    for shorter in deletions(known):
                        self._by_deletion[shorter].add(known)
        sharing = {known for shorter in deletions(word) for known in self._by_deletion.get(shorter, ())}
        first = edits1(word)
        return [known for known in sharing if not first.isdisjoint(edits1(known))]
