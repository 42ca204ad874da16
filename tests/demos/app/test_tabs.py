"""The tabs without a browser: what each answers, and one line for what it cannot."""

import pytest

from demos.app.page import build_page, load_tabs
from demos.app.settings import Settings
from demos.cli import CLIError

pytestmark = pytest.mark.slow  # the runs train for about 20 seconds


def test_a_missing_run_is_a_line_naming_its_train_command_and_the_other_tabs_load(app_runs, tmp_path):
    import shutil

    runs = tmp_path / "runs"
    shutil.copytree(app_runs / "chat", runs / "chat")
    (speech, chat, stocks), _ = load_tabs(Settings(runs=str(runs)))
    assert isinstance(speech, str) and "python -m demos.speech train" in speech
    assert chat.writer.run_dir == runs / "chat" / "small"
    assert stocks.runs() == []
    with pytest.raises(CLIError, match="train a quick model"):
        stocks.load(None)
    page = build_page((speech, chat, stocks))  # the page still builds; the speech tab shows the line
    shown = [str(getattr(block, "value", "")) for block in page.blocks.values()]
    assert any("python -m demos.speech train" in text for text in shown)


def test_the_stock_runs_put_the_chosen_one_first_and_refuse_an_unknown_offline_ticker(app_runs, tmp_path):
    (_, _, stocks), _ = load_tabs(Settings(runs=str(app_runs), stocks_model=str(app_runs / "stocks" / "tiny")))
    assert stocks.runs() == [str(app_runs / "stocks" / "tiny")]
    assert stocks.describe(stocks.runs()[0]) == "GOOG, volatility, 5 day(s) ahead, custom LSTM"
    with pytest.raises(CLIError, match="offline tickers are GOOG, SP500, NASDAQ, EURUSD"):
        stocks.forecast(stocks.runs()[0], "NOSUCH", True)
    with pytest.raises(CLIError, match="not a date"):
        stocks.gates(stocks.runs()[0], "", True, "yesterday-ish")


def test_the_chat_gates_draw_a_row_per_unit_over_the_reply(app_runs):
    (_, chat, _), _ = load_tabs(Settings(runs=str(app_runs)))
    html = chat.gates(["Hello"], "Hi!", "forget_gate", "0, 5")
    assert html.count('class="unit-row"') == 2 and html.count("title=") == 2 * len("Hi!")
    with pytest.raises(CLIError, match="units must be between 0 and 47"):
        chat.gates(["Hello"], "Hi!", "cell_state", "48")
    with pytest.raises(CLIError, match="draw one of"):
        chat.gates(["Hello"], "Hi!", "candidate_gate", "0")
    with pytest.raises(CLIError, match="write a message first"):
        chat.reply(["Hello", "Hi!", "   "])


def test_bad_flags_are_one_line(capsys):
    from demos.app.__main__ import main

    for flags, message in ((["--port", "70000"], "--port must be between 1 and 65535"),
                           (["--max-upload-mb", "0"], "--max-upload-mb must be above 0")):
        with pytest.raises(SystemExit) as exited:
            main(flags)
        assert exited.value.code == 2 and message in capsys.readouterr().err


def test_a_quick_stock_model_is_trained_on_demand_and_listed_first(app_runs, tmp_path):
    import shutil

    from demos.app.holds import Hold

    runs = tmp_path / "runs"
    shutil.copytree(app_runs / "stocks", runs / "stocks")
    (_, _, stocks), _ = load_tabs(Settings(runs=str(runs)))
    steps = []
    folder, metrics = stocks.train_quick("goog", True, "price", 1, 0, progress=lambda share, desc: steps.append(desc))
    assert stocks.runs()[0] == folder and (runs / "stocks" / folder.split("/")[-1] / "model.keras").is_file()
    assert metrics["target"] == "price" and metrics["epochs"] <= 4 and "4 epochs" in steps[0]
    text, png = stocks.forecast(folder, "", True)
    held, _ = stocks.forecast(folder, "", True, Hold("output", 0.0))
    assert text.startswith("GOOG: last close") and held != text
    with pytest.raises(CLIError, match="offline tickers"):
        stocks.train_quick("NOSUCH", True, "price", 1, 0)
