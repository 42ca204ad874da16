"""The chat corpus: which conversations train, which are held out, which replies are scored."""

import pytest

from datasets.dialogs import dialog_pairs, pair_key
from demos.chat.data import prepare_data
from demos.chat.normalization import basic_form
from demos.chat.settings import Settings


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_corpus_without_a_split_holds_out_conversations_and_keeps_the_typed_prompts_meant(tiny_corpus, seed):
    corpus = prepare_data(Settings(corpus=str(tiny_corpus), validation_fraction=0.25, seed=seed))
    training = {tuple(turns) for turns in corpus.training}
    held = [tuple(turns) for turns in corpus.validation.conversations + corpus.test.conversations]
    assert len(held) == 4 and not training & set(held)
    assert any(basic_form(turns[0]) == "what is ai" for turns in training)  # meant by typed-prompt rows
    text = "".join(turn for turns in corpus.training for turn in turns)
    assert set(corpus.vocabulary.characters) == set(text)  # fitted on training text only


def test_the_default_corpus_is_dailydialog_with_the_chatterbot_corpus_and_persona_repeated(dailydialog_files, tmp_path,
                                                                                           monkeypatch):
    monkeypatch.setenv("DAILYDIALOG_DIR", str(dailydialog_files(tmp_path / "dd")))
    corpus = prepare_data(Settings())
    assert corpus.training == [["Say, Jim, how about a beer?", "Good. Let's go now."], ["Hi!", "Hello.", "Bye."]]
    assert len(corpus.repeated) > 1900 and ["What is your name?", "My name is Gates."] in corpus.repeated
    assert corpus.test.removed == 1 and corpus.test.pairs == [("Hello!", "See you.")]
    seen = {pair_key(*pair) for pair in dialog_pairs(corpus.all_training)}
    assert not seen & {pair_key(*pair) for pair in corpus.validation.pairs + corpus.test.pairs}
    alone = prepare_data(Settings(corpus="dailydialog"))
    assert alone.repeated == [] and alone.training == corpus.training


def test_without_dailydialog_one_line_says_so_and_the_chatterbot_corpus_trains(tmp_path, monkeypatch):
    from datasets import dialogs

    monkeypatch.delenv("DAILYDIALOG_DIR", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setattr(dialogs, "DAILYDIALOG_URL", (tmp_path / "unreachable.zip").as_uri())
    lines = []
    corpus = prepare_data(Settings(), announce=lines.append)
    assert len(lines) == 1 and "DailyDialog not found" in lines[0]
    assert corpus.repeated == [] and ["What is your name?", "My name is Gates."] in corpus.training
    assert corpus.validation.conversations and corpus.test.conversations


def test_a_sample_of_pairs_trains_on_exactly_that_many_two_turn_conversations(tiny_corpus):
    corpus = prepare_data(Settings(corpus=str(tiny_corpus), max_training_pairs=3, validation_fraction=0.25))
    assert len(corpus.training) == 3 and all(len(turns) == 2 for turns in corpus.training)
