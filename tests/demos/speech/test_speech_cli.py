import contextlib
import io
from pathlib import Path

import numpy as np
import pytest
import soundfile

from datasets import fsdd
from demos.common import TrainResult, read_json, run_cli
from demos.speech.__main__ import main
from demos.speech.prediction import load_run, predict_file

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def workdir(tmp_path_factory, digits_dir):
    """A working folder holding one tiny run, trained for one epoch by the `train` command."""
    folder = tmp_path_factory.mktemp("speech")
    arguments = ["train", "--data-dir", str(digits_dir), "--epochs", "1", "--units", "8", "--batch-size", "64"]
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(io.StringIO()) as printed:
        patch.chdir(folder)
        run_cli(main, [*arguments, "--seed", "3", "--out", "runs/speech/tiny"])
    (folder / "printed.txt").write_text(printed.getvalue())
    return folder


@pytest.fixture
def in_workdir(workdir, monkeypatch):
    monkeypatch.chdir(workdir)
    return workdir


def test_train_writes_the_run(workdir):
    run = workdir / "runs" / "speech" / "tiny"
    for name in ("model.keras", "settings.json", "metrics.json", "confusion.png", "history.png"):
        assert (run / name).stat().st_size > 0
    assert not list(run.glob("*.partial.*"))
    metrics = read_json(run / "metrics.json")
    assert metrics["app"] == "speech" and metrics["layer"] == "custom" and metrics["split"] == "official"
    assert metrics["test_count"] == 40 and metrics["train_count"] + metrics["validation_count"] == 80
    assert 0.0 <= metrics["test_accuracy"] <= 1.0 and 0.0 <= metrics["baseline_test_accuracy"] <= 1.0
    assert metrics["epochs"] == 1 and metrics["train_seconds"] > 0
    assert set(metrics["history"]) >= {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert read_json(run / "settings.json")["seed"] == 3
    assert (workdir / ".cache" / "speech").is_dir()
    printed = (workdir / "printed.txt").read_text()
    assert "test accuracy" in printed and "baseline" in printed and f"{metrics['test_accuracy']:.2%}" in printed


def test_predict_the_latest_run(in_workdir, digits_dir, capsys):
    run_cli(main, ["predict", str(digits_dir / "7_theo_0.wav"), "--top", "4"])
    rows = capsys.readouterr().out.strip().splitlines()[2:]
    digits = [int(row.split()[0]) for row in rows]
    probabilities = [float(row.split()[1]) for row in rows]
    assert len(set(digits)) == 4 and set(digits) <= set(fsdd.DIGITS)
    assert probabilities == sorted(probabilities, reverse=True) and sum(probabilities) <= 1.0001


def test_predict_any_sample_rate(in_workdir, digits_dir, tmp_path):
    import librosa

    signal, _ = soundfile.read(digits_dir / "2_jackson_1.wav")
    louder = librosa.resample(signal, orig_sr=fsdd.SAMPLE_RATE, target_sr=22050)
    soundfile.write(tmp_path / "stereo.wav", np.stack([louder, louder], axis=1), 22050)
    run = load_run()
    original = dict(predict_file(run, digits_dir / "2_jackson_1.wav", top=10))
    resampled = dict(predict_file(run, tmp_path / "stereo.wav", top=10))
    assert all(abs(original[digit] - resampled[digit]) < 0.05 for digit in fsdd.DIGITS)


def test_explain_draws_the_gates(in_workdir, digits_dir, capsys):
    run_cli(main, ["explain", str(digits_dir / "4_theo_1.wav"), "--model", "runs/speech/tiny"])
    printed = capsys.readouterr().out
    png = in_workdir / "runs" / "speech" / "tiny" / "gates-4_theo_1.png"
    assert png.read_bytes().startswith(b"\x89PNG") and str(png.name) in printed


@pytest.mark.parametrize(
    "write, arguments, message",
    [
        (lambda path: path.write_text("hello"), [], "not a readable audio file"),
        (lambda path: soundfile.write(path, np.zeros(0), 8000), [], "holds no sound"),
        (lambda path: None, [], "no file"),
        (lambda path: soundfile.write(path, np.ones(800), 8000), ["--top", "0"], "--top"),
        (lambda path: soundfile.write(path, np.ones(800), 8000), ["--model", "nowhere"], "no model at nowhere"),
    ],
)
def test_predict_errors_are_one_line(in_workdir, tmp_path, capsys, write, arguments, message):
    path = tmp_path / "input.wav"
    write(path)
    with pytest.raises(SystemExit) as exit_info:
        run_cli(main, ["predict", str(path), *arguments])
    error = capsys.readouterr().err.strip()
    assert exit_info.value.code == 2 and error.startswith("error:") and message in error and "\n" not in error


def test_train_returns_the_contract_with_the_same_numbers(workdir, digits_dir, monkeypatch):
    from demos.speech.settings import Settings
    from demos.speech.training import train

    monkeypatch.chdir(workdir)
    settings = Settings(data_dir=str(digits_dir), units=8, batch_size=64, epochs=1, seed=3, out="runs/speech/again")
    result = train(settings)
    assert isinstance(result, TrainResult) and result.run_dir == Path("runs/speech/again")
    first_run = read_json(workdir / "runs" / "speech" / "tiny" / "metrics.json")
    assert result.metrics["history"] == first_run["history"]  # same seed, same numbers
    assert result.metrics["test_accuracy"] == first_run["test_accuracy"]
    assert not all(np.array_equal(a, b) for a, b in zip(result.initial_weights, result.model.get_weights(), strict=True))
    outputs = result.model.predict(result.sample_inputs, verbose=0)
    assert outputs.shape == (len(result.sample_inputs), 10)
    np.testing.assert_allclose(outputs.sum(axis=1), 1.0, rtol=1e-5)


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--layer", "gru"], "--layer must be 'custom' or 'builtin'"),
        (["--epochs", "0"], "--epochs must be at least 1"),
        (["--validation-fraction", "1.5"], "--validation-fraction must be between 0 and 1"),
        (["--features", "wavelets"], "--features must be one of"),
        (["--data-dir", "no/such/folder"], "no/such/folder (data folder) is not a folder"),
    ],
)
def test_train_errors_are_one_line(digits_dir, tmp_path, monkeypatch, capsys, arguments, message):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        run_cli(main, ["train", "--data-dir", str(digits_dir), *arguments])
    error = capsys.readouterr().err.strip()
    assert exit_info.value.code == 2 and error.startswith("error: ") and message in error and "\n" not in error
    assert not (tmp_path / "runs").exists()
