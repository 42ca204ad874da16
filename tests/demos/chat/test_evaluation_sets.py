"""The hand-written evaluation sets stay apart from what the default corpus trains on."""

from datasets.dialogs import dialog_pairs, load_conversations
from demos.chat.evaluation import NOVEL_MESSAGES, read_lines, read_typed_prompts
from demos.chat.normalization import basic_form
from demos.chat.training import PERSONA


def default_corpus_texts():
    pairs = dialog_pairs(load_conversations() + load_conversations(PERSONA))
    return {basic_form(text) for pair in pairs for text in pair}, {basic_form(prompt) for prompt, _ in pairs}


def test_novel_messages_are_in_no_corpus_file():
    texts, _ = default_corpus_texts()
    novel = read_lines(NOVEL_MESSAGES)
    assert len(novel) >= 60
    assert [message for message in novel if basic_form(message) in texts] == []


def test_typed_prompts_mean_corpus_prompts_and_are_typed_differently():
    _, prompts = default_corpus_texts()
    rows = read_typed_prompts()
    assert len(rows) >= 150
    assert [meant for _, meant in rows if basic_form(meant) not in prompts] == []
    assert sum(typed != meant for typed, meant in rows) == len(rows)


def test_the_persona_answers_what_the_corpus_does_not_and_only_that():
    persona = {basic_form(prompt) for prompt, _ in dialog_pairs(load_conversations(PERSONA))}
    assert {basic_form("What is your name?"), basic_form("Do you like music?")} <= persona
    corpus_prompts = {basic_form(prompt) for prompt, _ in dialog_pairs(load_conversations())}
    assert persona.isdisjoint(corpus_prompts)  # added after the split, it can hold no validation prompt
