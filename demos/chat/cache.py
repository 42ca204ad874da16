"""A cache of the conversation: the model's next-character probabilities mixed with what followed the same
characters earlier in it (a cache language model: Kuhn and De Mori, 1990; Grave et al., 2017).

At each character of a reply, the cache looks for the longest run of
`shortest`-`longest` ids, ending just before it, that occurred earlier in
the conversation or the reply; where one did, it predicts the ids that
followed that run there, in proportion to how often, and gets `weight` of
the probability; elsewhere the model keeps all of it. Words of the
conversation become likelier in the reply, which is what TF-IDF's ranking
rewards too.
"""

import collections

import numpy as np

SHORTEST, LONGEST = 2, 8  # the runs of ids the cache matches


class Cache:
    """What followed each run of `SHORTEST`-`LONGEST` ids of a stream, updated id by id."""

    def __init__(self, ids):
        self.ids = []
        self.followers = collections.defaultdict(collections.Counter)
        for token in ids:
            self.add(token)

    def add(self, token):
        for length in range(SHORTEST, min(LONGEST, len(self.ids)) + 1):
            self.followers[tuple(self.ids[-length:])][token] += 1
        self.ids.append(token)

    def probability(self, token):
        """The cache's probability of `token` next, from the longest run that occurred before; None when none did."""
        for length in range(min(LONGEST, len(self.ids)), SHORTEST - 1, -1):
            counts = self.followers.get(tuple(self.ids[-length:]))
            if counts:
                return counts[token] / sum(counts.values())
        return None


def cached_log_probabilities(log_probabilities, history, reply, weight):
    """Each of `reply`'s ids' log-probability (the model's `log_probabilities` of them) with the cache of `history`
    (the ids read before the reply) and of the reply so far mixed in with `weight`."""
    cache, mixed = Cache([*history]), []
    for log_probability, token in zip(log_probabilities, reply, strict=True):
        cached = cache.probability(token)
        mixed.append(log_probability if cached is None
                     else np.log((1 - weight) * np.exp(log_probability) + weight * cached))
        cache.add(token)
    return np.array(mixed)
