import contextlib
import io
import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile

from datasets import fsdd
from demos.runs import TrainResult, read_json
from demos.speech.__main__ import main
from demos.speech.part import NO_DIGIT
from demos.speech.prediction import audio_features, load_speech_run, stretches
from demos.speech.segments import HOP, levels

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def workdir(tmp_path_factory, digits_dir):
    """A working folder holding one tiny run, trained for one epoch by the `train` command."""
    folder = tmp_path_factory.mktemp("speech")
    arguments = ["train", "--data-dir", str(digits_dir), "--epochs", "1", "--units", "8", "--batch-size", "64"]
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(io.StringIO()) as printed:
        patch.chdir(folder)
        main([*arguments, "--seed", "3", "--out", "runs/speech/tiny"])
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
    assert not list(run.glob("*.partial*"))
    metrics = read_json(run / "metrics.json")
    assert metrics["app"] == "speech" and metrics["layer"] == "custom" and metrics["split"] == "official"
    # 80 training recordings: 72 fitted, with 72 perturbed copies, round(0.1 x 144) = 14 words and sounds and
    # round(0.2 x 144) = 29 near misses; 8 for validation, with round(0.1 x 8) = 1 and round(0.2 x 8) = 2.
    assert metrics["test_count"] == 40 and metrics["train_count"] == 187 and metrics["validation_count"] == 11
    assert metrics["epochs"] == 1 and metrics["member_epochs"] == [1, 1] and len(metrics["epoch_seconds"]) == 2
    assert set(metrics["history"]) >= {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert read_json(run / "settings.json")["seed"] == 3
    assert (workdir / ".cache" / "speech").is_dir()
    printed = (workdir / "printed.txt").read_text()
    assert "test accuracy" in printed and "baseline" in printed and f"{metrics['test_accuracy']:.2%}" in printed
    assert "classifier 2 of 2" in printed and "1 + 1 epochs (2 classifiers)" in printed  # the default: two, averaged


def test_reported_accuracies_are_those_of_the_saved_model_and_baseline(in_workdir):
    from demos.speech.augmentation import warp_frequencies
    from demos.speech.calibration import answers, with_temperature
    from demos.speech.data import load_data
    from demos.speech.evaluation import baseline_accuracy
    from demos.speech.features import signal_features

    run = load_speech_run()
    data = load_data(run.settings)
    metrics = read_json(run.run_dir / "metrics.json")
    signals = [fsdd.load_audio(path) for path in data.test_paths]
    heard = [list(data.test.features)] + [  # as they are, then with the frequencies warped by 0.9 and by 1.1
        [signal_features(warp_frequencies(signal, alpha), run.settings) for signal in signals] for alpha in (0.9, 1.1)]
    raw = np.mean([np.concatenate([run.model.predict(features[np.newaxis], verbose=0) for features in hearing])
                   for hearing in heard], axis=0)
    answered = answers(with_temperature(raw, metrics["temperature"]), run.settings.min_confidence)
    assert metrics["test_accuracy"] == pytest.approx(np.mean(answered == data.test.digits))
    assert metrics["false_reject_rate"] == pytest.approx(np.mean(answered == 10))
    assert metrics["baseline_test_accuracy"] == pytest.approx(baseline_accuracy(data))


def test_predict_the_latest_run(in_workdir, digits_dir, capsys):
    path = digits_dir / "7_theo_0.wav"
    main(["predict", str(path), "--top", "4"])
    rows = capsys.readouterr().out.strip().splitlines()[2:]
    printed = [(10 if row.startswith("no digit") else int(row.split()[0]), float(row.split()[-1])) for row in rows]
    (_, _, probabilities), = stretches(load_speech_run(), path)  # one digit, read without the silence around it
    expected = sorted(enumerate(probabilities), key=lambda pair: -pair[1])[:4]
    assert [digit for digit, _ in printed] == [digit for digit, _ in expected]
    np.testing.assert_allclose([p for _, p in printed], [p for _, p in expected], atol=1e-4)


def test_any_sample_rate_and_stereo_give_the_same_features(in_workdir, digits_dir, tmp_path):
    import librosa

    signal, _ = soundfile.read(digits_dir / "2_jackson_1.wav")
    resampled = librosa.resample(signal, orig_sr=fsdd.SAMPLE_RATE, target_sr=22050)
    soundfile.write(tmp_path / "stereo.wav", np.stack([resampled, resampled], axis=1), 22050)
    run = load_speech_run()
    original = audio_features(digits_dir / "2_jackson_1.wav", run.settings)[0]
    stereo = audio_features(tmp_path / "stereo.wav", run.settings)[0]
    steps = min(len(original), len(stereo))
    assert abs(len(original) - len(stereo)) <= 1
    assert np.mean(np.abs(original[:steps] - stereo[:steps])) < 0.1 * np.std(original)
    (_, _, probabilities), = stretches(run, tmp_path / "stereo.wav")
    assert probabilities.shape == (11,) and probabilities.sum() == pytest.approx(1.0)


def test_explain_draws_the_gates(in_workdir, digits_dir, capsys):
    main(["explain", str(digits_dir / "4_theo_1.wav"), "--model", "runs/speech/tiny"])
    printed = capsys.readouterr().out
    png = in_workdir / "runs" / "speech" / "tiny" / "gates-4_theo_1.png"
    assert png.read_bytes().startswith(b"\x89PNG") and str(png.name) in printed


def test_explain_names_the_answer_no_digit_as_predict_does(in_workdir, capsys, monkeypatch):
    import demos.speech.explain as explain

    monkeypatch.setattr(explain, "explain_file", lambda run, path, out: ("gates.png", NO_DIGIT, 0.9, None))
    main(["explain", "noise.wav", "--model", "runs/speech/tiny"])  # the eleventh class is not "digit 10"
    assert capsys.readouterr().out.strip().splitlines()[-1] == "no digit (90.0%); gate trace: gates.png"


def test_explain_traces_the_first_lstm_as_the_model_runs_it(in_workdir, digits_dir, tmp_path):
    import keras

    from demos.speech.explain import explain_file
    from demos.speech.model import TRACED_LAYER

    run = load_speech_run()
    path = digits_dir / "4_theo_1.wav"
    out, digit, probability, trace = explain_file(run, path, tmp_path / "gates.png")
    frames = audio_features(path, run.settings)
    both_directions = keras.Model(run.model.input, run.model.get_layer(TRACED_LAYER).output).predict(frames, verbose=0)
    forward = both_directions[..., : run.settings.units]
    np.testing.assert_allclose(trace["hidden_state"], forward, atol=1e-5)
    assert trace["hidden_state"].shape == (1, len(frames[0]), run.settings.units)
    longest = max(stretches(run, path), key=lambda found: found[1] - found[0])
    assert out.read_bytes().startswith(b"\x89PNG") and digit == int(longest[2].argmax())  # predict's answer


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
        main(["predict", str(path), *arguments])
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
    assert outputs.shape == (len(result.sample_inputs), 11)  # ten digits and "no digit"
    np.testing.assert_allclose(outputs.sum(axis=1), 1.0, rtol=1e-5)


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--layer", "gru"], "--layer must be one of custom, builtin, peephole, coupled, layernorm, slstm, chrono, got 'gru'"),
        (["--epochs", "0"], "--epochs must be at least 1"),
        (["--validation-fraction", "1.5"], "--validation-fraction must be between 0 and 1, got 1.5"),
        (["--dropout", "-0.5"], "--dropout must be in [0, 1), got -0.5"),
        (["--label-smoothing", "1"], "--label-smoothing must be in [0, 1), got 1.0"),
        (["--features", "wavelets"], "--features must be one of"),
        (["--data-dir", "no/such/folder"], "no/such/folder (data folder) is not a folder"),
        (["--augment-copies", "-1"], "--augment-copies must be 0 or more, got -1"),
        (["--normalize", "room"], "--normalize must be one of global, utterance, speaker, got 'room'"),
        (["--near-miss-kinds", "after,sideways"], "--near-miss-kinds: sideways unknown; choose among after, before"),
        (["--near-miss-kinds", " , "], "--near-miss-kinds: none given; choose among after, before"),
        (["--room", "1.5"], "--room must be in [0, 1], got 1.5"),
        (["--min-confidence", "-0.1"], "--min-confidence must be in [0, 1), got -0.1"),
        (["--synth-voices", "-2"], "--synth-voices must be 0 or more, got -2"),
        (["--patience", "-1"], "--patience must be 0 or more, got -1"),
        (["--cache-dir", "/dev/null/cache"], "--cache-dir /dev/null/cache: /dev/null is not a folder"),
    ],
)
@pytest.mark.parametrize("command", ["train", "loso"])
def test_train_errors_are_one_line(digits_dir, tmp_path, monkeypatch, capsys, command, arguments, message):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--data-dir", str(digits_dir), *arguments])
    error = capsys.readouterr().err.strip()
    assert exit_info.value.code == 2 and error.startswith("error: ") and message in error and "\n" not in error
    assert not (tmp_path / "runs").exists()


def test_explain_into_a_missing_folder_is_one_line(in_workdir, digits_dir, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["explain", str(digits_dir / "4_theo_1.wav"), "--out", "no/such/folder/gates.png"])
    error = capsys.readouterr().err.strip()
    assert exit_info.value.code == 2 and error == "error: --out no/such/folder/gates.png: folder no/such/folder does not exist"


@pytest.mark.parametrize("content, message", [('{"units": ', "is not readable JSON"), ("[1, 2]", "not hold a JSON object"),
                                              ('{"units": "many"}', "units should be like 64, got 'many'")])
def test_corrupt_settings_are_one_line(in_workdir, digits_dir, tmp_path, capsys, content, message):
    import shutil

    run = tmp_path / "run"
    shutil.copytree(in_workdir / "runs" / "speech" / "tiny", run)
    (run / "settings.json").write_text(content)
    with pytest.raises(SystemExit) as exit_info:
        main(["predict", str(digits_dir / "4_theo_1.wav"), "--model", str(run)])
    error = capsys.readouterr().err.strip()
    assert exit_info.value.code == 2 and error.startswith("error: ") and message in error and "\n" not in error


@pytest.mark.slow
def test_leave_one_speaker_out_runs_a_fold_per_speaker(in_workdir, digits_dir, capsys):
    main(["loso", "--data-dir", str(digits_dir), "--epochs", "1", "--units", "8", "--batch-size", "64",
          "--ensemble", "1", "--out", "runs/speech/loso"])
    summary = read_json(in_workdir / "runs" / "speech" / "loso" / "loso.json")
    folds = summary["folds"]
    assert sorted(folds) == ["jackson", "theo"] and all(fold["test_count"] == 60 for fold in folds.values())
    accuracies = [fold["test_accuracy"] for fold in folds.values()]
    assert summary["mean_accuracy"] == pytest.approx(np.mean(accuracies))
    assert summary["worst_accuracy"] == min(accuracies) and summary["worst_speaker"] in folds
    assert np.asarray(summary["confusion"]).sum() == 120  # every recording tested once, summed over folds
    by_kind = summary["false_accepts_by_kind"]
    non_digits = [read_json(in_workdir / "runs" / "speech" / "loso" / f"fold-{name}" / "metrics.json")["non_digit_count"]
                  for name in folds]
    assert sum(row["count"] for row in by_kind.values()) == sum(non_digits)
    rates = [row["false_accept_rate"] for row in by_kind.values()]
    assert rates == sorted(rates, reverse=True) and all(0 <= rate <= 1 for rate in rates)
    fold_metrics = read_json(in_workdir / "runs" / "speech" / "loso" / "fold-theo" / "metrics.json")
    assert fold_metrics["split"] == "speakers:theo" and fold_metrics["test_accuracy"] == folds["theo"]["test_accuracy"]
    assert all((in_workdir / "runs" / "speech" / "loso" / name).is_file() for name in ("confusion.png", "loso.png"))
    printed = capsys.readouterr().out
    assert "fold 2/2" in printed and "worst" in printed
    if any(row["answered"] for row in by_kind.values()):
        assert "non-digits answered as a digit most often:" in printed


def test_leave_one_speaker_out_refuses_test_speakers(in_workdir, digits_dir, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["loso", "--data-dir", str(digits_dir), "--test-speakers", "theo", "--out", "runs/speech/refused"])
    error = capsys.readouterr().err.strip()
    assert exit_info.value.code == 2 and error == "error: loso holds out every speaker in turn: --test-speakers is for train"
    assert not (in_workdir / "runs" / "speech" / "refused").exists()  # no run folder made


def test_several_digits_in_one_recording_are_split_on_silence(digits_dir):
    from demos.speech.prediction import split_digits

    parts = [fsdd.load_audio(digits_dir / name) for name in ("3_theo_1.wav", "7_jackson_0.wav", "0_theo_5.wav")]
    pause = np.zeros(4000, dtype="float32")  # half a second
    signal = np.concatenate([np.zeros(8000, dtype="float32"), parts[0], pause, parts[1], pause, parts[2], pause])
    starts = np.cumsum([8000, len(parts[0]) + 4000, len(parts[1]) + 4000])
    rng = np.random.default_rng(0)
    noisy = signal + rng.normal(0, np.sqrt(np.mean(np.concatenate(parts) ** 2)) / 10, signal.size)  # 20 dB SNR
    for variant in (signal, noisy, np.clip(3 * signal, -0.4, 0.4)):
        found = split_digits(variant.astype("float32"))
        assert len(found) == 3
        for (start, end), true_start, part in zip(found, starts, parts, strict=True):
            assert true_start - 800 <= start and end <= true_start + len(part) + 800  # within 0.1 s of the digit


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory, digits_dir):
    """A model trained long enough to answer with some conviction."""
    folder = tmp_path_factory.mktemp("speech-trained")
    with contextlib.redirect_stdout(io.StringIO()):
        main(["train", "--data-dir", str(digits_dir), "--epochs", "12", "--units", "16", "--batch-size", "16",
              "--ensemble", "1", "--patience", "12", "--cache-dir", str(folder / "cache"), "--out", str(folder / "run")])
    return load_speech_run(str(folder / "run"))


@pytest.mark.slow
def test_what_a_phone_or_laptop_records_gets_the_clean_recordings_answers(trained_run, digits_dir, tmp_path, capsys):
    import librosa

    from demos.speech.prediction import predict_digits

    names = ["4_theo_1.wav", "8_jackson_0.wav", "2_theo_0.wav"]
    clean = [int(stretches(trained_run, digits_dir / name)[0][2].argmax()) for name in names]
    signal = fsdd.load_audio(digits_dir / names[0])
    rng = np.random.default_rng(1)
    for rate in (16000, 44100, 48000):
        resampled = librosa.resample(signal, orig_sr=fsdd.SAMPLE_RATE, target_sr=rate)
        second = int(1.2 * rate)
        stereo = np.stack([np.r_[np.zeros(second), resampled]] * 2, axis=1)  # over a second of silence first
        stereo += rng.normal(0, np.sqrt(np.mean(resampled**2)) / 10, stereo.shape)  # noise at 20 dB SNR
        soundfile.write(tmp_path / f"take_{rate}.wav", np.clip(stereo, -0.9 * np.abs(resampled).max(), 1.0), rate)
        answers = predict_digits(trained_run, tmp_path / f"take_{rate}.wav")
        assert [digit for *_, digit, _ in answers] == clean[:1], rate
        # `predict` answers for that stretch alone, never for the whole file with its silence and noise.
        main(["predict", str(tmp_path / f"take_{rate}.wav"), "--model", str(trained_run.run_dir), "--top", "1"])
        printed = capsys.readouterr().out.strip().splitlines()[-1].split()
        assert int(printed[0]) == answers[0][2] and float(printed[1]) == pytest.approx(answers[0][3], abs=1e-3)
    # One microphone, one loudness: each digit scaled so that its loudest frame in the cut's speech band is at -10 dB
    # (the model hears loudness too), and each digit and pause a whole number of the cut's frames (`segments.HOP`
    # samples), so that a digit's frames are the same alone and in the file of three.
    pause = np.zeros(64 * HOP, dtype="float32")  # about half a second
    level = [part[: len(part) // HOP * HOP] for part in (fsdd.load_audio(digits_dir / name) for name in names)]
    level = [part * 10 ** ((-10 - levels(part, fsdd.SAMPLE_RATE)[0].max()) / 20) for part in level]
    alone = []
    for k, part in enumerate(np.r_[pause, part, pause] for part in level):
        soundfile.write(tmp_path / f"alone_{k}.wav", part, fsdd.SAMPLE_RATE)  # each digit alone, as in the file below
        alone += [digit for *_, digit, _ in predict_digits(trained_run, tmp_path / f"alone_{k}.wav")]
    several = np.concatenate([pause, *(np.r_[part, pause] for part in level)])
    soundfile.write(tmp_path / "three.wav", several, fsdd.SAMPLE_RATE)
    assert [digit for *_, digit, _ in predict_digits(trained_run, tmp_path / "three.wav")] == alone
    main(["predict", str(tmp_path / "three.wav"), "--model", str(trained_run.run_dir)])
    assert "3 digits, split on silence" in capsys.readouterr().out


def test_predict_answers_several_files_and_folders_one_line_each(in_workdir, digits_dir, tmp_path, capsys):
    from demos.speech.part import class_name
    from demos.speech.prediction import min_confidence, stretch_class

    folder = tmp_path / "recordings"
    folder.mkdir()
    for name in ("1_theo_0.wav", "9_jackson_1.wav"):
        shutil.copy(digits_dir / name, folder / name)
    (folder / "notes.txt").write_text("not audio, and not named like it: left out")
    (folder / "broken.wav").write_text("not audio")
    soundfile.write(folder / "noise.wav", np.random.default_rng(0).normal(0, 0.2, 5 * 8000), 8000)  # 5 s, no digit
    soundfile.write(tmp_path / "hush.wav", np.zeros(8000, "float32"), 8000)
    main(["predict", str(folder), str(tmp_path / "hush.wav")])
    lines = capsys.readouterr().out.strip().splitlines()
    run = load_speech_run()
    expected = []
    for name in ("1_theo_0.wav", "9_jackson_1.wav"):
        heard = [class_name(stretch_class(p, min_confidence(run))) for _, _, p in stretches(run, folder / name)]
        expected.append(f"{folder / name}: {' '.join(h for h in heard if h != 'no digit') or 'no digit'}")
    expected.append(f"{folder / 'broken.wav'}: error:")  # the folder's files in name order
    assert len(lines) == 6 and [line[: len(start)] for line, start in zip(lines, expected)] == expected
    assert lines[3] == f"{folder / 'noise.wav'}: no digit"
    assert lines[4] == f"{tmp_path / 'hush.wav'}: no digit"  # digital silence is read, and is no digit
    assert lines[5].startswith("5 files: ") and lines[5].endswith("2 with no digit, 1 unreadable")
