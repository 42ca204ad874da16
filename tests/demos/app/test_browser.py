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
def page(browser, server, request):
    """A new page on the app; fails the test if the page logged a console error.

    `@pytest.mark.console_allows("text")` lets errors holding that text pass
    (the browser's own complaint about a file the test made bad on purpose).
    """
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
    marker = request.node.get_closest_marker("console_allows")
    allowed = marker.args if marker else ()
    assert [error for error in errors if not any(text in error for text in allowed)] == []


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
    if page.query_selector("#speech-audio input[type=file]") is None:
        page.click("#speech-audio [aria-label='Upload file']")
    page.set_input_files("#speech-audio input[type=file]", str(path))


def heard(text):
    """The class of each stretch named in the app's line: a digit, or `NO_DIGIT` for "no digit"."""
    from demos.speech.part import NO_DIGIT

    return [NO_DIGIT if name == "no digit" else int(name) for name in re.findall(r"(\d|no digit) \(\d+\.\d\d-", text)]


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
    text = hold_and_answer(page, "speech", "output", "#speech-held-message", "held at 0")
    assert heard(text) == [int(p.argmax()) for _, _, p in held]
    assert f"{held[0][2].max():.0%}" in text


def choose(page, selector, option):
    """Picks `option` of a radio group."""
    page.check(f"{selector} input[value='{option}']")


def hold_and_answer(page, tab, gate, answer_selector, pattern):
    """Holds `gate` (at the field's value, 0) in `tab`, answers again, and returns the held answer's text."""
    choose(page, f"#{tab}-hold-gate", gate)
    page.click(f"#{tab}-hold-button")
    return wait_for_text(page, answer_selector, pattern)


def bot_replies(page):
    return [bubble.inner_text().strip() for bubble in page.query_selector_all("#chat-log .bot .message-content")]


def send(page, text, replies):
    page.fill("#chat-message textarea", text)
    page.click("#chat-send")
    page.wait_for_function("n => { const bubbles = [...document.querySelectorAll('#chat-log .bot .message-content')];"
                           " return bubbles.length >= n && !bubbles.some(b => b.innerText.includes('Loading')); }",
                           arg=replies, timeout=DIGIT_SECONDS)


def test_the_bot_answers_with_the_conversation_as_context(page, app_runs):
    from custom_layers import intervene
    from demos.chat.prediction import answer, load_writer

    writer = load_writer(str(app_runs / "chat" / "small"))
    page.get_by_role("tab", name="Chat").click()
    send(page, "Hello", 1)
    first = answer(writer, ["Hello"])[0]
    send(page, "Thank you", 2)
    assert bot_replies(page) == [first, answer(writer, ["Hello", first, "Thank you"])[0]]
    rows = page.wait_for_selector("#chat-gates .unit-row", timeout=DIGIT_SECONDS)
    assert len(page.query_selector_all("#chat-gates .unit-row")) == 8 and "unit" in rows.inner_text()
    with intervene(writer.step_model, output_gate=0.0):
        held = answer(writer, ["Hello", first, "Thank you"])[0]
    text = hold_and_answer(page, "chat", "output", "#chat-held-reply", "the bot says")
    assert text.endswith(f"the bot says: {held or '(nothing)'}")
    screenshot(page, "chat")


def test_odd_messages_get_a_reply_or_one_line(page):
    page.get_by_role("tab", name="Chat").click()
    page.click("#chat-send")
    assert "write a message first" in wait_for_text(page, "#chat-notes", "Cannot answer")
    send(page, "x" * 3000, 1)
    assert "message cut to its first 1000 characters" in page.inner_text("#chat-notes")
    send(page, "nice 🙂", 2)
    assert "unknown to the model" in page.inner_text("#chat-notes")


@pytest.mark.console_allows("Waveform load error")  # the page's audio player cannot draw the bad file
def test_a_file_that_is_not_audio_gets_one_line_and_the_next_upload_works(page, tmp_path, two_digits):
    bad = tmp_path / "notes.wav"
    bad.write_text("this is not a recording")
    upload(page, bad)
    assert "Cannot answer" in wait_for_text(page, "#speech-message", "Cannot answer")
    page.click("#speech-audio [aria-label='Clear']")
    upload(page, two_digits)
    assert heard(wait_for_text(page, "#speech-message", "Heard")) == [3, 5]


def test_a_forecast_beside_persistence_and_the_gates_of_a_chosen_day(page, app_runs, tmp_path):
    from demos.runs import load_run
    from demos.stocks.prediction import volatility_forecast
    from demos.stocks.settings import Settings

    run = load_run("stocks", Settings, str(app_runs / "stocks" / "tiny"))
    run.settings = run.settings.resolved()
    expected = volatility_forecast(run, 10, tmp_path / "forecast.png")
    page.get_by_role("tab", name="Stocks").click()
    assert "GOOG, volatility" in wait_for_text(page, "#stocks-about", "test RMSE")
    page.click("#stocks-forecast")
    text = wait_for_text(page, "#stocks-message", "LSTM")
    assert f"LSTM {expected['model']:.1f}%, persistence {expected['persistence']:.1f}%" in text
    page.fill("#stocks-date textarea", "2012-06-01")
    page.click("#stocks-gates-button")
    assert "up to 2012-06-01" in wait_for_text(page, "#stocks-message", "Gates over")
    page.wait_for_selector("#stocks-gates img", timeout=DIGIT_SECONDS)
    screenshot(page, "stocks")
    page.fill("#stocks-ticker input", "NOSUCH")
    page.keyboard.press("Enter")
    page.click("#stocks-forecast")
    assert "offline tickers are" in wait_for_text(page, "#stocks-message", "Cannot answer")


def test_a_50_mb_upload_is_refused_before_it_is_read_and_the_next_works(page, server, tmp_path, two_digits):
    import httpx

    big = tmp_path / "big.wav"
    with big.open("wb") as file:
        file.truncate(50 * 1024 * 1024)
    upload(page, big)
    assert "exceed the maximum allowed size" in wait_for_text(page, "body", "maximum allowed size")
    with big.open("rb") as file:  # a client that skips the page's check: the server refuses it too
        refused = httpx.post(f"{server}gradio_api/upload", files={"files": ("big.wav", file)}, timeout=60)
    assert refused.status_code == 413
    upload(page, two_digits)
    assert heard(wait_for_text(page, "#speech-message", "Heard")) == [3, 5]


@pytest.mark.skipif(not os.environ.get("LSTM_LAB_SCREENSHOTS") or not os.environ.get("LSTM_LAB_APP_RUNS"),
                    reason="README screenshots: set LSTM_LAB_SCREENSHOTS (a folder) and LSTM_LAB_APP_RUNS (trained runs)")
def test_readme_screenshots_of_each_tab_on_trained_runs(browser):
    """`LSTM_LAB_APP_RUNS=runs LSTM_LAB_SCREENSHOTS=demos/app/images pytest -k readme tests/demos/app`."""
    from demos.app.page import serve
    from demos.app.settings import Settings

    served = serve(Settings(port=free_port(), runs=os.environ["LSTM_LAB_APP_RUNS"]), block=False)
    try:
        context = browser.new_context(viewport={"width": 1100, "height": 1300})
        page = context.new_page()
        page.goto(served.local_url)
        upload(page, Path(os.environ.get(fsdd.ENV_VARIABLE, "")) / "7_yweweler_3.wav")
        wait_for_text(page, "#speech-message", "Heard")
        page.wait_for_selector("#speech-gates img", timeout=DIGIT_SECONDS)
        hold_and_answer(page, "speech", "forget", "#speech-held-message", "held at")
        screenshot(page, "speech")
        page.get_by_role("tab", name="Chat").click()
        for message in ("hi there, how are you?", "what do you do for fun?"):
            send(page, message, 1 + (message[0] == "w"))
        page.wait_for_selector("#chat-gates .unit-row", timeout=DIGIT_SECONDS)
        hold_and_answer(page, "chat", "forget", "#chat-held-reply", "the bot says")
        screenshot(page, "chat")
        page.get_by_role("tab", name="Stocks").click()
        wait_for_text(page, "#stocks-about", "test RMSE")
        page.click("#stocks-forecast")
        page.wait_for_selector("#stocks-plot img", timeout=DIGIT_SECONDS)
        page.click("#stocks-gates-button")
        page.wait_for_selector("#stocks-gates img", timeout=DIGIT_SECONDS)
        screenshot(page, "stocks")
        context.close()
    finally:
        served.close()
