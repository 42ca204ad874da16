"""Training the chat model, with its baseline and its measures, in one run."""

import collections
import time
from pathlib import Path

import keras
import numpy as np

from datasets.dialogs import (
    CorpusError,
    Vocabulary,
    dialog_pairs,
    load_conversations,
    replies_by_prompt,
    split_by_prompt,
)
from demos import common
from demos.chat.augmentation import add_typing_noise
from demos.chat.baseline import KneserNey
from demos.chat.decoding import WordLexicon
from demos.chat.evaluation import bits_per_char, hand_written_scores, match_rate, read_typed_prompts
from demos.chat.features import encode_pairs, encode_prompt, evaluation_batches, pair_batches
from demos.chat.model import build_model, compile_model
from demos.chat.normalization import PromptNormalizer, basic_form
from demos.chat.prediction import VOCABULARY_FILE, ReplyWriter, save_words
from demos.chat.settings import APP
from demos.distribution import check_batch, data_parallel, single_device_copy
from demos.layers import check_layer

BASELINE_MAX_ORDER = 10
PERSONA = Path(__file__).parent / "corpus" / "persona.yml"  # the bot's name and tastes, trained with the default corpus

Corpus = collections.namedtuple("Corpus", "vocabulary normalizer lexicon training_pairs validation_pairs")


def prepare_data(settings):
    """The corpus split so that no validation prompt occurs in training (after normalizing).

    The prompts meant by the typed-prompt set stay in training (that set
    measures typing, not new questions); with the default corpus, the
    persona's pairs (prompts of their own) join the training pairs after the
    split, unless a sample of them is asked for (`max_training_pairs`). The
    vocabulary, the normalizer's words and the lexicon come from the training
    pairs alone. Prompts are normalized; each distinct (prompt, reply) pair is
    trained on once per epoch (the corpus repeats many).
    """
    try:
        pairs = dialog_pairs(load_conversations(settings.corpus))
        with_persona = settings.corpus is None and not settings.max_training_pairs  # a sample is the corpus's alone
        persona = dialog_pairs(load_conversations(PERSONA)) if with_persona else []
    except CorpusError as error:
        raise common.CLIError(str(error)) from None
    typed_meant = {basic_form(meant) for _, meant in read_typed_prompts()}
    training, validation = split_by_prompt(pairs, basic_form, settings.validation_fraction, settings.seed,
                                           keep=typed_meant)
    if not training or not validation:
        raise common.CLIError(f"the corpus has {len(pairs)} pair(s) with too few distinct prompts to split")
    training = sample_pairs(list(dict.fromkeys(training)), settings.max_training_pairs, settings.seed) + persona
    normalizer = PromptNormalizer.from_prompts(prompt for prompt, _ in training)
    training_pairs = list(dict.fromkeys((normalizer(prompt), reply) for prompt, reply in training))
    vocabulary = Vocabulary.from_texts(text for pair in training_pairs for text in pair)
    lexicon = WordLexicon.from_texts([text for pair in training for text in pair], vocabulary)
    validation_pairs = [(normalizer(prompt), reply) for prompt, reply in validation]
    return Corpus(vocabulary, normalizer, lexicon, training_pairs, validation_pairs)


def sample_pairs(pairs, size, seed):
    """A seeded sample of `size` pairs in corpus order (all of them if `size` is 0)."""
    if not 0 < size < len(pairs):
        return pairs
    chosen = np.random.default_rng(seed).choice(len(pairs), size, replace=False)
    return [pairs[k] for k in sorted(chosen)]


def typing_noise(vocabulary, prompts, settings):
    """`(rows, random) -> prompt ids`: the training prompts of `rows`, with typing slips."""
    prompt_words = sorted({word for prompt in prompts for word in prompt.split()})

    def noisy_prompts(rows, random):
        return [encode_prompt(vocabulary, add_typing_noise(prompts[k], random, prompt_words, settings.prompt_noise),
                              settings.max_prompt_chars) for k in rows]

    return noisy_prompts if settings.prompt_noise else None


def check_settings(settings):
    """Raises `common.CLIError` for settings no run can use."""
    check_layer(settings.layer)
    common.check_ranges(
        settings,
        at_least_one=("epochs", "batch_size", "units", "embedding_dim", "max_prompt_chars", "max_reply_chars"),
        fractions=("dropout", "label_smoothing", "prompt_noise"),
        open_fractions=("validation_fraction",),
        positive=("learning_rate",),
        not_negative=("match_sample", "max_training_pairs", "weight_decay", "pretrain_epochs"),
    )


def train(settings, initial_weights=None):
    """Trains on the training pairs; measures on the validation pairs and the hand-written sets; saves the run."""
    check_settings(settings)
    check_batch(settings.batch_size, settings.distribute)
    common.set_seed(settings.seed)
    corpus = prepare_data(settings)
    vocabulary, training_pairs, validation_pairs = corpus.vocabulary, corpus.training_pairs, corpus.validation_pairs
    run_dir = common.new_run_dir(APP, settings.layer, settings.out)
    training_data = encode_pairs(vocabulary, training_pairs, settings)
    noise = typing_noise(vocabulary, [prompt for prompt, _ in training_pairs], settings)
    with data_parallel(settings.distribute) as devices:
        batches = pair_batches(training_data, settings.batch_size, seed=settings.seed, devices=devices,
                               noisy_prompts=noise)
        validation_batches = evaluation_batches(encode_pairs(vocabulary, validation_pairs, settings), settings,
                                                devices=devices)
        model = build_model(len(vocabulary), settings)
        initial_weights = common.start_from(model, initial_weights)
        language = language_batches(vocabulary, training_pairs, validation_pairs, settings, devices)
        pretrain_steps = settings.pretrain_epochs * len(language[0]) if language else 0
        compile_model(model, settings, steps=settings.epochs * len(batches) + pretrain_steps)
        pretrain_history, pretrain_seconds = (
            fit(model, *language, settings.pretrain_epochs, "pretraining ") if language else ({}, []))
        history, epoch_seconds = fit(model, batches, validation_batches, settings.epochs)
    model = single_device_copy(model, devices)
    writer = ReplyWriter(model, vocabulary, settings.max_prompt_chars, settings.max_reply_chars, corpus.normalizer,
                         corpus.lexicon if settings.known_words_only else None)
    match_rate_value, match_prompts = match_rate(writer, training_pairs, settings.match_sample, settings.seed)
    metrics = {
        "app": APP,
        "layer": settings.layer,
        "devices": devices,
        "epochs": settings.epochs,
        "train_seconds": sum(pretrain_seconds) + sum(epoch_seconds),
        "pretrain_seconds": sum(pretrain_seconds),
        "epoch_seconds": epoch_seconds,
        "training_pairs": len(training_pairs),
        "validation_pairs": len(validation_pairs),
        "vocabulary_size": len(vocabulary),
        **validation_scores(model, vocabulary, training_pairs, validation_pairs, settings),
        "train_prompt_match_rate": match_rate_value,
        "match_prompts": match_prompts,
        **hand_written_scores(writer, training_pairs, corpus.lexicon.words),
        "sample_replies": sample_replies(writer, training_pairs, validation_pairs),
        "history": history,
        "pretrain_history": pretrain_history,
    }
    vocabulary.save(run_dir / VOCABULARY_FILE)
    save_words(run_dir, corpus.normalizer, corpus.lexicon)
    common.write_settings(run_dir, settings, devices)
    common.write_json(run_dir / "metrics.json", metrics)
    common.plot_history(history, run_dir / "history.png", title="chat: loss, nats per reply character")
    common.save_model(model, run_dir / common.MODEL_FILE)
    sample_inputs = validation_batches[0][0]
    return common.TrainResult(metrics, model, initial_weights, tuple(x[:8] for x in sample_inputs), run_dir)


def language_batches(vocabulary, training_pairs, validation_pairs, settings, devices):
    """Training and validation batches for pretraining the decoder as a character language model.

    Every distinct training text, prompts as well as replies, is a reply to
    an empty message (the encoder then hands the decoder a zero context);
    validation measures the validation replies the same way. None without
    pretraining (`pretrain_epochs` 0).
    """
    if not settings.pretrain_epochs:
        return None
    texts = sorted({text for pair in training_pairs for text in pair})
    training = pair_batches(encode_pairs(vocabulary, [("", text) for text in texts], settings), settings.batch_size,
                            seed=settings.seed, devices=devices)
    validation = evaluation_batches(encode_pairs(vocabulary, [("", reply) for _, reply in validation_pairs], settings),
                                    settings, devices=devices)
    return training, validation


def fit(model, batches, validation_batches, epochs, stage=""):
    """Trains batch by batch: a progress bar on a terminal, one line per epoch in a log.

    Returns the history per epoch, `loss` and `val_loss` (the training
    objective, nats per reply character, label-smoothed if asked) and
    `val_bits_per_char`, and the seconds each epoch took.
    (`model.fit` would fix the padded lengths of all batches to those of the
    first two; here each batch keeps its own length.)
    """
    history = {"loss": [], "val_loss": [], "val_bits_per_char": []}
    epoch_seconds = []
    verbosity = common.progress_verbosity()
    for epoch in range(epochs):
        start = time.perf_counter()
        print(f"{stage}Epoch {epoch + 1}/{epochs}", end="\n" if verbosity == 1 else ": ", flush=True)
        progress = keras.utils.Progbar(len(batches), stateful_metrics=["val_loss", "val_bits_per_char"],
                                       verbose=verbosity)
        losses = []
        for index in range(len(batches)):
            losses.append(float(model.train_on_batch(*batches[index])))
            progress.update(index + 1, [("loss", losses[-1])], finalize=False)
        batches.on_epoch_end()
        history["loss"].append(sum(losses) / len(losses))
        history["val_loss"].append(mean_loss(model, validation_batches))
        history["val_bits_per_char"].append(bits_per_char(model, validation_batches))
        progress.update(len(batches), [(name, history[name][-1]) for name in ("val_loss", "val_bits_per_char")])
        epoch_seconds.append(time.perf_counter() - start)
    return history, epoch_seconds


def mean_loss(model, batches):
    """The training objective on `batches` (no dropout), weighted by reply characters."""
    total, count = 0.0, 0.0
    for index in range(len(batches)):
        inputs, targets, weights = batches[index]
        total += float(model.test_on_batch(inputs, targets, weights)) * weights.sum()
        count += weights.sum()
    return total / count


def validation_scores(model, vocabulary, training_pairs, validation_pairs, settings):
    """Bits per reply character of the model and of the n-gram baseline on the validation pairs
    (whose prompts, normalized, never occur in training)."""
    baseline = KneserNey(
        reply_sequences(vocabulary, training_pairs, settings), len(vocabulary), max_order=BASELINE_MAX_ORDER
    )
    order, baseline_bits = baseline.best_order(reply_sequences(vocabulary, validation_pairs, settings))
    validation = evaluation_batches(encode_pairs(vocabulary, validation_pairs, settings), settings)
    return {
        "val_bits_per_char": bits_per_char(model, validation),
        "baseline_val_bits_per_char": baseline_bits,
        "baseline": f"interpolated Kneser-Ney character {order}-gram (order best on validation)",
        "baseline_order": order,
    }


def reply_sequences(vocabulary, pairs, settings):
    """Each reply as the start symbol then its targets (`features.encode_reply`), for the baseline."""
    _, _, targets = encode_pairs(vocabulary, pairs, settings)
    return [[Vocabulary.START] + sequence for sequence in targets]


def sample_replies(writer, training_pairs, validation_pairs, count=3):
    """Greedy replies to the first few training and validation prompts: `[[message, reply], ...]`."""
    messages = [list(replies_by_prompt(pairs))[:count] for pairs in (training_pairs, validation_pairs)]
    messages = messages[0] + messages[1]
    return [[message, reply] for message, reply in zip(messages, writer.write(messages), strict=True)]
