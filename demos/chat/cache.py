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

import math

import numpy as np

SHORTEST, LONGEST = 2, 8  # the runs of ids the cache matches


class Cache:
    """What followed each run of `SHORTEST`-`LONGEST` ids of a stream, updated id by id.

    A cache made `after` another goes on from its stream and reads its
    tables without copying them (the other must not grow meanwhile): the
    conversation is indexed once for all of its candidate replies.
    """

    def __init__(self, ids=(), after=None):
        self.ids = list(after.ids) if after else []
        self.tables = [*(after.tables if after else ()), {}]  # run of ids -> {next id: count}
        for token in ids:
            self.add(token)

    def add(self, token):
        table, tail = self.tables[-1], tuple(self.ids[-LONGEST:])
        for start in range(len(tail) - SHORTEST + 1):  # the runs of LONGEST ... SHORTEST ids before the token
            counts = table.setdefault(tail[start:], {})
            counts[token] = counts.get(token, 0) + 1
        self.ids.append(token)

    def probability(self, token):
        """The cache's probability of `token` next, from the longest run that occurred before; None when none did."""
        tail = tuple(self.ids[-LONGEST:])
        for start in range(len(tail) - SHORTEST + 1):  # the longest run first
            run = tail[start:]
            counts = [table[run] for table in self.tables if run in table]
            if counts:
                return sum(count.get(token, 0) for count in counts) / sum(sum(count.values()) for count in counts)
        return None


def cached_log_probabilities(log_probabilities, history, reply, weight):
    """Each of `reply`'s ids' log-probability (the model's `log_probabilities` of them) with the cache of `history`
    (a `Cache` of the ids read before the reply) and of the reply so far mixed in with `weight`."""
    cache, mixed = Cache(after=history), []
    for log_probability, token in zip(log_probabilities, reply, strict=True):
        cached = cache.probability(token)
        if cached is not None:
            probability = (1 - weight) * math.exp(log_probability) + weight * cached
            log_probability = math.log(probability) if probability > 0 else -math.inf
        mixed.append(log_probability)
        cache.add(token)
    return np.array(mixed)
