"""`python -m benchmarks.chat_reply_speed` with a model that is not there: one line, no traceback."""

import pytest

from benchmarks.chat_reply_speed import main


@pytest.mark.parametrize("model", ["nowhere", "nowhere/model.keras"])
def test_a_missing_model_is_one_error_line(model, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main(["--model", model])
    message = str(exit_info.value.code)
    assert message.startswith("error: no model at") and "\n" not in message


def test_a_negative_beam_is_one_error_line():
    with pytest.raises(SystemExit) as exit_info:
        main(["--beam", "-2"])
    assert str(exit_info.value.code) == "error: --beam must be 0 or more, got -2"
