"""Runs the web app's tests serve: small, but trained long enough to answer right on their own data."""

import contextlib
import io

import pytest

CORPUS = """\
Hello
Hi there!

How are you?
I am fine, thanks.

What is your name?
My name is Bot.

Good morning
Good morning to you.

See you later
Bye!

Do you like books?
Yes, I read a lot.

Tell me a joke
Why did the chicken cross the road?

Thank you
You are welcome.
"""


@pytest.fixture(scope="session")
def app_runs(tmp_path_factory, tone_recordings):
    """A `runs/` folder: a speech run that knows the tones, a chat run that knows `CORPUS`, a stock run."""
    from demos.chat.__main__ import main as chat
    from demos.speech.__main__ import main as speech
    from demos.stocks.__main__ import main as stocks

    root = tmp_path_factory.mktemp("app")
    runs = root / "runs"
    (root / "corpus.txt").write_text(CORPUS)
    with contextlib.redirect_stdout(io.StringIO()):
        speech(["train", "--data-dir", str(tone_recordings(root / "tones")), "--cache-dir", str(root / "cache"),
                "--units", "16", "--epochs", "15", "--patience", "15", "--batch-size", "8",
                "--out", str(runs / "speech" / "tones")])
        chat(["train", "--corpus", str(root / "corpus.txt"), "--units", "48", "--embedding-dim", "16", "--epochs", "60",
              "--batch-size", "4", "--sequence-length", "16", "--learning-rate", "0.01", "--prompt-noise", "0",
              "--validation-fraction", "0.2", "--match-sample", "0", "--recall-sample", "0", "--max-reply-chars", "40",
              "--out", str(runs / "chat" / "small")])
        stocks(["train", "--offline", "--target", "volatility", "--units", "4", "--epochs", "1", "--window", "10",
                "--out", str(runs / "stocks" / "tiny")])
    return runs
