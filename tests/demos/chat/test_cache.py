"""The cache of the conversation: what followed the same run of characters earlier, mixed into the model's."""

import numpy as np
import pytest

from demos.chat.cache import Cache, cached_log_probabilities


def test_the_cache_predicts_what_followed_the_longest_run_seen_before():
    cache = Cache([1, 5, 6, 7, 2, 4, 5, 6, 8])
    assert cache.probability(7) is None  # the last run [6, 8] (and longer ones) never occurred before
    cache.add(2)  # ... 6 8 2
    cache.add(5)  # [2, 5] never occurred; nor longer ones
    assert cache.probability(6) is None
    cache.add(6)  # [5, 6] occurred twice, followed by 7 and by 8; [2, 5, 6] never occurred
    assert cache.probability(7) == cache.probability(8) == 0.5 and cache.probability(9) == 0.0
    other = Cache([3, 1, 5, 6, 7, 2, 1, 5, 6])  # [1, 5, 6] occurred once, followed by 7: it wins over [5, 6]
    assert other.probability(7) == 1.0


def test_a_reply_mixes_the_cache_in_only_where_a_run_occurred_before():
    history, reply = [1, 5, 6, 7, 2], [5, 6, 7, 2]
    model = np.log([0.1, 0.1, 0.1, 0.2])
    mixed = cached_log_probabilities(model, Cache(history), reply, weight=0.3)
    # 5: [7, 2]... never occurred: the model's. 6: [2, 5] never: the model's. 7: [5, 6] was followed by 7 once.
    # 2: [5, 6, 7] (and [6, 7]) were followed by 2.
    expected = [0.1, 0.1, 0.7 * 0.1 + 0.3 * 1.0, 0.7 * 0.2 + 0.3 * 1.0]
    np.testing.assert_allclose(np.exp(mixed), expected, rtol=1e-12)
    assert cached_log_probabilities(model, Cache(), reply, weight=0.3) == pytest.approx(model)  # nothing to copy from
    # Characters the model all but rules out (exp(-800) underflows to 0): after [5, 6], 7 keeps the cache's 0.3 of
    # the probability; 9, which the cache never saw there, has none: -inf, not an error.
    assert cached_log_probabilities(np.array([-800.0]), Cache([5, 6, 7, 5, 6]), [7], weight=0.3)[0] == np.log(0.3)
    assert cached_log_probabilities(np.array([-800.0]), Cache([5, 6, 7, 5, 6]), [9], weight=0.3)[0] == -np.inf


def test_a_cache_after_another_predicts_as_one_of_both_streams_and_leaves_the_other_as_it_was():
    first, second = [1, 5, 6, 7, 2, 5], [6, 8, 2, 5, 6]
    before = Cache(first)
    after, whole = Cache(second, after=before), Cache(first + second)
    assert [after.probability(token) for token in range(10)] == [whole.probability(token) for token in range(10)]
    assert after.probability(8) == 1.0  # [2, 5, 6], across the two streams' seam, was followed by 8
    assert before.ids == first and before.tables == Cache(first).tables
