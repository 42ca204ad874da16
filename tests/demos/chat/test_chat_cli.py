"""The chat commands end to end on a tiny corpus: train, reply, talk, explain, errors."""

import io
import json
import shutil

import pytest

from demos.chat.__main__ import main
from demos.common import run_cli

pytestmark = pytest.mark.slow


def test_train_writes_model_vocabulary_and_metrics(tiny_run, capsys):
    for name in ("model.keras", "vocabulary.json", "settings.json", "metrics.json", "history.png"):
        assert (tiny_run / name).is_file(), name
    metrics = json.loads((tiny_run / "metrics.json").read_text())
    for key in ("app", "layer", "val_bits_per_char", "baseline_val_bits_per_char", "baseline",
                "train_prompt_match_rate", "train_seconds", "epochs"):
        assert key in metrics, key
    assert metrics["app"] == "chat" and metrics["layer"] == "custom" and metrics["epochs"] == 2
    assert len(metrics["history"]["val_bits_per_char"]) == 2
    assert 0 < metrics["val_bits_per_char"] < 20 and 0 < metrics["baseline_val_bits_per_char"] < 20
    assert 0.0 <= metrics["train_prompt_match_rate"] <= 1.0
    assert json.loads((tiny_run / "settings.json").read_text())["units"] == 16


def test_reply_to_any_message(tiny_run, capsys):
    for message in ["Hello", "", "Hi \U0001f600 \u00e9t\u00e9", "x" * 500]:
        main(["reply", message, "--model", str(tiny_run)])
        output = capsys.readouterr()
        assert output.out.endswith("\n") and output.out.count("\n") == 1
    assert "cut to its first 64 characters" in output.err
    main(["reply", "Hi \U0001f600", "--model", str(tiny_run / "model.keras")])
    assert "unknown to the model" in capsys.readouterr().err


def test_same_seed_same_sampled_reply(tiny_run, capsys):
    replies = []
    for seed in (7, 7):
        main(["reply", "How are you?", "--model", str(tiny_run), "--temperature", "1.5", "--seed", str(seed)])
        replies.append(capsys.readouterr().out)
    assert replies[0] == replies[1]


def test_latest_run_is_used_without_model(tiny_run, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(tiny_run, tmp_path / "runs" / "chat" / "latest")
    main(["reply", "Hello"])
    main(["reply", "Hello", "--model", str(tiny_run)])
    first, second = capsys.readouterr().out.splitlines()
    assert first == second


def test_talk_reads_stdin_until_quit_or_end_of_input(tiny_run, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("Hello\nWhat is AI?\nquit\nnever read\n"))
    main(["talk", "--model", str(tiny_run)])
    assert capsys.readouterr().out.count("bot> ") == 2
    monkeypatch.setattr("sys.stdin", io.StringIO("Hello\n"))
    main(["talk", "--model", str(tiny_run)])
    assert capsys.readouterr().out.count("bot> ") == 1


def test_explain_draws_gates_over_message_and_reply(tiny_run, tmp_path, capsys):
    out = tmp_path / "gates.png"
    main(["explain", "Do you like books?", "--model", str(tiny_run), "--out", str(out)])
    assert out.stat().st_size > 10_000
    assert f"wrote {out}" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["train", "--corpus", "{broken}"], "broken.yml, line 3"),
        (["train", "--corpus", "{missing}"], "no such file"),
        (["train", "--epochs", "0"], "--epochs must be 1 or more"),
        (["train", "--layer", "gru"], "--layer must be"),
        (["reply", "Hi", "--model", "{missing}"], "no model at"),
        (["reply", "Hi", "--model", "{run}", "--temperature", "-1"], "--temperature"),
        (["explain", " ", "--model", "{run}"], "at least one character"),
    ],
)
def test_user_mistakes_are_one_line_errors(argv, message, tiny_run, tiny_flags, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    broken = tmp_path / "broken.yml"
    broken.write_text("conversations:\n- - Hello\n  - {a: b}\n")
    paths = {"broken": broken, "missing": tmp_path / "absent", "run": tiny_run}
    argv = [arg.format(**paths) for arg in argv]
    argv = argv[:1] + (tiny_flags if argv[0] == "train" else []) + argv[1:]  # the flags under test come last
    with pytest.raises(SystemExit) as exit_info:
        run_cli(main, argv)
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert error.startswith("error: ") and message in error and error.count("\n") == 1
    assert not (tmp_path / "runs").exists()
