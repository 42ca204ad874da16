"""`python -m benchmarks.app_load` on the test runs: the app started, requests answered, none failed."""

import json

import pytest

from benchmarks.app_load import main


@pytest.mark.slow
def test_a_small_load_is_answered_and_written(app_runs, tmp_path):
    out = tmp_path / "load.json"
    assert main(["--runs", str(app_runs), "--repeats", "2", "--warmup", "1", "--requests", "6", "--clients", "3",
                 "--out", str(out)]) == 0
    figures = json.loads(out.read_text())
    assert figures["under_load"]["failed"] == 0 and figures["under_load"]["requests"] == 6
    assert set(figures["one_client"]) == {"digit", "reply"}
    assert 0 < figures["one_client"]["digit"]["min_ms"] <= figures["one_client"]["digit"]["median_ms"]
