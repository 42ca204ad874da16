"""The baseline: an interpolated Kneser-Ney character n-gram model of the conversations.

It predicts each character (and the end of each turn) from the previous
`order - 1` characters of the conversation, across turns, with the absolute discount
and continuation counts of Kneser and Ney (Chen and Goodman, 1998, eq. 8-9),
interpolated down to a uniform distribution over the vocabulary.
"""

import collections
import math


class KneserNey:
    """Character n-gram models of every order up to `max_order`, from the same counts.

    Args:
        sequences: Training sequences of ids, each the start symbol followed by
            the ids to predict (`features.encode_conversation`).
        vocabulary_size: Number of possible ids (for the uniform floor).
        max_order: Longest n-gram (context of `max_order - 1` ids).
        discount: Absolute discount D, 0 < D < 1.
    """

    def __init__(self, sequences, vocabulary_size, max_order=8, discount=0.75):
        self.vocabulary_size = vocabulary_size
        self.max_order = max_order
        self.discount = discount
        # counts[k][context of k ids][next id]: raw counts; continuations[k]: distinct left neighbours.
        self.counts = [collections.defaultdict(collections.Counter) for _ in range(max_order)]
        self.continuations = [collections.defaultdict(collections.Counter) for _ in range(max_order)]
        for sequence in sequences:
            padded = self._pad(sequence)
            for t in range(max_order - 1, len(padded)):
                for k in range(max_order):
                    self.counts[k][tuple(padded[t - k : t])][padded[t]] += 1
        for k in range(1, max_order):
            for context, following in self.counts[k].items():
                for token in following:
                    self.continuations[k - 1][context[1:]][token] += 1

    def _pad(self, sequence):
        return [sequence[0]] * (self.max_order - 1) + list(sequence[1:])

    def probability(self, context, token, order):
        """P(token | the last `order - 1` ids of context)."""
        probability = 1.0 / self.vocabulary_size
        for k in range(order):
            table = self.counts[k] if k == order - 1 else self.continuations[k]
            following = table.get(tuple(context[len(context) - k :]) if k else ())
            if not following:
                continue
            total = sum(following.values())
            discounted = max(following.get(token, 0) - self.discount, 0.0)
            probability = (discounted + self.discount * len(following) * probability) / total
        return probability

    def bits_per_char(self, sequences, order, weights=None):
        """Mean -log2 P of the ids after the start symbol of each sequence.

        `weights`, if given, holds one 0/1 weight per predicted id of each
        sequence: only ids of weight 1 are scored (the held-out replies).
        """
        bits, count = 0.0, 0
        for k, sequence in enumerate(sequences):
            padded = self._pad(sequence)
            for t in range(self.max_order - 1, len(padded)):
                if weights is None or weights[k][t - self.max_order + 1]:
                    bits -= math.log2(self.probability(padded[:t], padded[t], order))
                    count += 1
        return bits / count if count else float("nan")

    def best_order(self, sequences, weights=None):
        """The order with the lowest bits per character on `sequences` (scored by `weights`), and that value."""
        scores = {order: self.bits_per_char(sequences, order, weights) for order in range(1, self.max_order + 1)}
        order = min(scores, key=scores.get)
        return order, scores[order]


class TfidfRanker:
    """Response selection by TF-IDF, as Lowe et al. (2015) ran it on the Ubuntu corpus.

    Word TF-IDF vectors fitted on training text; a candidate's score is the
    cosine between its vector and the context's.
    """

    def __init__(self, texts):
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.vectorizer = TfidfVectorizer().fit(texts)

    def scores(self, context, candidates):
        vectors = self.vectorizer.transform([context, *candidates])  # rows are L2-normalized
        return (vectors[1:] @ vectors[0].T).toarray()[:, 0]
