"""The baseline: an interpolated Kneser-Ney character n-gram model of the replies.

It predicts each reply character (and the end of the reply) from the
previous `order - 1` characters of the same reply, with the absolute discount
and continuation counts of Kneser and Ney (Chen and Goodman, 1998, eq. 8-9),
interpolated down to a uniform distribution over the vocabulary.
"""

import collections
import math


class KneserNey:
    """Character n-gram models of every order up to `max_order`, from the same counts.

    Args:
        sequences: Training sequences of ids, each the start symbol followed by
            the characters to predict (`features.encode_reply` input + last target).
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

    def bits_per_char(self, sequences, order):
        """Mean -log2 P of every id after the start symbol of each sequence."""
        bits, count = 0.0, 0
        for sequence in sequences:
            padded = self._pad(sequence)
            for t in range(self.max_order - 1, len(padded)):
                bits -= math.log2(self.probability(padded[:t], padded[t], order))
                count += 1
        return bits / count

    def best_order(self, sequences):
        """The order with the lowest bits per character on `sequences`, and that value."""
        scores = {order: self.bits_per_char(sequences, order) for order in range(1, self.max_order + 1)}
        order = min(scores, key=scores.get)
        return order, scores[order]
