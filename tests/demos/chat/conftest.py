"""A tiny dialogue corpus and one tiny trained chat run, shared by the chat tests."""

import pytest

TINY_CORPUS = """\
Hello
Hi there!

How are you?
I am fine, thanks.
Good to hear.

What is your name?
My name is Bot.

Do you like books?
Yes, I read a lot.

What is AI?
Artificial intelligence.

Tell me a joke
Why did the chicken cross the road?

Good morning
Good morning to you.

See you later
Bye!
"""

TINY_FLAGS = ["--epochs", "2", "--units", "16", "--embedding-dim", "8", "--batch-size", "4", "--sequence-length", "16",
              "--match-sample", "0", "--recall-sample", "0", "--max-reply-chars", "40", "--validation-fraction", "0.25",
              "--weight-average", "0.5"]  # an average over half the steps: resuming must carry it on


@pytest.fixture(scope="session")
def tiny_flags():
    """`train` flags of a model small enough to train in seconds."""
    return list(TINY_FLAGS)


@pytest.fixture(scope="session")
def tiny_corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "tiny.txt"
    path.write_text(TINY_CORPUS)
    return path


@pytest.fixture(scope="session")
def tiny_run(tiny_corpus, tmp_path_factory):
    """The folder of a `train` run on the tiny corpus (a few seconds)."""
    from demos.chat.__main__ import main

    run_dir = tmp_path_factory.mktemp("chat_run")
    main(["train", "--corpus", str(tiny_corpus), "--out", str(run_dir), *TINY_FLAGS])
    return run_dir


@pytest.fixture
def interrupted_train(monkeypatch):
    """`interrupted_train(argv)`: `train` stopped by Ctrl-C right after its first checkpoint (it exits)."""
    from demos.chat import training
    from demos.chat.__main__ import main

    def run(argv):
        original = training.save_checkpoint

        def stop_after_the_first_checkpoint(*args):
            original(*args)
            raise KeyboardInterrupt

        monkeypatch.setattr(training, "save_checkpoint", stop_after_the_first_checkpoint)
        with pytest.raises(SystemExit):
            main(argv)
        monkeypatch.setattr(training, "save_checkpoint", original)

    return run
