"""The chat corpus: training conversations, held-out conversations and which of their replies are scored.

Default: DailyDialog's official split (its training dialogues) with the
chatterbot corpus and the bot's persona beside it (`repeated`: learnt by
the memory model, see `training`), so the bot still knows its name and its
trivia; the held-out measures come from DailyDialog's validation and test
dialogues, where every reply whose (prompt, reply) pair occurs in training
is left unscored.
Without a local DailyDialog and without the network, the chatterbot corpus
and the persona alone, split by conversation.
"""

import random
from pathlib import Path
from typing import NamedTuple

from datasets.dialogs import (
    DAILYDIALOG,
    CorpusError,
    Vocabulary,
    dialog_pairs,
    find_dailydialog,
    load_conversations,
    read_dailydialog,
    unseen_replies,
)
from demos.chat.decoding import WordLexicon
from demos.chat.evaluation_sets import read_typed_prompts
from demos.chat.normalization import PromptNormalizer, basic_form
from demos.cli import CLIError

PERSONA = Path(__file__).parent / "corpus" / "persona.yml"  # the bot's name and tastes


class HeldOut(NamedTuple):
    conversations: list  # lists of turns
    scored: list  # scored[k][t]: turn t of conversation k is a reply never seen in training
    removed: int  # replies left unscored because training holds their (prompt, reply) pair

    @property
    def pairs(self):
        """The scored (prompt, reply) pairs."""
        return [(turns[t - 1], turns[t]) for turns, flags in zip(self.conversations, self.scored, strict=True)
                for t in range(1, len(turns)) if flags[t]]


class Corpus(NamedTuple):
    source: str  # what was read, in words
    training: list  # conversations read once per epoch
    repeated: list  # the small corpora beside the large one (chatterbot corpus, persona): the memory model's
    validation: HeldOut
    test: HeldOut
    vocabulary: Vocabulary
    lexicon: WordLexicon

    @property
    def all_training(self):
        return self.training + self.repeated

    @property
    def chatterbot_pairs(self):
        """(prompt, reply) pairs of the repeated conversations: the ones the match rates check."""
        return dialog_pairs(self.repeated) if self.repeated else dialog_pairs(self.training)

    @property
    def memory_normalizer(self):
        """The form in which the memory model reads messages: fitted to the words of its prompts."""
        return PromptNormalizer.from_prompts(prompt for prompt, _ in dialog_pairs(self.repeated))

    @property
    def memory_replies(self):
        """The replies the memory model learns by heart: the only ones it may answer with (`ReplyWriter.route`)."""
        return {reply for _, reply in dialog_pairs(self.repeated)}


def prepare_data(settings, announce=print):
    """The `Corpus` of `settings.corpus` (see the module docstring); `CLIError` for an unreadable corpus."""
    try:
        training, repeated, validation, test, source = read_corpus(settings, announce)
    except CorpusError as error:
        raise CLIError(str(error)) from None
    if not training + repeated or not validation or not test:
        raise CLIError(f"{source}: too few conversations to hold some out")
    pairs = dialog_pairs(training + repeated)
    texts = [turn for turns in training + repeated for turn in turns]
    vocabulary = Vocabulary.from_texts(texts)
    return Corpus(source, training, repeated, held_out(validation, pairs), held_out(test, pairs), vocabulary,
                  WordLexicon.from_texts(texts, vocabulary))


def held_out(conversations, training_pairs):
    scored, removed = unseen_replies(conversations, training_pairs)
    return HeldOut(conversations, scored, removed)


def read_corpus(settings, announce):
    """(training, repeated, validation, test, source) conversations of the corpus the settings name.

    `max_training_pairs` samples the training pairs: of the chatterbot corpus
    when no corpus is named (the quick runs), else of the corpus named.
    """
    if settings.corpus is None and settings.max_training_pairs:
        return own_split(load_conversations(), settings, "the chatterbot corpus")
    if settings.corpus not in (None, DAILYDIALOG) and not is_dailydialog_folder(settings.corpus):
        return own_split(load_conversations(settings.corpus), settings, str(settings.corpus))
    folder = settings.corpus if is_dailydialog_folder(settings.corpus) else find_dailydialog()
    if folder is None and settings.corpus == DAILYDIALOG:
        raise CorpusError("DailyDialog was not found and could not be downloaded: set $DAILYDIALOG_DIR to its folder")
    persona = load_conversations(PERSONA)
    if folder is None:
        announce("DailyDialog not found (no $DAILYDIALOG_DIR, no cached copy, no network): training on the "
                 "chatterbot corpus and the persona alone")
        training, _, validation, test, source = own_split(load_conversations(), settings, "the chatterbot corpus")
        return training + persona, [], validation, test, f"{source} and the persona"
    splits = read_dailydialog(folder)
    training = sample_pairs(splits["train"], settings.max_training_pairs, settings.seed)
    if settings.corpus is not None:
        return training, [], splits["validation"], splits["test"], f"DailyDialog ({folder})"
    return (training, load_conversations() + persona, splits["validation"], splits["test"],
            f"DailyDialog ({folder}), the chatterbot corpus and the persona")


def own_split(conversations, settings, source):
    """A corpus without an official split, split by conversation (`split_conversations`), its pairs sampled."""
    training, validation, test = split_conversations(conversations, settings)
    return sample_pairs(training, settings.max_training_pairs, settings.seed), [], validation, test, source


def is_dailydialog_folder(path):
    return path not in (None, DAILYDIALOG) and (Path(path) / "train" / "dialogues_train.txt").is_file()


def split_conversations(conversations, settings):
    """(training, validation, test): seeded shares of the conversations held out twice.

    Conversations holding a prompt meant by the typed-prompt set stay in
    training (that set measures typing, not new questions).
    """
    meant = {basic_form(prompt) for _, prompt in read_typed_prompts()}
    kept = [turns for turns in conversations if any(basic_form(turn) in meant for turn in turns[:-1])]
    others = [turns for turns in conversations if not any(basic_form(turn) in meant for turn in turns[:-1])]
    random.Random(settings.seed).shuffle(others)
    size = max(1, round(settings.validation_fraction * len(conversations))) if len(others) > 2 else 0
    return kept + others[2 * size :], others[:size], others[size : 2 * size]


def sample_pairs(conversations, size, seed):
    """A seeded sample of `size` distinct pairs, each a conversation of two turns, in corpus order (0: all as given)."""
    if not size:
        return conversations
    pairs = list(dict.fromkeys(dialog_pairs(conversations)))
    if size < len(pairs):
        pairs = [pairs[k] for k in sorted(random.Random(seed).sample(range(len(pairs)), size))]
    return [list(pair) for pair in pairs]
