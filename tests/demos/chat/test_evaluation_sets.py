"""The hand-written evaluation sets stay apart from every corpus the default bot trains on."""

import os

import pytest

from datasets.dialogs import dialog_pairs, load_conversations, read_dailydialog
from demos.chat.data import PERSONA
from demos.chat.evaluation_sets import EVERYDAY_MESSAGES, read_lines, read_typed_prompts
from demos.chat.normalization import basic_form


def turn_forms(conversations):
    return {basic_form(turn) for turns in conversations for turn in turns}


def test_everyday_messages_are_at_least_100_and_in_no_chatterbot_or_persona_turn():
    everyday = read_lines(EVERYDAY_MESSAGES)
    assert len(everyday) >= 100 and len(set(everyday)) == len(everyday)
    forms = turn_forms(load_conversations() + load_conversations(PERSONA))
    assert [message for message in everyday if basic_form(message) in forms] == []


@pytest.mark.skipif(not os.environ.get("DAILYDIALOG_DIR"), reason="needs $DAILYDIALOG_DIR (make test sets it)")
def test_everyday_messages_are_in_no_dailydialog_turn_of_any_split():
    splits = read_dailydialog(os.environ["DAILYDIALOG_DIR"])
    forms = turn_forms([turns for conversations in splits.values() for turns in conversations])
    assert [message for message in read_lines(EVERYDAY_MESSAGES) if basic_form(message) in forms] == []


def test_typed_prompts_mean_corpus_prompts_and_are_typed_differently():
    prompts = {basic_form(prompt) for prompt, _ in dialog_pairs(load_conversations())}
    rows = read_typed_prompts()
    assert len(rows) >= 150
    assert [meant for _, meant in rows if basic_form(meant) not in prompts] == []
    assert sum(typed != meant for typed, meant in rows) == len(rows)


def test_the_persona_answers_what_the_corpus_does_not_and_only_that():
    persona = {basic_form(prompt) for prompt, _ in dialog_pairs(load_conversations(PERSONA))}
    assert {basic_form("What is your name?"), basic_form("Do you like music?")} <= persona
    corpus_prompts = {basic_form(prompt) for prompt, _ in dialog_pairs(load_conversations())}
    assert persona.isdisjoint(corpus_prompts)
