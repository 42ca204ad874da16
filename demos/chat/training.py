"""Training the chat model, with its baseline and its measures, in one run."""

import time

import keras

from datasets.dialogs import (
    CorpusError,
    Vocabulary,
    dialog_pairs,
    load_conversations,
    replies_by_prompt,
    split_conversations,
)
from demos import common
from demos.chat.baseline import KneserNey
from demos.chat.evaluation import bits_per_char, match_rate
from demos.chat.features import encode_pairs, evaluation_batches, pair_batches
from demos.chat.model import build_model, compile_model
from demos.chat.prediction import VOCABULARY_FILE, ReplyWriter
from demos.chat.settings import APP
from demos.distribution import check_batch, data_parallel, single_device_copy
from demos.layers import check_layer

BASELINE_MAX_ORDER = 10


def prepare_data(settings):
    """The vocabulary, the distinct training pairs and the validation pairs of the corpus."""
    try:
        conversations = load_conversations(settings.corpus)
    except CorpusError as error:
        raise common.CLIError(str(error)) from None
    training, validation = split_conversations(conversations, settings.validation_fraction, settings.seed)
    if not training or not validation:
        raise common.CLIError(f"the corpus has {len(conversations)} conversation(s): two or more are needed to split it")
    vocabulary = Vocabulary.from_texts(turn for conversation in training for turn in conversation)
    # The corpus repeats many pairs; each distinct pair is trained on once per epoch.
    training_pairs = list(dict.fromkeys(dialog_pairs(training)))
    return vocabulary, training_pairs, dialog_pairs(validation)


def check_settings(settings):
    """Raises `common.CLIError` for settings no run can use."""
    check_layer(settings.layer)
    common.check_ranges(
        settings,
        at_least_one=("epochs", "batch_size", "units", "embedding_dim", "max_prompt_chars", "max_reply_chars"),
        fractions=("dropout", "label_smoothing"),
        open_fractions=("validation_fraction",),
        positive=("learning_rate",),
    )
    if settings.match_sample < 0:
        raise common.CLIError(f"--match-sample must be 0 or more, got {settings.match_sample}")


def train(settings, initial_weights=None):
    """Trains on the training conversations; measures on the validation ones; saves the run."""
    check_settings(settings)
    check_batch(settings.batch_size, settings.distribute)
    common.set_seed(settings.seed)
    vocabulary, training_pairs, validation_pairs = prepare_data(settings)
    run_dir = common.new_run_dir(APP, settings.layer, settings.out)
    training_data = encode_pairs(vocabulary, training_pairs, settings)
    with data_parallel(settings.distribute) as devices:
        batches = pair_batches(training_data, settings.batch_size, seed=settings.seed, devices=devices)
        validation_batches = evaluation_batches(encode_pairs(vocabulary, validation_pairs, settings), settings,
                                                devices=devices)
        model = build_model(len(vocabulary), settings)
        initial_weights = common.start_from(model, initial_weights)
        compile_model(model, settings, steps=settings.epochs * len(batches))
        history, epoch_seconds = fit(model, batches, validation_batches, settings.epochs)
    model = single_device_copy(model, devices)
    writer = ReplyWriter(model, vocabulary, settings.max_prompt_chars, settings.max_reply_chars)
    match_rate_value, match_prompts = match_rate(writer, training_pairs, settings.match_sample, settings.seed)
    metrics = {
        "app": APP,
        "layer": settings.layer,
        "devices": devices,
        "epochs": settings.epochs,
        "train_seconds": sum(epoch_seconds),
        "epoch_seconds": epoch_seconds,
        "training_pairs": len(training_pairs),
        "validation_pairs": len(validation_pairs),
        "vocabulary_size": len(vocabulary),
        **validation_scores(model, vocabulary, training_pairs, validation_pairs, settings),
        "train_prompt_match_rate": match_rate_value,
        "match_prompts": match_prompts,
        "sample_replies": sample_replies(writer, training_pairs, validation_pairs),
        "history": history,
    }
    vocabulary.save(run_dir / VOCABULARY_FILE)
    common.write_settings(run_dir, settings, devices)
    common.write_json(run_dir / "metrics.json", metrics)
    common.plot_history(history, run_dir / "history.png", title="chat: loss, nats per reply character")
    common.save_model(model, run_dir / common.MODEL_FILE)
    sample_inputs = validation_batches[0][0]
    return common.TrainResult(metrics, model, initial_weights, tuple(x[:8] for x in sample_inputs), run_dir)


def fit(model, batches, validation_batches, epochs):
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
        print(f"Epoch {epoch + 1}/{epochs}", end="\n" if verbosity == 1 else ": ", flush=True)
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
    """Bits per reply character of the model and of the n-gram baseline, on all validation
    pairs and on those that do not occur in the training part."""
    seen = set(training_pairs)
    novel_pairs = [pair for pair in validation_pairs if pair not in seen]
    baseline = KneserNey(
        reply_sequences(vocabulary, training_pairs, settings), len(vocabulary), max_order=BASELINE_MAX_ORDER
    )
    order, baseline_bits = baseline.best_order(reply_sequences(vocabulary, validation_pairs, settings))
    scores = {
        "val_bits_per_char": bits_per_char(model, evaluation_batches(encode_pairs(vocabulary, validation_pairs, settings),
                                                                     settings)),
        "baseline_val_bits_per_char": baseline_bits,
        "baseline": f"interpolated Kneser-Ney character {order}-gram (order best on validation)",
        "baseline_order": order,
        "novel_validation_pairs": len(novel_pairs),
    }
    if novel_pairs:
        novel = encode_pairs(vocabulary, novel_pairs, settings)
        scores["novel_val_bits_per_char"] = bits_per_char(model, evaluation_batches(novel, settings))
        scores["baseline_novel_val_bits_per_char"] = baseline.bits_per_char(
            reply_sequences(vocabulary, novel_pairs, settings), order
        )
    return scores


def reply_sequences(vocabulary, pairs, settings):
    """Each reply as the start symbol then its targets (`features.encode_reply`), for the baseline."""
    _, _, targets = encode_pairs(vocabulary, pairs, settings)
    return [[Vocabulary.START] + sequence for sequence in targets]


def sample_replies(writer, training_pairs, validation_pairs, count=3):
    """Greedy replies to the first few training and validation prompts: `[[message, reply], ...]`."""
    messages = [list(replies_by_prompt(pairs))[:count] for pairs in (training_pairs, validation_pairs)]
    messages = messages[0] + messages[1]
    return [[message, reply] for message, reply in zip(messages, writer.write(messages), strict=True)]
