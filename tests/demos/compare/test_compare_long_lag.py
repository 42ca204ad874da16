"""`python -m demos.compare.long_lag` on tiny lags: its files, its table, its errors."""

import json

import pytest

from demos.compare.long_lag import main


@pytest.mark.slow
def test_each_layer_runs_until_its_first_unsolved_lag(tmp_path, capsys):
    main(["--layers", "custom,chrono", "--lags", "2,3", "--epochs", "2", "--train-count", "128",
          "--test-count", "64", "--solved", "0.99", "--out", str(tmp_path)])
    result = json.loads((tmp_path / "long_lag.json").read_text())
    assert set(result["results"]) == {"custom", "chrono"}
    for layer, runs in result["results"].items():
        lags = [int(lag) for lag in runs]
        solved = [int(lag) for lag, run in runs.items() if run["accuracy"] >= 0.99]
        assert lags[: len(solved)] == solved  # a layer stops at the first lag it fails
        assert result["largest_solved_lag"][layer] == max(solved, default=0)
        assert all(0.0 <= run["accuracy"] <= 1.0 and run["epochs"] <= 2 for run in runs.values())
    assert (tmp_path / "long_lag.png").read_bytes().startswith(b"\x89PNG")
    assert "largest k solved" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [(["--lags", "20,5"], "--lags takes increasing"),
                                           (["--layers", "gru"], "--layers takes names among")])
def test_bad_flags_are_one_line(argv, message, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([*argv, "--out", str(tmp_path / "out")])
    assert exit_info.value.code == 2 and message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
