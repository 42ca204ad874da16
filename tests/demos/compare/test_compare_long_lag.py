"""`python -m demos.compare.long_lag` on tiny lags: its files, its table, its errors."""

import json

import pytest

from demos.compare.long_lag import main


def test_each_layer_runs_until_its_first_unsolved_lag(tmp_path, monkeypatch, capsys):
    from demos.compare import long_lag

    accuracy = {("custom", 2): 0.95, ("custom", 3): 0.5, ("custom", 5): 1.0, ("chrono", 2): 0.2}
    asked = []
    monkeypatch.setattr(long_lag, "train_on_lag",
                        lambda layer, lag, args: asked.append((layer, lag)) or (accuracy[layer, lag], 7))
    main(["--layers", "custom,chrono", "--lags", "2,3,5", "--solved", "0.9", "--out", str(tmp_path)])
    assert asked == [("custom", 2), ("custom", 3), ("chrono", 2)]  # each layer stops at its first failed lag
    result = json.loads((tmp_path / "long_lag.json").read_text())
    assert result["largest_solved_lag"] == {"custom": 2, "chrono": 0}
    assert result["results"]["custom"]["3"]["accuracy"] == 0.5 and result["results"]["chrono"]["2"]["epochs"] == 7
    assert "largest k solved" in capsys.readouterr().out


@pytest.mark.slow
def test_the_recall_task_is_trained_and_drawn(tmp_path):
    main(["--layers", "custom,chrono", "--lags", "2,3", "--epochs", "2", "--train-count", "128",
          "--test-count", "64", "--solved", "0.99", "--out", str(tmp_path)])
    result = json.loads((tmp_path / "long_lag.json").read_text())
    assert set(result["results"]) == {"custom", "chrono"}
    assert all(0.0 <= run["accuracy"] <= 1.0 and 1 <= run["epochs"] <= 2
               for runs in result["results"].values() for run in runs.values())
    assert (tmp_path / "long_lag.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("argv, message", [(["--lags", "20,5"], "--lags takes increasing"),
                                           (["--layers", "gru"], "--layers takes names among")])
def test_bad_flags_are_one_line(argv, message, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([*argv, "--out", str(tmp_path / "out")])
    assert exit_info.value.code == 2 and message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
