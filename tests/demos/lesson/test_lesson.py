"""The lesson on tiny trained demo runs: every section, a self-contained page, numbers that match the layer."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from demos.lesson.__main__ import main
from demos.lesson.page import SECTION_TITLES

pytestmark = pytest.mark.slow
REPOSITORY = Path(__file__).resolve().parents[3]

TINY_LESSON = ["--lags", "2,4", "--memory-units", "4", "--train-count", "64", "--test-count", "32",
               "--memory-epochs", "1", "--gradient-lag", "4", "--chat-sample", "8", "--speech-sample", "8", "--stocks-sample", "8"]


@pytest.fixture(scope="module")
def lesson_dir(tmp_path_factory, tiny_runs):
    runs = tiny_runs
    out = tmp_path_factory.mktemp("lesson") / "lesson"
    # A fresh process, as `make lesson` runs: it must load the demos' models without their modules imported first.
    command = [sys.executable, "-m", "demos.lesson", "--runs", str(runs), "--out", str(out), *TINY_LESSON]
    finished = subprocess.run(command, cwd=REPOSITORY, capture_output=True, text=True, timeout=600)
    assert finished.returncode == 0, finished.stderr[-3000:]
    return out


def test_every_section_is_on_the_page_with_embedded_images(lesson_dir):
    page = (lesson_dir / "index.html").read_text()
    for key, title in SECTION_TITLES:
        assert f'<section id="{key}"><h2>{title}</h2>' in page
    images = re.findall(r'<img [^>]*src="([^"]*)"', page)
    assert len(images) >= 3 and all(src.startswith("data:image/png;base64,") for src in images)


def test_nothing_is_loaded_from_outside(lesson_dir):
    page = (lesson_dir / "index.html").read_text()
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert not re.search(r'(src|href)="(https?:)?//', page) and "url(" not in page


def test_lesson_json_holds_every_figure(lesson_dir):
    results = json.loads((lesson_dir / "lesson.json").read_text())
    assert set(results) >= {"memory", "by_hand", "confusions", "interventions", "units", "models"}
    assert [row["lag"] for row in results["memory"]["accuracy"]] == [2, 4]
    assert set(results["memory"]["input_gradients"]) == {"rnn", "lstm"}
    assert len(results["memory"]["input_gradients"]["lstm"]) == 5  # one norm per step of a k = 4 sequence
    assert set(results["confusions"]["models"]) == set(results["interventions"]) == {"speech", "chat", "stocks"}
    for app, scores in results["interventions"].items():
        assert set(scores["scores"]) == {"none", "forget gate = 0", "forget gate = 1", "input gate = 0",
                                         "output gate = 1"}, app
        assert all(np.isfinite(value) for value in scores["scores"].values()), app
    # Two replies quote a title and two ask back: both labels vary in the traced training replies.
    assert results["units"]["inside quotes"]["unit"] is not None
    assert results["units"]["after a question mark"]["unit"] is not None


def test_the_step_by_hand_equals_the_layer(lesson_dir):
    by_hand = json.loads((lesson_dir / "lesson.json").read_text())["by_hand"]
    assert len(by_hand["units"]) == 3 and len({unit["unit"] for unit in by_hand["units"]}) == 3
    assert by_hand["max_difference_from_layer"] < 1e-5


def test_one_step_by_hand_gives_the_numbers_worked_out_on_paper():
    from custom_layers import ExplicitLSTM
    from demos.lesson.by_hand import step_by_hand

    layer = ExplicitLSTM(1)
    layer.build((None, None, 1))
    # Blocks i, f, c, o: W = (0, 1, 0.5, -1), U = (2, 0, 1, 0), b = (0, 0, 0, 1); x = 1, h_prev = 0.5, C_prev = 2.
    layer.cell.set_weights([np.array([[0, 1, 0.5, -1]]), np.array([[2, 0, 1, 0]]), np.array([0, 0, 0, 1])])
    step = step_by_hand(layer, np.array([1.0]), np.array([0.5]), np.array([2.0]), unit=0)
    assert [step[gate]["z"] for gate in "ifco"] == [1.0, 1.0, 1.0, 0.0]  # z = Wx + Uh + b
    assert step["i"]["value"] == pytest.approx(0.7310586) and step["f"]["value"] == pytest.approx(0.7310586)
    assert step["c"]["value"] == pytest.approx(0.7615942) and step["o"]["value"] == 0.5
    assert step["C"] == pytest.approx(2.0188871)  # 0.7310586 * 2 + 0.7310586 * 0.7615942
    assert step["h"] == pytest.approx(0.4826690)  # 0.5 * tanh(2.0188871)


def test_bad_lags_are_one_line(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["--lags", "50,5", "--out", str(tmp_path / "out")])
    assert "--lags takes increasing positive integers" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()  # nothing is left behind


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install chromium)")
def test_the_page_renders_in_headless_chromium(lesson_dir, tmp_path):
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
               f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=5000", "--dump-dom",
               (lesson_dir / "index.html").as_uri()]
    shown = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0, shown.stderr[-2000:]
    for _, title in SECTION_TITLES:
        assert f"<h2>{title}</h2>" in shown.stdout
    assert shown.stdout.count("<img") == (lesson_dir / "index.html").read_text().count("<img")
    console_errors = [line for line in shown.stderr.splitlines() if "CONSOLE" in line and "ERROR" in line.upper()]
    assert not console_errors, console_errors
