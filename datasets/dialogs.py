"""Dialogue corpora: conversations, (prompt, reply) pairs and a character vocabulary.

A corpus is a list of conversations, each a list of turns (strings). Each two
consecutive turns of a conversation make a (prompt, reply) pair. Three formats:

- chatterbot-corpus YAML (a `.yml`/`.yaml` file, or a folder of them):
  `conversations:` holds a list of conversations, each a list of turns;
- the Cornell Movie-Dialogs Corpus (a folder holding `movie_lines.txt` and
  `movie_conversations.txt`; the name `cornell` downloads it into the Keras
  cache): about 83,000 conversations from 617 film scripts;
- plain text (any other file): one turn per line, a blank line between
  conversations.

Without a path, the English part of the `chatterbot-corpus` package is used
(about 2,000 conversations; BSD-3-Clause licence).
"""

import json
import re
from pathlib import Path

import yaml

from datasets.storage import cache_dir, keras_home

YAML_SUFFIXES = (".yml", ".yaml")
CORNELL = "cornell"  # the corpus name that downloads the Cornell Movie-Dialogs Corpus
CORNELL_URL = "https://www.cs.cornell.edu/~cristian/data/cornell_movie_dialogs_corpus.zip"
CORNELL_FILES = ("movie_lines.txt", "movie_conversations.txt")
CORNELL_SEPARATOR = " +++$+++ "


class CorpusError(ValueError):
    """A corpus file that cannot be read; the message names the file and line."""


def default_corpus_path():
    """The English YAML files of the installed `chatterbot-corpus` package."""
    import chatterbot_corpus

    return Path(chatterbot_corpus.__file__).parent / "data" / "english"


def load_conversations(path=None):
    """Reads a corpus: a YAML file, a folder of YAML files or a plain text file.

    Args:
        path: File or folder; `None` for the default English chatterbot corpus.

    Returns:
        A list of conversations, each a list of at least two turns (strings).

    Raises:
        CorpusError: The path is missing, a file is malformed (the message
            names the file and line) or there is no conversation at all.
    """
    if path == CORNELL:
        return read_cornell(download_cornell())
    path = Path(path) if path is not None else default_corpus_path()
    if path.is_dir() and all((path / name).is_file() for name in CORNELL_FILES):
        return read_cornell(path)
    if path.is_dir():
        files = sorted(file for file in path.iterdir() if file.suffix.lower() in YAML_SUFFIXES)
        if not files:
            raise CorpusError(f"{path}: no .yml or .yaml file in this folder")
    elif path.is_file():
        files = [path]
    else:
        raise CorpusError(f"{path}: no such file or folder")
    conversations = []
    for file in files:
        read = read_yaml if file.suffix.lower() in YAML_SUFFIXES else read_text
        conversations += read(file, _read_text(file))
    if not conversations:
        raise CorpusError(f"{path}: no conversation of two turns or more")
    return conversations


def _read_text(file):
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        line = file.read_bytes()[: error.start].count(b"\n") + 1
        raise CorpusError(f"{file}, line {line}: not UTF-8 text") from None


def read_yaml(file, text):
    """Conversations of a chatterbot-style YAML document (`conversations:` list of lists)."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        raise CorpusError(f"{file}{where}: not valid YAML ({getattr(error, 'problem', error)})") from None
    fields = {key.value: value for key, value in root.value if isinstance(key, yaml.ScalarNode)} if isinstance(root, yaml.MappingNode) else {}
    node = fields.get("conversations")
    if not isinstance(node, yaml.SequenceNode):
        line = (root.start_mark.line + 1) if root is not None else 1
        raise CorpusError(f"{file}, line {line}: expected a `conversations:` list of lists of turns")
    conversations = []
    for conversation in node.value:
        if isinstance(conversation, yaml.ScalarNode):
            continue  # a single turn: no (prompt, reply) pair
        if not isinstance(conversation, yaml.SequenceNode):
            raise CorpusError(f"{file}, line {conversation.start_mark.line + 1}: a conversation must be a list of turns")
        for turn in conversation.value:
            if not isinstance(turn, yaml.ScalarNode) or not turn.value.strip():
                raise CorpusError(f"{file}, line {turn.start_mark.line + 1}: a turn must be a non-empty line of text")
        if len(conversation.value) > 1:
            conversations.append([turn.value.strip() for turn in conversation.value])
    return conversations


def read_text(file, text):
    """Conversations of a plain text file: one turn per line, blank lines between conversations."""
    conversations, turns = [], []
    for line in text.splitlines() + [""]:
        if line.strip():
            turns.append(line.strip())
            continue
        if len(turns) > 1:
            conversations.append(turns)
        turns = []
    return conversations


def read_cornell(folder):
    """Conversations of the Cornell Movie-Dialogs Corpus (its files are Latin-1 text).

    `movie_lines.txt` rows are `line id +++$+++ character +++$+++ film +++$+++
    name +++$+++ text`; `movie_conversations.txt` rows end with the list of
    line ids of one conversation, in order (`['L194', 'L195']`).
    """
    folder = Path(folder)
    lines = {}
    for number, row in enumerate(_cornell_rows(folder / CORNELL_FILES[0]), 1):
        if len(row) != 5:
            raise CorpusError(f"{folder / CORNELL_FILES[0]}, line {number}: expected 5 fields separated by +++$+++")
        lines[row[0].strip()] = row[4].strip()
    conversations = []
    for number, row in enumerate(_cornell_rows(folder / CORNELL_FILES[1]), 1):
        ids = re.findall(r"L\d+", row[-1])
        if len(row) != 4 or not ids:
            raise CorpusError(f"{folder / CORNELL_FILES[1]}, line {number}: expected 4 fields, the last a list of line ids")
        turns = [lines[line_id] for line_id in ids if lines.get(line_id)]
        if len(turns) > 1:
            conversations.append(turns)
    return conversations


def _cornell_rows(file):
    text = file.read_bytes().decode("latin-1")
    return [line.split(CORNELL_SEPARATOR.strip()) for line in text.splitlines() if line.strip()]


def download_cornell(origin=CORNELL_URL):
    """The folder of the Cornell corpus in the Keras cache, downloaded and extracted the first time."""
    import keras

    found = sorted(cache_dir(CORNELL).rglob(CORNELL_FILES[0])) if cache_dir(CORNELL).is_dir() else []
    if not found:
        keras_home().mkdir(parents=True, exist_ok=True)  # get_file falls back to /tmp when it is missing
        try:
            keras.utils.get_file(CORNELL, origin, extract=True, cache_dir=keras_home())
        except Exception as error:  # get_file reports network failures as a bare Exception
            raise CorpusError(f"cannot download the Cornell corpus ({error}); pass the folder of its files") from None
        found = sorted(cache_dir(CORNELL).rglob(CORNELL_FILES[0]))
    if not found:
        raise CorpusError(f"the Cornell archive holds no {CORNELL_FILES[0]}")
    return found[0].parent


def dialog_pairs(conversations):
    """Every (turn k, turn k+1) of every conversation as a (prompt, reply) pair."""
    return [(turns[k], turns[k + 1]) for turns in conversations for k in range(len(turns) - 1)]


class Vocabulary:
    """Characters <-> integer ids, with padding, start, end and unknown symbols.

    Id 0 is padding; then the start-of-reply, end-of-reply and unknown symbols;
    then the known characters, sorted. Any other character (an emoji, a
    letter never seen in training) becomes the unknown symbol.
    """

    PADDING, START, END, UNKNOWN = 0, 1, 2, 3
    SYMBOLS = ("<pad>", "<start>", "<end>", "<unk>")

    def __init__(self, characters):
        self.characters = sorted(set(characters))
        self.index = {character: i + len(self.SYMBOLS) for i, character in enumerate(self.characters)}

    @classmethod
    def from_texts(cls, texts):
        """The vocabulary of every character that appears in `texts`."""
        return cls(set().union(*map(set, texts)))

    def __len__(self):
        return len(self.SYMBOLS) + len(self.characters)

    def encode(self, text):
        """The ids of the characters of `text` (unknown characters -> `UNKNOWN`)."""
        return [self.index.get(character, self.UNKNOWN) for character in text]

    def decode(self, ids):
        """The text of `ids`; padding, start and end are dropped, unknown shows as U+FFFD."""
        return "".join(self.token(i) for i in ids if i >= self.UNKNOWN)

    def token(self, i):
        """A printable form of one id: its character or a symbol's name (unknown: U+FFFD)."""
        if i == self.UNKNOWN:
            return "\ufffd"
        return self.SYMBOLS[i] if i < len(self.SYMBOLS) else self.characters[i - len(self.SYMBOLS)]

    def save(self, path):
        Path(path).write_text(json.dumps({"characters": "".join(self.characters)}, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path):
        return cls(json.loads(Path(path).read_text(encoding="utf-8"))["characters"])


# DailyDialog (Li et al., IJCNLP 2017): 13,118 everyday dialogues in an official split; CC BY-NC-SA 4.0.
DAILYDIALOG = "dailydialog"
DAILYDIALOG_URL = "http://yanran.li/files/ijcnlp_dailydialog.zip"
DAILYDIALOG_ENV = "DAILYDIALOG_DIR"
DAILYDIALOG_SPLITS = ("train", "validation", "test")
TURN_SEPARATOR = "__eou__"

# The release's tokenization undone: spaces before punctuation, split contractions, glued sentences.
_CLEANING = (
    (re.compile(r"[\u2018\u2019\u02bc`\uff07]"), "'"),
    (re.compile(r"[\u201c\u201d]"), '"'),
    (re.compile(r"\u3002"), "."),
    (re.compile(r"\uff0c"), ","),
    (re.compile(r"\s+'\s*(s|t|re|ve|ll|d|m)\b", re.IGNORECASE), r"'\1"),
    (re.compile(r"(\w)'\s+(s|t|re|ve|ll|d|m)\b", re.IGNORECASE), r"\1'\2"),
    (re.compile(r"\b([oO])\s*'\s*clock\b"), r"\1'clock"),
    (re.compile(r"\s+([,.?!;:%)\]])"), r"\1"),
    (re.compile(r"([(\[$])\s+"), r"\1"),
    (re.compile(r"([a-z])([.?!])([A-Z])"), r"\1\2 \3"),
    (re.compile(r"([,;])(?=[A-Za-z])"), r"\1 "),
    (re.compile(r"\s+"), " "),
)


def clean_turn(text):
    """A DailyDialog turn as people write it: "Say , Jim ?" -> "Say, Jim?"; "right.But" -> "right. But"."""
    for pattern, replacement in _CLEANING:
        text = pattern.sub(replacement, text)
    return text.strip()


def read_dailydialog(folder):
    """`{split: conversations}` of a DailyDialog folder (`<split>/dialogues_<split>.txt`), turns cleaned."""
    folder = Path(folder)
    splits = {}
    for split in DAILYDIALOG_SPLITS:
        file = folder / split / f"dialogues_{split}.txt"
        if not file.is_file():
            raise CorpusError(f"{folder}: no {split}/dialogues_{split}.txt (not a DailyDialog folder)")
        conversations = []
        for line in _read_text(file).splitlines():
            turns = [clean_turn(turn) for turn in line.split(TURN_SEPARATOR)]
            turns = [turn for turn in turns if turn]
            if len(turns) > 1:
                conversations.append(turns)
        splits[split] = conversations
    return splits


def find_dailydialog(download=True):
    """The DailyDialog folder: `$DAILYDIALOG_DIR`, the Keras cache, or (if `download`) the official archive.

    Returns None when none is there and the archive cannot be downloaded.
    """
    import os

    given = os.environ.get(DAILYDIALOG_ENV)
    if given:
        if not (Path(given) / "train").is_dir():
            raise CorpusError(f"{given} (${DAILYDIALOG_ENV}) holds no train/ folder of DailyDialog")
        return Path(given)
    cached = _cached_dailydialog()
    if cached is None and download:
        try:
            cached = download_dailydialog()
        except CorpusError:
            return None
    return cached


def _cached_dailydialog():
    folder = cache_dir(DAILYDIALOG)
    found = sorted(folder.rglob("dialogues_train.txt")) if folder.is_dir() else []
    return found[0].parent.parent if found else None


def download_dailydialog(origin=DAILYDIALOG_URL):
    """Downloads the official archive into the Keras cache and unpacks its nested split archives."""
    import zipfile

    import keras

    keras_home().mkdir(parents=True, exist_ok=True)
    try:
        keras.utils.get_file(DAILYDIALOG, origin, extract=True, cache_dir=keras_home())
    except Exception as error:  # get_file reports network failures as a bare Exception
        raise CorpusError(f"cannot download DailyDialog ({error}); set ${DAILYDIALOG_ENV} to its folder") from None
    for archive in sorted(cache_dir(DAILYDIALOG).rglob("*.zip")):
        if archive.stem in DAILYDIALOG_SPLITS and not (archive.parent / archive.stem).is_dir():
            with zipfile.ZipFile(archive) as inner:
                inner.extractall(archive.parent)
    found = _cached_dailydialog()
    if found is None:
        raise CorpusError("the DailyDialog archive holds no train/dialogues_train.txt")
    return found


def pair_key(prompt, reply):
    """A (prompt, reply) pair compared as words alone: lower case, punctuation and spacing ignored."""
    return tuple(" ".join(re.findall(r"[a-z0-9]+", text.lower().replace("'", ""))) for text in (prompt, reply))


def unseen_replies(conversations, training_pairs):
    """For each conversation, which turns are replies to score: those whose (prompt, reply) never occurs in training.

    Returns:
        (flags, removed): flags[k][t] is True when turn t (t >= 1) of
        conversation k is a held-out reply; removed counts the pairs left out
        because training holds them (compared by `pair_key`).
    """
    seen = {pair_key(prompt, reply) for prompt, reply in training_pairs}
    flags, removed = [], 0
    for turns in conversations:
        row = [False] + [pair_key(turns[t - 1], turns[t]) not in seen for t in range(1, len(turns))]
        removed += len(turns) - 1 - sum(row)
        flags.append(row)
    return flags, removed
