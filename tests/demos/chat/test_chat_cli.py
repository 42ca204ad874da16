"""The chat commands end to end on a tiny corpus: train, resume, reply, talk, evaluate, explain, errors."""

import io
import json
import shutil
import types

import keras
import numpy as np
import pytest

from demos.chat import training
from demos.chat.__main__ import decoding_file_name, decoding_name, main
from demos.chat.explain import plot_conversation, trace_conversation
from demos.chat.features import encode_conversation
from demos.chat.prediction import beam_candidates, beam_reply, load_writer

pytestmark = pytest.mark.slow


def test_train_writes_model_vocabulary_checkpoint_and_metrics(tiny_run):
    for name in ("model.keras", "vocabulary.json", "words.json", "settings.json", "metrics.json", "history.png",
                 "checkpoint.keras", "checkpoint.json", "ranker.keras", "ranker-words.json"):
        assert (tiny_run / name).is_file(), name
    metrics = json.loads((tiny_run / "metrics.json").read_text())
    for key in ("val_bits_per_char", "baseline_val_bits_per_char", "test_bits_per_char", "baseline_test_bits_per_char",
                "recall_at_1_of_10", "mutual_information_recall_at_1_of_10", "tfidf_recall_at_1_of_10", "recall_margin_ci_low",
                "likelihood_ratio_recall_at_1_of_10", "likelihood_ratio_recall_margin_ci_low",
                "bidirectional_recall_at_1_of_10", "bidirectional_recall_margin_ci_low",
                "cached_bidirectional_recall_at_1_of_10", "cached_bidirectional_recall_margin_ci_high",
                "everyday_known_word_rate", "everyday_loop_rate", "everyday_distinct_1", "everyday_distinct_2", "everyday_word_perplexity",
                "test_human_word_perplexity", "train_prompt_match_rate", "typed_prompt_match_rate", "train_seconds",
                "ranker_recall_at_1_of_10", "ranker_recall_margin_ci_low", "ranker_train_seconds"):
        assert key in metrics, key
    assert metrics["app"] == "chat" and metrics["layer"] == "custom" and metrics["epochs"] == 2
    assert len(metrics["history"]["val_bits_per_char"]) == 2 and len(metrics["epoch_seconds"]) == 2
    # The saved weights are the moving average (--weight-average 0.5); the last step's are measured beside them.
    assert len(metrics["history"]["val_bits_per_char_last_step"]) == 2
    # The reported score is the saved model's, measured after the last epoch.
    assert metrics["val_bits_per_char"] == pytest.approx(metrics["history"]["val_bits_per_char"][-1])
    assert metrics["everyday_messages"] == len(metrics["everyday_replies"]) >= 100
    assert metrics["everyday_memory_share"] == 0 and {row[2] for row in metrics["everyday_replies"]} == {"conversation"}
    assert len(metrics["everyday_beside_retrieval"]) == 20
    # "What is AI?", "How are you?", "Tell me a joke" and "Hello" are meant by rows of the typed-prompt set: in training.
    assert metrics["typed_prompts"] == 8
    saved = json.loads((tiny_run / "settings.json").read_text())
    assert saved["units"] == 16
    # "auto" is saved as what it meant on this machine, so that --resume trains in the same arithmetic.
    assert saved["precision"] == metrics["precision"] == training.resolve_precision("auto") != "auto"


def test_an_interrupted_run_resumed_ends_where_the_whole_run_does(tiny_corpus, tiny_flags, tiny_run, tmp_path,
                                                                  interrupted_train):
    run = tmp_path / "resumed"
    interrupted_train(["train", "--corpus", str(tiny_corpus), "--out", str(run), *tiny_flags])  # after epoch 1 of 2
    assert not (run / "model.keras").exists()
    main(["train", "--resume", "--out", str(run)])
    resumed, whole = (json.loads((folder / "metrics.json").read_text()) for folder in (run, tiny_run))
    assert resumed["history"]["loss"] == pytest.approx(whole["history"]["loss"], rel=1e-5)
    for mine, theirs in zip(load_writer(str(run)).model.get_weights(), load_writer(str(tiny_run)).model.get_weights()):
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)


def test_reply_to_any_message(tiny_run, capsys):
    for message in ["Hello", "", "Hi \U0001f600 \u00e9t\u00e9", "x" * 3000]:
        main(["reply", message, "--model", str(tiny_run)])
        output = capsys.readouterr()
        assert output.out.endswith("\n") and output.out.count("\n") == 1
    assert "cut to its first 1000 characters" in output.err
    main(["reply", "Hi \U0001f600", "--model", str(tiny_run / "model.keras")])
    assert "unknown to the model" in capsys.readouterr().err


def test_earlier_turns_given_with_before_are_the_context_of_the_reply(tiny_run, capsys):
    writer = load_writer(str(tiny_run))
    main(["reply", "Good to hear.", "--before", "How are you?", "--before", "I am fine, thanks.",
          "--model", str(tiny_run)])
    assert capsys.readouterr().out == writer.write([["How are you?", "I am fine, thanks.", "Good to hear."]])[0] + "\n"


def test_talk_keeps_the_conversation_so_far_as_context(tiny_run, monkeypatch, capsys):
    from demos.chat import prediction

    seen = []
    original = prediction.ReplyWriter.write
    monkeypatch.setattr(prediction.ReplyWriter, "write",
                        lambda self, conversations, *args, **kwargs: seen.append(conversations[0])
                        or original(self, conversations, *args, **kwargs))
    monkeypatch.setattr("sys.stdin", io.StringIO("Hello\nWhat is AI?\nquit\nnever read\n"))
    main(["talk", "--model", str(tiny_run)])
    replies = [line.split("bot> ")[-1] for line in capsys.readouterr().out.splitlines() if "bot> " in line]
    assert len(replies) == 2
    assert seen == [["Hello"], ["Hello", replies[0], "What is AI?"]]


def test_evaluate_measures_again_what_training_measured(tiny_run, capsys):
    metrics = json.loads((tiny_run / "metrics.json").read_text())
    main(["evaluate", "--model", str(tiny_run)])  # as trained: beam search of the run's --reply-beam (4), ranked
    again = json.loads((tiny_run / "evaluation-beam4-ranked.json").read_text())
    assert again["decoding"] == "beam search, width 4, the ranker choosing among the finished replies"
    assert "test_bits_per_char" in capsys.readouterr().out
    for name in ("test_bits_per_char", "baseline_test_bits_per_char", "recall_at_1_of_10", "typed_prompt_match_rate",
                 "everyday_replies", "ranker_recall_at_1_of_10"):
        assert again[name] == pytest.approx(metrics[name]) if isinstance(metrics[name], float) else \
            again[name] == metrics[name], name
    main(["evaluate", "--model", str(tiny_run), "--beam", "0"])
    assert json.loads((tiny_run / "evaluation-greedy.json").read_text())["decoding"] == "greedy"
    main(["evaluate", "--model", str(tiny_run), "--no-ranker"])
    unranked = json.loads((tiny_run / "evaluation-beam4.json").read_text())
    assert unranked["decoding"] == "beam search, width 4" and "ranker_recall_at_1_of_10" not in unranked
    # The run ranked every test reply (--recall-sample 0); a sample of them is written beside, its file named so.
    main(["evaluate", "--model", str(tiny_run), "--recall-sample", "1", "--no-ranker"])
    sampled = json.loads((tiny_run / "evaluation-beam4-recall1.json").read_text())
    assert metrics["recall_tasks"] > 1 and sampled["recall_tasks"] == 1
    assert sampled["test_bits_per_char"] == pytest.approx(metrics["test_bits_per_char"])


def test_reply_by_beam_search_without_the_ranker_is_the_likeliest(tiny_run, capsys):
    main(["reply", "How are you?", "--model", str(tiny_run), "--beam", "3", "--no-ranker"])
    assert capsys.readouterr().out == beam_reply(load_writer(str(tiny_run)), ["How are you?"], 3) + "\n"


def test_the_ranker_picks_the_reply_among_those_the_beam_finished(tiny_run, capsys):
    writer = load_writer(str(tiny_run))
    assert writer.ranker is not None
    finished = [reply for _, reply in beam_candidates(writer, ["How are you?"], 4)]
    main(["reply", "How are you?", "--model", str(tiny_run)])
    chosen = capsys.readouterr().out[:-1]
    assert chosen in finished
    scores = writer.ranker.scores([["How are you?"]], [finished])[0]
    assert scores[finished.index(chosen)] == pytest.approx(scores.max())


def test_with_samples_the_ranker_picks_among_the_beams_replies_and_sampled_ones(tiny_run, capsys):
    turns = ["How are you?"]
    writer = load_writer(str(tiny_run), samples=6)
    finished = [reply for _, reply in beam_candidates(writer, turns, 4)]
    main(["reply", *turns, "--model", str(tiny_run), "--samples", "6"])
    chosen = capsys.readouterr().out[:-1]
    scores = writer.ranker.scores([turns], [[chosen, *finished]])[0]
    assert scores[0] == pytest.approx(scores.max())  # no reply the beam finished answers better
    assert writer.write([["Hello"], turns, ["What is AI?"]])[1] == chosen  # the same whatever else is answered
    main(["evaluate", "--model", str(tiny_run), "--samples", "2"])
    decoding = json.loads((tiny_run / "evaluation-beam4-samples2-ranked.json").read_text())["decoding"]
    assert decoding == "beam search, width 4, the ranker choosing among the finished replies and 2 sampled"


@pytest.mark.parametrize("beam, samples, ranker, name, file_name", [
    (4, 0, None, "beam search, width 4", "beam4"),
    (4, 0, "ranker", "beam search, width 4, the ranker choosing among the finished replies", "beam4-ranked"),
    (4, 8, "ranker", "beam search, width 4, the ranker choosing among the finished replies and 8 sampled",
     "beam4-samples8-ranked"),
    (0, 8, "ranker", "8 sampled replies, the ranker choosing", "samples8-ranked"),
    (1, 0, None, "greedy", "greedy"),
])
def test_the_decoding_is_named_as_it_writes(beam, samples, ranker, name, file_name):
    writer = types.SimpleNamespace(beam_width=beam, samples=samples, ranker=ranker, memory=None, anti_lm=0.0)
    assert (decoding_name(writer), decoding_file_name(writer)) == (name, file_name)
    writer.memory = "memory"
    assert decoding_name(writer) == name + ("" if name == "greedy" else " (the memory: greedy)")


def test_reply_is_written_as_the_run_says_unless_beam_is_given(tiny_run, capsys):
    writer = load_writer(str(tiny_run), use_ranker=False)
    assert writer.beam_width == 4  # the default --reply-beam, saved with the run
    main(["reply", "Do you like books?", "--model", str(tiny_run), "--no-ranker"])
    assert capsys.readouterr().out == beam_reply(writer, ["Do you like books?"], 4) + "\n"
    main(["reply", "Do you like books?", "--model", str(tiny_run), "--beam", "0"])
    greedy = load_writer(str(tiny_run), beam_width=0)
    assert capsys.readouterr().out == greedy.write([["Do you like books?"]])[0] + "\n"


def test_same_seed_same_sampled_reply(tiny_run, capsys):
    replies = []
    for seed in (7, 7):
        main(["reply", "How are you?", "--model", str(tiny_run), "--temperature", "1.5", "--seed", str(seed)])
        replies.append(capsys.readouterr().out)
    assert replies[0] == replies[1]


def test_the_latest_of_two_runs_is_used_without_model(tiny_run, tmp_path, monkeypatch, capsys):
    import os

    monkeypatch.chdir(tmp_path)
    older, newer = tmp_path / "runs" / "chat" / "older", tmp_path / "runs" / "chat" / "newer"
    shutil.copytree(tiny_run, older)
    shutil.copytree(tiny_run, newer)
    (newer / "settings.json").write_text(json.dumps({**json.loads((newer / "settings.json").read_text()),
                                                     "max_reply_chars": 3}))
    os.utime(older / "model.keras", (1, 1))
    main(["reply", "Hello", "--temperature", "1", "--top-k", "1"])
    assert len(capsys.readouterr().out.strip()) <= 3  # the newer run's limit


def test_explain_writes_the_png_it_names(tiny_run, tmp_path, capsys):
    out = tmp_path / "gates.png"
    main(["explain", "Do you like books?", "--model", str(tiny_run), "--out", str(out)])
    assert out.read_bytes().startswith(b"\x89PNG")
    assert f"wrote {out}" in capsys.readouterr().out


def test_explain_traces_and_draws_what_the_model_computes(tiny_run):
    writer = load_writer(str(tiny_run))
    turns = ["Do you like books?"]
    reply = writer.write([turns])[0]
    trace, labels, steps = trace_conversation(writer, turns, reply)
    ids = encode_conversation(writer.vocabulary, turns) + writer.vocabulary.encode(reply)
    assert steps == len(encode_conversation(writer.vocabulary, turns)) and len(labels) == len(ids)
    assert labels[0] == "<start>" and labels[steps - 1] == "<end>"
    # The traced h_t give the model's own next-character logits.
    logits = writer.model.predict_on_batch(writer.traced_inputs(turns, reply)[0])[0]
    from_trace = writer.model.get_layer("next_character")(trace["hidden_state"][0])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(from_trace), logits, atol=1e-4)
    figure = plot_conversation(trace, labels, steps, None, title="t")
    drawn = [axis.images[0].get_array() for axis in figure.axes if axis.images]
    assert len(drawn) == 6  # one heatmap per gate and state, under the header row
    np.testing.assert_allclose(drawn[-1], trace["hidden_state"][0].T)  # all 16 units, in order


@pytest.mark.parametrize("replies", [5, [1, 2]])
def test_a_words_file_with_unusable_memory_replies_is_one_line(replies, tiny_run, tmp_path, capsys):
    run = tmp_path / "run"
    shutil.copytree(tiny_run, run)
    content = json.loads((run / "words.json").read_text())
    (run / "words.json").write_text(json.dumps({**content, "memory_replies": replies}))
    with pytest.raises(SystemExit) as exit_info:
        main(["reply", "Hi", "--model", str(run)])
    error = capsys.readouterr().err
    assert exit_info.value.code == 2 and error.count("\n") == 1
    assert "words.json is not a words file written by `python -m demos.chat train`" in error


@pytest.mark.parametrize(
    "argv, message",
    [
        (["train", "--corpus", "{broken}"], "broken.yml, line 3"),
        (["train", "--corpus", "{missing}"], "no such file"),
        (["train", "--epochs", "0"], "--epochs must be at least 1, got 0"),
        (["train", "--sequence-length", "0"], "--sequence-length must be at least 1, got 0"),
        (["train", "--layer", "gru"], "--layer must be"),
        (["train", "--precision", "float16"], "--precision must be one of auto, mixed_bfloat16, float32, got 'float16'"),
        (["train", "--resume"], "--resume needs --out"),
        (["train", "--resume", "--out", "{run}", "--epochs", "1"], None),
        (["reply", "Hi", "--model", "{missing}"], "no model at"),
        (["reply", "Hi", "--model", "{run}", "--temperature", "-1"], "--temperature"),
        (["talk", "--model", "{run}", "--beam", "-2"], "--beam must be 0 or more, got -2"),
        (["evaluate", "--model", "{run}", "--recall-sample", "-1"], "--recall-sample must be 0 or more, got -1"),
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
    no_checkpoint = tmp_path / "no_checkpoint"
    shutil.copytree(tiny_run, no_checkpoint)
    (no_checkpoint / "checkpoint.keras").unlink()
    paths = {"broken": broken, "missing": tmp_path / "absent", "run": no_checkpoint, "corrupt": corrupt}
    message = message or "--resume: no checkpoint"
    argv = [arg.format(**paths) for arg in argv]
    argv = argv[:1] + (tiny_flags if argv[0] == "train" and "--resume" not in argv else []) + argv[1:]
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
    del settings["max_context_chars"]  # a field an older version did not have
    settings["a_future_setting"] = 3  # a field this version does not know
    (run / "settings.json").write_text(json.dumps(settings))
    main(["reply", "Hello", "--model", str(run)])
    main(["reply", "Hello", "--model", str(tiny_run)])
    first, second = capsys.readouterr().out.splitlines()
    assert first == second


@pytest.mark.parametrize("layer", ["slstm"])  # the variant whose LSTM carries four states
def test_a_variant_layer_trains_replies_and_explains(layer, tiny_corpus, tiny_flags, tmp_path, capsys):
    run = tmp_path / layer
    main(["train", "--corpus", str(tiny_corpus), "--out", str(run), "--layer", layer, *tiny_flags])
    writer = load_writer(str(run))
    assert len(writer.step_model.inputs) == 2 + 4  # characters, the context vectors, then h, C, n, m
    capsys.readouterr()
    main(["reply", "Hello", "--model", str(run)])
    assert capsys.readouterr().out.count("\n") == 1
    trace, _, _ = trace_conversation(writer, ["Hello"], writer.write(["Hello"])[0])
    assert "normalizer_state" in trace


# Stands in for the chatterbot corpus and the persona.
SMALL_CORPORA = [[f"What is {n} plus one?", f"It is {n + 1}."] for n in range(20)]


def test_the_default_run_adds_a_memory_model_that_resumes_where_the_whole_run_ends(dailydialog_files, tiny_flags,
                                                                                   tmp_path, monkeypatch):
    from demos.chat import data

    monkeypatch.setenv("DAILYDIALOG_DIR", str(dailydialog_files(tmp_path / "dd")))
    monkeypatch.setattr(data, "load_conversations", lambda path=None: [list(turns) for turns in SMALL_CORPORA])
    flags = [*tiny_flags, "--memory-epochs", "2", "--memory-units", "8"]
    whole, resumed = tmp_path / "whole", tmp_path / "resumed"
    main(["train", "--out", str(whole), *flags])
    metrics = json.loads((whole / "metrics.json").read_text())
    assert len(metrics["memory_history"]["loss"]) == 2 and metrics["memory_train_seconds"] > 0
    assert metrics["train_seconds"] == pytest.approx(sum(metrics["epoch_seconds"]) + metrics["memory_train_seconds"]
                                                     + metrics["ranker_train_seconds"]
                                                     + metrics["context_vector_seconds"])
    writer = load_writer(str(whole))
    assert writer.memory is not None and writer.memory.units == 8 and writer.units == 16
    assert writer.beam_width == 4 and writer.memory.beam_width == 0  # the memory recites greedily
    assert writer.memory.replies == {f"It is {n + 1}." for n in range(20)}  # the replies it may answer with
    messages = [row[0] for row in metrics["everyday_replies"]]
    routed = [chosen is writer.memory for chosen in writer.route([[message] for message in messages])]
    assert [row[2] == "memory" for row in metrics["everyday_replies"]] == routed
    assert metrics["everyday_memory_share"] == pytest.approx(sum(routed) / len(routed))
    trace, labels, steps = trace_conversation(writer.memory, ["What is 3 plus one?"], "It is 4.")
    assert steps == 1 and len(labels) == 9 and trace["forget_gate"].shape == (1, 9, 8)  # the decoder's steps

    def stop_after_the_first_memory_checkpoint(model, run_dir, progress, prefix=""):
        original(model, run_dir, progress, prefix)
        if prefix:
            raise KeyboardInterrupt  # Ctrl-C after the memory model's first epoch

    original = training.save_checkpoint
    monkeypatch.setattr(training, "save_checkpoint", stop_after_the_first_memory_checkpoint)
    with pytest.raises(SystemExit):
        main(["train", "--out", str(resumed), *flags])
    assert (resumed / "model.keras").is_file() and not (resumed / "memory.keras").exists()
    monkeypatch.setattr(training, "save_checkpoint", original)
    main(["train", "--resume", "--out", str(resumed)])
    for mine, theirs in zip(load_writer(str(resumed)).memory.model.get_weights(), writer.memory.model.get_weights(),
                            strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)
