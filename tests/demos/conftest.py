"""Tiny trained runs of every demo, shared by the tests of the programs that serve them all."""

import pytest

CORPUS = """\
Hi
Hello, how are you?

Are you a robot?
I am a program.

Do you read books?
I read "Hamlet" every year.

What time is it?
Time to learn.

Where do you live?
In a computer.

Can you sing?
Not very well?

Do you like films?
I liked "Up" a lot.

Can you dance?
Can you?
"""


def train_tiny_runs(root, tone_recordings):
    """One tiny run of each demo under `root/runs/<app>/` (as `python -m demos.<app> train` writes them)."""
    from demos.chat.__main__ import main as chat
    from demos.speech.__main__ import main as speech
    from demos.stocks.__main__ import main as stocks

    recordings = tone_recordings(root / "fsdd")
    (root / "corpus.txt").write_text(CORPUS)
    runs = root / "runs"
    speech(["train", "--data-dir", str(recordings), "--cache-dir", str(root / "cache"), "--units", "4",
            "--epochs", "1", "--ensemble", "1", "--out", str(runs / "speech" / "tiny")])
    chat(["train", "--corpus", str(root / "corpus.txt"), "--units", "8", "--embedding-dim", "4", "--epochs", "1",
          "--batch-size", "4", "--sequence-length", "16", "--validation-fraction", "0.2", "--out", str(runs / "chat" / "tiny")])
    stocks(["train", "--offline", "--units", "4", "--epochs", "1", "--window", "10",
            "--out", str(runs / "stocks" / "tiny")])
    return runs



@pytest.fixture(scope="session")
def tiny_runs(tmp_path_factory, tone_recordings):
    """A `runs/` folder holding one tiny run of each demo (`runs/<app>/tiny`): seconds to train."""
    return train_tiny_runs(tmp_path_factory.mktemp("tiny-runs"), tone_recordings)
