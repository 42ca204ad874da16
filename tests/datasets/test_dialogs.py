"""Reading dialogue corpora (chatterbot YAML, Cornell, text), splitting them, the vocabulary."""

import zipfile

import pytest

from datasets import dialogs
from datasets.dialogs import (
    CorpusError,
    Vocabulary,
    dialog_pairs,
    load_conversations,
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


CORNELL_LINES = [
    "L1 +++$+++ u0 +++$+++ m0 +++$+++ BIANCA +++$+++ Can we make this quick?",
    "L2 +++$+++ u2 +++$+++ m0 +++$+++ CAMERON +++$+++ Well, I thought we'd start with pronunciation.",
    "L3 +++$+++ u0 +++$+++ m0 +++$+++ BIANCA +++$+++ Not the hacking and gagging and spitting part.",
    "L4 +++$+++ u2 +++$+++ m0 +++$+++ CAMERON +++$+++ ",
    "L5 +++$+++ u0 +++$+++ m0 +++$+++ BIANCA +++$+++ Caf\xe9 au lait?",
    "L6 +++$+++ u2 +++$+++ m0 +++$+++ CAMERON +++$+++ Forget it.",
]
CORNELL_CONVERSATIONS = [
    "u0 +++$+++ u2 +++$+++ m0 +++$+++ ['L1', 'L2', 'L3']",
    "u0 +++$+++ u2 +++$+++ m0 +++$+++ ['L4', 'L5', 'L6']",
]


def write_cornell(folder, lines=CORNELL_LINES, conversations=CORNELL_CONVERSATIONS):
    """A small corpus in the Cornell format, Latin-1 encoded like the real one."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "movie_lines.txt").write_bytes("\n".join(lines).encode("latin-1"))
    (folder / "movie_conversations.txt").write_bytes("\n".join(conversations).encode("latin-1"))
    return folder


def test_cornell_folder_gives_conversations_in_line_order(tmp_path):
    conversations = load_conversations(write_cornell(tmp_path / "cornell"))
    assert conversations == [
        ["Can we make this quick?", "Well, I thought we'd start with pronunciation.",
         "Not the hacking and gagging and spitting part."],
        ["Caf\xe9 au lait?", "Forget it."],  # the empty line L4 is skipped
    ]
    assert dialog_pairs(conversations)[-1] == ("Caf\xe9 au lait?", "Forget it.")


def test_malformed_cornell_files_name_the_file_and_line(tmp_path):
    write_cornell(tmp_path / "a", lines=CORNELL_LINES + ["L7 +++$+++ u0 +++$+++ only three"])
    with pytest.raises(CorpusError, match=r"movie_lines.txt, line 7"):
        load_conversations(tmp_path / "a")
    write_cornell(tmp_path / "b", conversations=CORNELL_CONVERSATIONS + ["u0 +++$+++ u2 +++$+++ m0 +++$+++ []"])
    with pytest.raises(CorpusError, match=r"movie_conversations.txt, line 3"):
        load_conversations(tmp_path / "b")


def test_cornell_is_downloaded_once_into_the_keras_cache(tmp_path, monkeypatch):
    archive = tmp_path / "cornell_movie_dialogs_corpus.zip"
    source = write_cornell(tmp_path / "source")
    with zipfile.ZipFile(archive, "w") as zipped:
        for name in dialogs.CORNELL_FILES:
            zipped.write(source / name, f"cornell movie-dialogs corpus/{name}")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setattr(dialogs, "CORNELL_URL", archive.as_uri())
    folder = dialogs.download_cornell(archive.as_uri())
    assert folder.is_relative_to(tmp_path / "keras") and (folder / "movie_lines.txt").is_file()
    archive.unlink()  # a second call finds the cache and downloads nothing
    assert dialogs.download_cornell(archive.as_uri()) == folder
    assert len(load_conversations(folder)) == 2


def test_a_failed_download_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    with pytest.raises(CorpusError, match="cannot download the Cornell corpus"):
        dialogs.download_cornell((tmp_path / "missing.zip").as_uri())


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



@pytest.mark.parametrize("released, written", [
    ("Say , Jim , how about going for a few beers after dinner ?", "Say, Jim, how about going for a few beers after dinner?"),
    ("I guess you are right.But what shall we do ?", "I guess you are right. But what shall we do?"),
    ("Good.Let ' s go now .", "Good. Let's go now."),
    ("It\u2019s 5 o ' clock , isn ' t it ?", "It's 5 o'clock, isn't it?"),
    ("He is an acrobat \u3002", "He is an acrobat."),
    ("It costs $ 100 ( tax included ) .", "It costs $100 (tax included)."),
    ("The U.S. is big .", "The U.S. is big."),
])
def test_dailydialog_turns_read_as_normal_text(released, written):
    assert dialogs.clean_turn(released) == written


def test_dailydialog_folder_gives_each_split_cleaned(dailydialog_files, tmp_path):
    splits = dialogs.read_dailydialog(dailydialog_files(tmp_path))
    assert splits["train"][0] == ["Say, Jim, how about a beer?", "Good. Let's go now."]
    assert [len(splits[name]) for name in dialogs.DAILYDIALOG_SPLITS] == [2, 2, 1]
    (tmp_path / "test" / "dialogues_test.txt").unlink()
    with pytest.raises(CorpusError, match="dialogues_test.txt"):
        dialogs.read_dailydialog(tmp_path)


def test_held_out_replies_seen_in_training_are_not_scored(dailydialog_files, tmp_path):
    splits = dialogs.read_dailydialog(dailydialog_files(tmp_path))
    training = dialog_pairs(splits["train"])
    flags, removed = dialogs.unseen_replies(splits["test"], training)
    # "Hi!" -> "Hello!" is ("Hi !", "Hello .") of training once punctuation is set aside; "Hello!" -> "See you." is new.
    assert flags == [[False, False, True]] and removed == 1
    flags, removed = dialogs.unseen_replies(splits["validation"], training)
    assert flags == [[False, False], [False, True]] and removed == 1


def test_dailydialog_is_found_through_the_environment_or_the_cache(dailydialog_files, tmp_path, monkeypatch):
    dailydialog_files(tmp_path / "mine")
    monkeypatch.setenv("DAILYDIALOG_DIR", str(tmp_path / "mine"))
    assert dialogs.find_dailydialog() == tmp_path / "mine"
    monkeypatch.setenv("DAILYDIALOG_DIR", str(tmp_path / "nothing"))
    with pytest.raises(CorpusError, match="DAILYDIALOG_DIR"):
        dialogs.find_dailydialog()
    monkeypatch.delenv("DAILYDIALOG_DIR")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    assert dialogs.find_dailydialog(download=False) is None
    dailydialog_files(tmp_path / "keras" / "datasets" / "dailydialog" / "ijcnlp_dailydialog")
    assert dialogs.find_dailydialog(download=False) == tmp_path / "keras" / "datasets" / "dailydialog" / "ijcnlp_dailydialog"


def test_the_official_archive_is_downloaded_with_its_split_archives_unpacked(dailydialog_files, tmp_path, monkeypatch):
    source = dailydialog_files(tmp_path / "source")
    archive = tmp_path / "ijcnlp_dailydialog.zip"
    with zipfile.ZipFile(archive, "w") as outer:
        for split in dialogs.DAILYDIALOG_SPLITS:  # the release nests one archive per split
            inner_path = tmp_path / f"{split}.zip"
            with zipfile.ZipFile(inner_path, "w") as inner:
                inner.write(source / split / f"dialogues_{split}.txt", f"{split}/dialogues_{split}.txt")
            outer.write(inner_path, f"ijcnlp_dailydialog/{split}.zip")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.delenv("DAILYDIALOG_DIR", raising=False)
    folder = dialogs.download_dailydialog(archive.as_uri())
    assert folder.is_relative_to(tmp_path / "keras")
    assert dialogs.read_dailydialog(folder)["test"] == [["Hi!", "Hello!", "See you."]]
    assert dialogs.find_dailydialog(download=False) == folder


def test_a_failed_dailydialog_download_is_one_clear_error_and_find_gives_none(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.delenv("DAILYDIALOG_DIR", raising=False)
    with pytest.raises(CorpusError, match="cannot download DailyDialog"):
        dialogs.download_dailydialog((tmp_path / "missing.zip").as_uri())
    monkeypatch.setattr(dialogs, "DAILYDIALOG_URL", (tmp_path / "missing.zip").as_uri())
    assert dialogs.find_dailydialog() is None
