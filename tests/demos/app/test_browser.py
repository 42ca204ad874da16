"""The page in a real browser: Debian's Chromium, driven by Playwright, against the app on a free local port.

Each test uploads, records, types and clicks as a person would, and reads the
answer from the page; the expected answers come from the apps' own
prediction functions, called here without the page. A page that logs a
console error fails its test. Screenshots of each tab go to
`$LSTM_LAB_SCREENSHOTS` when it is set (the README's come from there).
"""

import os
import re
import shutil
import socket
from pathlib import Path

import numpy as np
import pytest

from datasets import fsdd

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install chromium)")]
DIGIT_SECONDS = 30_000  # ms a page may take to answer (the first answer of a model compiles its functions)
UPLOAD_LIMIT_MB = 2


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(app_runs):
    """The app on a free port of 127.0.0.1, serving the test runs; stopped at the end, whatever happens."""
    from demos.app.page import serve
    from demos.app.settings import Settings

    settings = Settings(port=free_port(), runs=str(app_runs), max_upload_mb=UPLOAD_LIMIT_MB)
    page = serve(settings, block=False)
    try:
        yield page.local_url
    finally:
        page.close()


@pytest.fixture(scope="module")
def microphone_file(tmp_path_factory, tone_recordings):
    """What the fake microphone plays (looped): the tone of digit 7 in a second of silence, 48 kHz, as a WAV."""
    import soundfile

    folder = tone_recordings(tmp_path_factory.mktemp("microphone"), ("mic",), (8,))
    tone = fsdd.load_audio(folder / "7_mic_8.wav")
    signal = np.concatenate([np.zeros(fsdd.SAMPLE_RATE // 3), tone, np.zeros(fsdd.SAMPLE_RATE // 3)])
    path = folder.parent / "microphone.wav"
    soundfile.write(path, np.interp(np.arange(len(signal) * 6) / 6, np.arange(len(signal)), signal), 48_000,
                    subtype="PCM_16")
    return path


@pytest.fixture(scope="module")
def browser(microphone_file):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={microphone_file}"])
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, server):
    """A new page on the app; fails the test if the page logged a console error."""
    context = browser.new_context(viewport={"width": 1200, "height": 1400})
    context.grant_permissions(["microphone"], origin=server)
    opened = context.new_page()
    errors = []
    opened.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.goto(server)
    opened.wait_for_selector("#tab-speech", state="attached")
    try:
        yield opened
    finally:
        context.close()
    assert errors == []


def screenshot(page, name):
    folder = os.environ.get("LSTM_LAB_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def wait_for_text(page, selector, pattern):
    """Waits until the element's text matches `pattern` (a regex); returns the text."""
    page.wait_for_function("([selector, pattern]) => new RegExp(pattern).test(document.querySelector(selector)"
                           "?.innerText || '')", arg=[selector, pattern], timeout=DIGIT_SECONDS)
    return page.inner_text(selector)


def upload(page, path):
    page.click("#speech-audio [aria-label='Upload file']")
    page.set_input_files("#speech-audio input[type=file]", str(path))


def heard(text):
    return [int(digit) for digit in re.findall(r"(\d) \(\d+\.\d\d-", text)]


def test_the_microphone_hears_the_digit(page):
    page.click("#speech-audio button.record-button")
    page.wait_for_timeout(2500)
    page.click("#speech-audio button.stop-button")
    text = wait_for_text(page, "#speech-message", "Heard")
    assert 7 in heard(text)


@pytest.fixture(scope="module")
def two_digits(tmp_path_factory, tone_recordings):
    """'3', a pause, '5', with a second of quiet noise before: 44.1 kHz stereo, as a laptop records."""
    import librosa
    import soundfile

    folder = tone_recordings(tmp_path_factory.mktemp("two"), ("laptop",), (9,))
    three, five = (fsdd.load_audio(folder / f"{digit}_laptop_9.wav") for digit in (3, 5))
    noise = np.random.default_rng(0).normal(0, 0.002, fsdd.SAMPLE_RATE)
    signal = np.concatenate([noise, three, np.zeros(fsdd.SAMPLE_RATE // 2), five, noise])
    stereo = np.stack([signal, 0.8 * signal], axis=1)
    path = folder.parent / "three-five.wav"
    soundfile.write(path, librosa.resample(stereo.T, orig_sr=fsdd.SAMPLE_RATE, target_sr=44_100).T, 44_100)
    return path


def test_an_uploaded_recording_is_answered_as_predict_answers_it(page, app_runs, two_digits):
    from demos.speech.prediction import load_speech_run, predict_digits

    expected = [digit for _, _, digit, _ in predict_digits(load_speech_run(str(app_runs / "speech" / "tones")), two_digits)]
    upload(page, two_digits)
    assert heard(wait_for_text(page, "#speech-message", "Heard 2 digits")) == expected == [3, 5]
    page.wait_for_selector("#speech-gates img", timeout=DIGIT_SECONDS)
    screenshot(page, "speech")


def test_a_held_gate_answers_as_intervene_does(page, app_runs, two_digits):
    from custom_layers import intervene
    from demos.speech.prediction import load_speech_run, stretches

    run = load_speech_run(str(app_runs / "speech" / "tones"))
    with intervene(run.model, output_gate=0.0):
        held = stretches(run, two_digits)
    upload(page, two_digits)
    wait_for_text(page, "#speech-message", "Heard")
    choose(page, "#speech-hold-gate", "output")
    page.click("#speech-hold-button")
    text = wait_for_text(page, "#speech-held-message", "held at 0")
    assert heard(text) == [int(p.argmax()) for _, _, p in held]
    assert f"{held[0][2].max():.0%}" in text


def choose(page, selector, option):
    """Picks `option` of a radio group."""
    page.check(f"{selector} input[value='{option}']")
