"""The chat commands end to end on a tiny corpus: train, reply, talk, explain, errors."""

import io
import json
import shutil

import keras
import numpy as np
import pytest

from datasets.dialogs import Vocabulary
from demos.chat.__main__ import main
from demos.chat.explain import plot_conversation, trace_conversation
from demos.chat.prediction import load_writer

pytestmark = pytest.mark.slow


def test_train_writes_model_vocabulary_and_metrics(tiny_run, capsys):
    for name in ("model.keras", "vocabulary.json", "words.json", "settings.json", "metrics.json", "history.png"):
        assert (tiny_run / name).is_file(), name
    metrics = json.loads((tiny_run / "metrics.json").read_text())
    for key in ("app", "layer", "val_bits_per_char", "baseline_val_bits_per_char", "baseline",
                "train_prompt_match_rate", "typed_prompt_match_rate", "novel_reply_known_word_rate",
                "novel_reply_loop_rate", "train_seconds", "epochs"):
        assert key in metrics, key
    assert metrics["app"] == "chat" and metrics["layer"] == "custom" and metrics["epochs"] == 2
    assert len(metrics["history"]["val_bits_per_char"]) == 2 and len(metrics["epoch_seconds"]) == 2
    # The reported score is the trained model's, measured after the last epoch.
    assert metrics["val_bits_per_char"] == pytest.approx(metrics["history"]["val_bits_per_char"][-1])
    assert metrics["baseline_val_bits_per_char"] > 0 and metrics["baseline_order"] >= 1
    assert metrics["match_prompts"] == 7  # the distinct prompts of the 9 pairs, 2 held out
    # The typed-prompt set's rows meaning "What is AI?" (3), "How are you?" (2), "Tell me a joke" (2), "Hello" (1):
    # the prompts they mean stay in training.
    assert metrics["typed_prompts"] == 8
    assert metrics["novel_messages"] == len(metrics["novel_replies"]) >= 60
    assert 0 <= metrics["novel_reply_known_word_rate"] <= 1 and 0 <= metrics["novel_reply_loop_rate"] <= 1
    assert json.loads((tiny_run / "settings.json").read_text())["units"] == 16


def test_reply_to_any_message(tiny_run, capsys):
    for message in ["Hello", "", "Hi \U0001f600 \u00e9t\u00e9", "x" * 500]:
        main(["reply", message, "--model", str(tiny_run)])
        output = capsys.readouterr()
        assert output.out.endswith("\n") and output.out.count("\n") == 1
    assert "cut to its first 64 characters" in output.err
    main(["reply", "Hi \U0001f600", "--model", str(tiny_run / "model.keras")])
    assert "unknown to the model" in capsys.readouterr().err


def test_evaluate_scores_the_hand_written_sets_with_the_chosen_decoding(tiny_run, capsys):
    metrics = json.loads((tiny_run / "metrics.json").read_text())
    main(["evaluate", "--model", str(tiny_run), "--beam", "0", "--match-sample", "4"])
    greedy = json.loads((tiny_run / "evaluation-greedy.json").read_text())
    assert greedy["decoding"] == "greedy" and "typed_prompt_match_rate" in capsys.readouterr().out
    for name in ("typed_prompt_match_rate", "typed_prompts", "novel_reply_known_word_rate", "novel_reply_loop_rate",
                 "novel_replies"):
        assert greedy[name] == metrics[name], name  # the training run measured the same, greedily
    assert greedy["match_prompts"] == 4


def test_reply_by_beam_search(tiny_run, capsys):
    from demos.chat.prediction import beam_reply

    main(["reply", "How are you?", "--model", str(tiny_run), "--beam", "3"])
    assert capsys.readouterr().out == beam_reply(load_writer(str(tiny_run)), "How are you?", 3) + "\n"


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


def test_explain_writes_the_png_it_names(tiny_run, tmp_path, capsys):
    out = tmp_path / "gates.png"
    main(["explain", "Do you like books?", "--model", str(tiny_run), "--out", str(out)])
    assert out.read_bytes().startswith(b"\x89PNG")
    assert f"wrote {out}" in capsys.readouterr().out


def test_explain_traces_and_draws_what_the_model_computes(tiny_run):
    writer = load_writer(str(tiny_run))
    message = "Do you like books?"
    reply = writer.write([message])[0]
    trace, labels, steps = trace_conversation(writer, message, reply)
    read = writer.normalizer(message)  # the encoder reads the message as it was trained: normalized
    assert read == "do you like books"
    assert labels[:steps] == [writer.vocabulary.token(i) for i in writer.vocabulary.encode(read)]
    assert steps == len(read) and len(labels) == steps + len(reply) + 1
    # The encoder's last h_t is the context the model reads the message into ...
    np.testing.assert_allclose(trace["hidden_state"][0, steps - 1], writer.context([message])[0], atol=1e-5)
    # ... and the decoder's h_t give the model's own next-character logits.
    reply_ids = np.array([[Vocabulary.START, *writer.vocabulary.encode(reply)]], dtype="int32")
    prompt_ids = np.array([writer.vocabulary.encode(read)], dtype="int32")
    logits = writer.model.predict_on_batch((prompt_ids, reply_ids))[0]
    from_trace = writer.model.get_layer("next_character")(trace["hidden_state"][0, steps:])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(from_trace), logits, atol=1e-4)
    figure = plot_conversation(trace, labels, steps, None, title="t")
    drawn = [axis.images[0].get_array() for axis in figure.axes if axis.images]
    assert len(drawn) == 6  # one heatmap per gate and state, under the header row
    np.testing.assert_allclose(drawn[-1], trace["hidden_state"][0].T)  # all 16 units, in order


@pytest.mark.parametrize(
    "argv, message",
    [
        (["train", "--corpus", "{broken}"], "broken.yml, line 3"),
        (["train", "--corpus", "{missing}"], "no such file"),
        (["train", "--epochs", "0"], "--epochs must be at least 1, got 0"),
        (["train", "--layer", "gru"], "--layer must be"),
        (["reply", "Hi", "--model", "{missing}"], "no model at"),
        (["reply", "Hi", "--model", "{run}", "--temperature", "-1"], "--temperature"),
        (["talk", "--model", "{run}", "--beam", "-2"], "--beam must be 0 or more, got -2"),
        (["explain", " ", "--model", "{run}"], "at least one character"),
        (["explain", "Hi", "--model", "{run}", "--out", "{missing}/gates.png"], "does not exist"),
        (["reply", "Hi", "--model", "{corrupt}"], "settings.json is not readable JSON"),
    ],
)
def test_user_mistakes_are_one_line_errors(argv, message, tiny_run, tiny_flags, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    broken = tmp_path / "broken.yml"
    broken.write_text("conversations:\n- - Hello\n  - {a: b}\n")
    corrupt = tmp_path / "corrupt"
    shutil.copytree(tiny_run, corrupt)
    (corrupt / "settings.json").write_text('{"units": 16, ')
    paths = {"broken": broken, "missing": tmp_path / "absent", "run": tiny_run, "corrupt": corrupt}
    argv = [arg.format(**paths) for arg in argv]
    argv = argv[:1] + (tiny_flags if argv[0] == "train" else []) + argv[1:]  # the flags under test come last
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert error.startswith("error: ") and message in error and error.count("\n") == 1
    assert not (tmp_path / "runs").exists() and not (tmp_path / "absent").exists()


def test_settings_of_an_older_or_newer_version_still_load(tiny_run, tmp_path, capsys):
    run = tmp_path / "run"
    shutil.copytree(tiny_run, run)
    settings = json.loads((run / "settings.json").read_text())
    del settings["label_smoothing"]  # a field an older version did not have
    settings["a_future_setting"] = 3  # a field this version does not know
    (run / "settings.json").write_text(json.dumps(settings))
    main(["reply", "Hello", "--model", str(run)])
    main(["reply", "Hello", "--model", str(tiny_run)])
    first, second = capsys.readouterr().out.splitlines()
    assert first == second


@pytest.mark.parametrize("layer", ["slstm"])  # the variant whose step model carries four states
def test_a_variant_layer_trains_replies_and_explains(layer, tiny_corpus, tiny_flags, tmp_path, capsys):
    run = tmp_path / layer
    main(["train", "--corpus", str(tiny_corpus), "--out", str(run), "--layer", layer, *tiny_flags])
    writer = load_writer(str(run))
    assert len(writer.step_model.inputs) == 2 + (4 if layer == "slstm" else 2)  # character, context, states
    capsys.readouterr()
    main(["reply", "Hello", "--model", str(run)])
    assert capsys.readouterr().out.count("\n") == 1
    trace, _, _ = trace_conversation(writer, "Hello", writer.write(["Hello"])[0])
    assert ("normalizer_state" in trace) == (layer == "slstm")
