"""The `python -m demos.compare` command line: the skip line for speech without data, bad flags."""

import pytest

from datasets import fsdd
from demos.compare import runner
from demos.compare.__main__ import main
from demos.compare.settings import Settings


@pytest.fixture
def no_download(monkeypatch):
    """Records download attempts; each fails as it would offline."""
    attempts = []

    def download():
        attempts.append(True)
        raise fsdd.DataUnavailable("cannot download FSDD (offline)")

    monkeypatch.setattr(fsdd, "download", download)
    return attempts


def test_speech_is_skipped_with_one_line_when_fsdd_dir_is_empty(tmp_path, monkeypatch, capsys, no_download):
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv(fsdd.ENV_VARIABLE, str(tmp_path / "empty"))
    monkeypatch.chdir(tmp_path)
    report = main(["--apps", "speech", "--out", "report"])
    assert no_download == []
    skip_lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("speech: skipped")]
    assert len(skip_lines) == 2  # once as it happens, once under the final table
    assert "no WAV files in" in skip_lines[0] and report["apps"] == {}
    assert "speech: skipped" in (tmp_path / "report" / "report.md").read_text()


def test_speech_is_skipped_when_the_download_fails(tmp_path, monkeypatch, no_download):
    monkeypatch.delenv(fsdd.ENV_VARIABLE, raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    report = runner.run({"speech": runner.demo_settings("speech", Settings())}, tmp_path)
    assert no_download == [True]
    assert report["skipped"] == {"speech": "cannot download FSDD (offline)"}


def test_unknown_app_is_one_line_and_exit_status_2(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main(["--apps", "speech,weather"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err == "error: --apps takes names among speech,chat,stocks, got 'speech,weather'\n"
    assert not (tmp_path / "runs").exists()


def test_demo_settings_turn_dropout_off_and_quick_cuts_epochs():
    quick = runner.demo_settings("speech", Settings(quick=True, seed=5))
    full = runner.demo_settings("speech", Settings(seed=5))
    assert quick.dropout == full.dropout == 0.0 and quick.seed == 5
    assert quick.epochs < full.epochs
    assert runner.demo_settings("stocks", Settings()).offline
    chat = runner.demo_settings("chat", Settings(quick=True))
    assert chat.max_training_pairs and chat.match_sample == 0  # a few pairs learnt by heart, all checked


def test_chat_is_skipped_with_one_line_when_the_comparison_is_distributed(tmp_path):
    report = runner.run({"chat": runner.demo_settings("chat", Settings(distribute=True))}, tmp_path)
    assert report["apps"] == {} and "stateful streams" in report["skipped"]["chat"]
