"""The hand-written evaluation sets of the chat demo, never trained on.

- `typed_prompts.tsv`: messages as people type them, each with the chatterbot prompt it means;
- `everyday_messages.txt`: greetings, thanks, small talk, feelings, plans, questions about the bot,
  found in no corpus file (DailyDialog included);
- `tuning_messages.txt`: more of the same, apart from the everyday set: read to choose how replies are
  written (the everyday set only reports).
"""

from pathlib import Path

HERE = Path(__file__).parent
TYPED_PROMPTS = HERE / "typed_prompts.tsv"
EVERYDAY_MESSAGES = HERE / "everyday_messages.txt"
TUNING_MESSAGES = HERE / "tuning_messages.txt"


def read_lines(path):
    """The lines of a hand-written set, without comments (`#`) and blank lines."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def read_typed_prompts(path=TYPED_PROMPTS):
    """(typed message, meant corpus prompt) rows of a tab-separated file."""
    return [tuple(line.split("\t")) for line in read_lines(path)]
