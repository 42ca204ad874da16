from demos.speech.loso import pooled_false_accepts


def test_false_accepts_of_the_folds_are_pooled_worst_first():
    first = {"hi": {"count": 4, "answered": {"5": 3}}, "pink": {"count": 2, "answered": {}}}
    second = {"hi": {"count": 4, "answered": {"5": 1, "9": 2}}, "pink": {"count": 2, "answered": {"1": 1}}}
    pooled = pooled_false_accepts([first, second])
    assert list(pooled) == ["hi", "pink"]  # 6 of 8, then 1 of 4
    assert pooled["hi"] == {"count": 8, "answered": {"5": 4, "9": 2}, "false_accept_rate": 0.75}
    assert pooled["pink"] == {"count": 4, "answered": {"1": 1}, "false_accept_rate": 0.25}
