"""One written form for the many ways people type a message, and the words of a text.

`basic_form`: lower case, apostrophes and contractions written out ("what's",
"whats" -> "what is"), chat shorthand ("u", "r"), punctuation and filler
words dropped. It says when two prompts mean the same, and it is the casual
form in which chatterbot prompts are sometimes read in training
(`features.casual_prompts`).
"""

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
