"""Reading dialogue corpora, splitting them, and the character vocabulary."""

import pytest

from datasets.dialogs import (
    CorpusError,
    Vocabulary,
    dialog_pairs,
    load_conversations,
    replies_by_prompt,
    split_conversations,
)

YAML_CORPUS = """\
categories:
- greetings
conversations:
- - Hello
  - Hi there!
- - How are you?
  - I am fine.
  - Good to hear.
- - A single turn with no reply
"""

TEXT_CORPUS = """\
Hello
Hi there!

How are you?
I am fine.
Good to hear.

Only one turn here
"""


def test_yaml_file_gives_conversations_and_pairs(tmp_path):
    path = tmp_path / "small.yml"
    path.write_text(YAML_CORPUS)
    conversations = load_conversations(path)
    assert conversations == [["Hello", "Hi there!"], ["How are you?", "I am fine.", "Good to hear."]]
    assert dialog_pairs(conversations) == [
        ("Hello", "Hi there!"),
        ("How are you?", "I am fine."),
        ("I am fine.", "Good to hear."),
    ]


def test_yaml_folder_reads_every_yaml_file_in_name_order(tmp_path):
    (tmp_path / "b.yaml").write_text("conversations:\n- - Bye\n  - See you\n")
    (tmp_path / "a.yml").write_text(YAML_CORPUS)
    (tmp_path / "notes.txt").write_text("not part of the corpus\nat all\n")
    conversations = load_conversations(tmp_path)
    assert conversations[0] == ["Hello", "Hi there!"]
    assert conversations[-1] == ["Bye", "See you"]
    assert len(conversations) == 3


def test_text_file_turns_per_line_blank_line_between_conversations(tmp_path):
    path = tmp_path / "dialogue.txt"
    path.write_text(TEXT_CORPUS)
    assert load_conversations(path) == load_conversations(_write(tmp_path / "same.yml", YAML_CORPUS))


def _write(path, text):
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    "text, line",
    [
        ("conversations:\n- - Hello\n  - [unclosed\n", 4),  # YAML syntax error (reported where it is detected)
        ("conversations:\n- - Hello\n  - {a: b}\n", 3),  # a turn that is a mapping
        ("conversations:\n- name: x\n", 2),  # a conversation that is a mapping
        ("categories: [x]\n", 1),  # no conversations at all
    ],
)
def test_malformed_yaml_names_file_and_line(tmp_path, text, line):
    path = _write(tmp_path / "broken.yml", text)
    with pytest.raises(CorpusError, match=rf"broken\.yml, line {line}:"):
        load_conversations(path)


def test_text_file_that_is_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Hello\nCaf\u00e9 ?\n".encode("latin-1"))
    with pytest.raises(CorpusError, match=r"latin1\.txt, line 2: not UTF-8"):
        load_conversations(path)


def test_missing_path_and_corpus_without_pairs_are_errors(tmp_path):
    with pytest.raises(CorpusError, match="no such file"):
        load_conversations(tmp_path / "absent.yml")
    with pytest.raises(CorpusError, match="no conversation of two turns"):
        load_conversations(_write(tmp_path / "lonely.txt", "one\n\ntwo\n"))


def test_default_corpus_is_the_english_chatterbot_corpus():
    conversations = load_conversations()
    assert len(conversations) > 1900
    assert all(len(turns) >= 2 and all(turns) for turns in conversations)


def test_split_is_seeded_disjoint_and_complete():
    conversations = [[f"prompt {i}", f"reply {i}"] for i in range(50)]
    training, validation = split_conversations(conversations, 0.2, seed=3)
    assert len(validation) == 10 and len(training) == 40
    assert sorted(training + validation) == sorted(conversations)
    assert split_conversations(conversations, 0.2, seed=3) == (training, validation)
    assert split_conversations(conversations, 0.2, seed=4) != (training, validation)


def test_replies_by_prompt_keeps_every_reply():
    pairs = [("Hi", "Hello"), ("Bye", "Ciao"), ("Hi", "Hey")]
    assert replies_by_prompt(pairs) == {"Hi": ["Hello", "Hey"], "Bye": ["Ciao"]}


def test_vocabulary_maps_unknown_characters_to_one_symbol(tmp_path):
    vocabulary = Vocabulary.from_texts(["hello", "world!"])
    assert len(vocabulary) == len(Vocabulary.SYMBOLS) + len(set("helloworld!"))
    ids = vocabulary.encode("hi \U0001f600!")
    assert ids.count(Vocabulary.UNKNOWN) == 3  # 'i', ' ' and the emoji were never seen
    assert min(ids) >= Vocabulary.UNKNOWN
    assert vocabulary.decode(vocabulary.encode("hello world")) == "hello\ufffdworld"
    assert vocabulary.decode([Vocabulary.START, *vocabulary.encode("owl"), Vocabulary.END, 0]) == "owl"
    vocabulary.save(tmp_path / "vocabulary.json")
    assert Vocabulary.load(tmp_path / "vocabulary.json").encode("hi \U0001f600!") == ids
