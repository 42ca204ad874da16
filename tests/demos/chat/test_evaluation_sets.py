"""The hand-written evaluation sets stay apart from every corpus the default bot trains on."""

import os

import pytest

from datasets.dialogs import dialog_pairs, load_conversations, read_dailydialog
from demos.chat.data import PERSONA
from demos.chat.evaluation_sets import EVERYDAY_MESSAGES, TUNING_MESSAGES, read_lines, read_typed_prompts
from demos.chat.normalization import basic_form


def turn_forms(conversations):
    return {basic_form(turn) for turns in conversations for turn in turns}


@pytest.mark.parametrize("path", [EVERYDAY_MESSAGES, TUNING_MESSAGES])
def test_hand_written_messages_are_in_no_chatterbot_or_persona_turn(path):
    messages = read_lines(path)
    assert len(set(messages)) == len(messages)
    forms = turn_forms(load_conversations() + load_conversations(PERSONA))
    assert [message for message in messages if basic_form(message) in forms] == []


def test_everyday_messages_are_at_least_100_and_none_is_a_tuning_message():
    everyday = read_lines(EVERYDAY_MESSAGES)
    assert len(everyday) >= 100
    assert {basic_form(message) for message in everyday} & {basic_form(m) for m in read_lines(TUNING_MESSAGES)} == set()


@pytest.mark.skipif(not os.environ.get("DAILYDIALOG_DIR"), reason="needs $DAILYDIALOG_DIR (make test sets it)")
@pytest.mark.parametrize("path", [EVERYDAY_MESSAGES, TUNING_MESSAGES])
def test_hand_written_messages_are_in_no_dailydialog_turn_of_any_split(path):
    splits = read_dailydialog(os.environ["DAILYDIALOG_DIR"])
    forms = turn_forms([turns for conversations in splits.values() for turns in conversations])
    assert [message for message in read_lines(path) if basic_form(message) in forms] == []


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
