"""Set-up shared by the whole test suite."""

import os
import shutil

os.environ.setdefault("MPLBACKEND", "Agg")  # plots without a display
os.environ["LSTM_LAB_VOICES"] = "none"  # no speech synthesis unless a test asks for it (tests/demos/speech/test_voices.py)

import pytest  # noqa: E402

from demos.startup import import_keras  # noqa: E402

keras = import_keras()  # as the demos import it: without the backend's start-up lines


@pytest.fixture(autouse=True)
def fixed_seed():
    """Every test starts from the same Python, NumPy and backend random state."""
    keras.utils.set_random_seed(1234)


@pytest.fixture(autouse=True, scope="session")
def jax_compilation_cache(tmp_path_factory):
    """On JAX, compiles each distinct program once per session, however many tests run it.

    JAX compiles every `lax.scan` it meets (each RNN call), and XLA compilation
    dominates the time of small tests; programs that are identical up to their
    input values share one compilation through this cache.
    """
    if keras.backend.backend() == "jax":
        import jax

        jax.config.update("jax_compilation_cache_dir", str(tmp_path_factory.mktemp("jax_compilation_cache")))
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
        jax.config.update("jax_persistent_cache_min_entry_size_bytes", -1)


DAILYDIALOG_SAMPLE = {
    "train": [["Say , Jim , how about a beer ?", "Good.Let ' s go now ."], ["Hi !", "Hello .", "Bye ."]],
    "validation": [["Hi !", "Hello ."], ["Where to ?", "The station , please ."]],
    "test": [["Hi!", "Hello!", "See you ."]],
}


@pytest.fixture
def dailydialog_files():
    """`write(folder)`: a small DailyDialog folder in the release's layout (`<split>/dialogues_<split>.txt`)."""

    def write(folder):
        for split, conversations in DAILYDIALOG_SAMPLE.items():
            (folder / split).mkdir(parents=True, exist_ok=True)
            lines = [" __eou__ ".join(turns) + " __eou__" for turns in conversations]
            (folder / split / f"dialogues_{split}.txt").write_text("\n".join(lines) + "\n")
        return folder

    return write


@pytest.fixture(scope="session")
def tone_recordings():
    """`write(folder, speakers=("tone",), takes=(0, 5, 6, 7))`: FSDD-named WAV files, a tone per digit.

    Each is a 0.30-0.38 s tone whose pitch says the digit (300 + 150 x digit
    Hz), with a little noise drawn from the take. Takes 0-4 fall in FSDD's
    official test set, 5 and above in its training set. Returns the folder.
    """
    import numpy as np
    import soundfile

    from datasets import fsdd

    def write(folder, speakers=("tone",), takes=(0, 5, 6, 7)):
        folder.mkdir(parents=True, exist_ok=True)
        for speaker in speakers:
            for digit in fsdd.DIGITS:
                for take in takes:
                    time = np.arange(int((0.3 + 0.02 * (take % 5)) * fsdd.SAMPLE_RATE)) / fsdd.SAMPLE_RATE
                    noise = np.random.default_rng(take).normal(0, 0.01, time.size)
                    tone = 0.5 * np.sin(2 * np.pi * (300 + 150 * digit) * time) + noise
                    soundfile.write(folder / f"{digit}_{speaker}_{take}.wav", tone, fsdd.SAMPLE_RATE)
        return folder

    return write


APP_CORPUS = """\
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


def made_once(tmp_path_factory, worker_id, name, make):
    """A folder `make(folder)` fills once per `pytest` command, shared by its xdist workers (read-only to tests).

    The first worker to ask makes it under a lock in the folder all workers'
    temporary folders share; the others wait for it and read it.
    """
    from filelock import FileLock

    if worker_id == "master":  # not under xdist
        folder = tmp_path_factory.mktemp(name)
        make(folder)
        return folder
    folder = tmp_path_factory.getbasetemp().parent / name
    with FileLock(f"{folder}.lock"):
        if not (folder / ".made").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            (folder / ".made").touch()
    return folder


@pytest.fixture(scope="session")
def app_runs(tmp_path_factory, worker_id, tone_recordings):
    """The web app's `runs/` folder: small runs trained long enough to answer right on their own data.

    A speech run that knows the tones of `tone_recordings`, a chat run on
    `APP_CORPUS`, a stock volatility run on the offline GOOG prices; trained
    once per test command (`made_once`).
    """
    return made_once(tmp_path_factory, worker_id, "app", lambda root: train_app_runs(root, tone_recordings)) / "runs"


def train_app_runs(root, tone_recordings):
    """`app_runs`' runs, trained under `root/runs`."""
    import contextlib
    import io

    from demos.chat.__main__ import main as chat
    from demos.speech.__main__ import main as speech
    from demos.stocks.__main__ import main as stocks

    runs = root / "runs"
    (root / "corpus.txt").write_text(APP_CORPUS)
    with contextlib.redirect_stdout(io.StringIO()):
        speech(["train", "--data-dir", str(tone_recordings(root / "tones")), "--cache-dir", str(root / "cache"),
                "--units", "16", "--epochs", "15", "--patience", "15", "--batch-size", "8",
                "--ensemble", "1", "--out", str(runs / "speech" / "tones")])
        chat(["train", "--corpus", str(root / "corpus.txt"), "--units", "48", "--embedding-dim", "16", "--epochs", "60",
              "--batch-size", "4", "--sequence-length", "16", "--learning-rate", "0.01", "--prompt-noise", "0",
              "--validation-fraction", "0.2", "--match-sample", "0", "--recall-sample", "0", "--max-reply-chars", "40",
              "--out", str(runs / "chat" / "small")])
        stocks(["train", "--offline", "--target", "volatility", "--units", "4", "--epochs", "1", "--window", "10",
                "--out", str(runs / "stocks" / "tiny")])
