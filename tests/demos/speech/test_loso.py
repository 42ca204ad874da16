from demos.speech.loso import pooled_false_accepts


def test_false_accepts_of_the_folds_are_pooled_worst_first():
    first = {"hi": {"count": 4, "answered": {"5": 3}}, "pink": {"count": 2, "answered": {}}}
    second = {"hi": {"count": 4, "answered": {"5": 1, "9": 2}}, "pink": {"count": 2, "answered": {"1": 1}}}
    pooled = pooled_false_accepts([first, second])
    assert list(pooled) == ["hi", "pink"]  # 6 of 8, then 1 of 4
    assert pooled["hi"] == {"count": 8, "answered": {"5": 4, "9": 2}, "false_accept_rate": 0.75}
    assert pooled["pink"] == {"count": 4, "answered": {"1": 1}, "false_accept_rate": 0.25}


def test_the_non_digits_most_often_taken_for_digits_are_drawn_worst_at_the_top():
    from matplotlib.figure import Figure

    from demos.speech.loso import SHOWN_KINDS, plot_false_accepts

    by_kind = pooled_false_accepts([{f"word{k}": {"count": 20, "answered": {"3": 20 - k}} for k in range(20)}])
    axis = Figure().subplots()
    plot_false_accepts(axis, by_kind)
    widths = [bar.get_width() for bar in axis.patches]
    assert len(widths) == SHOWN_KINDS and widths[-1] == 1.0 and widths == sorted(widths)  # word0: 20 of 20, on top
    assert [label.get_text() for label in axis.get_yticklabels()][-1] == "word0"
