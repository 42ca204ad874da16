"""Training the chat model, with its baseline and its measures, in one run."""

import keras

from datasets.dialogs import (
    CorpusError,
    Vocabulary,
    dialog_pairs,
    load_conversations,
    replies_by_prompt,
    split_conversations,
)
from demos.chat.baseline import KneserNey
from demos.chat.evaluation import bits_per_char, match_rate
from demos.chat.features import PairBatches, encode_pairs
from demos.chat.model import build_model, compile_model
from demos.chat.prediction import ReplyWriter
from demos.chat.settings import Settings
from demos.common import (
    CLIError,
    Stopwatch,
    TrainResult,
    load_model,
    lstm_class,
    new_run_dir,
    plot_history,
    read_json,
    save_model,
    set_seed,
    start_from,
    write_json,
    write_settings,
)

APP = "chat"
VOCABULARY_FILE = "vocabulary.json"
BASELINE_MAX_ORDER = 10


def prepare_data(settings):
    """The vocabulary, the distinct training pairs and the validation pairs of the corpus."""
    try:
        conversations = load_conversations(settings.corpus)
    except CorpusError as error:
        raise CLIError(str(error)) from None
    training, validation = split_conversations(conversations, settings.validation_fraction, settings.seed)
    if not training or not validation:
        raise CLIError(f"the corpus has {len(conversations)} conversation(s): two or more are needed to split it")
    vocabulary = Vocabulary.from_texts(turn for conversation in training for turn in conversation)
    # The corpus repeats many pairs; each distinct pair is trained on once per epoch.
    training_pairs = list(dict.fromkeys(dialog_pairs(training)))
    return vocabulary, training_pairs, dialog_pairs(validation)


def check_settings(settings):
    """Raises `CLIError` for settings no run can use."""
    lstm_class(settings.layer)
    for name in ("epochs", "batch_size", "units", "embedding_dim", "max_prompt_chars", "max_reply_chars"):
        if getattr(settings, name) < 1:
            raise CLIError(f"--{name.replace('_', '-')} must be 1 or more, got {getattr(settings, name)}")
    if settings.learning_rate <= 0 or settings.match_sample < 0:
        raise CLIError("--learning-rate must be above 0 and --match-sample 0 or more")
    if not 0 < settings.validation_fraction < 1:
        raise CLIError(f"--validation-fraction must be between 0 and 1, got {settings.validation_fraction}")
    for name in ("dropout", "label_smoothing"):
        if not 0 <= getattr(settings, name) < 1:
            raise CLIError(f"--{name.replace('_', '-')} must be in [0, 1), got {getattr(settings, name)}")


def train(settings, initial_weights=None):
    """Trains on the training conversations; measures on the validation ones; saves the run."""
    check_settings(settings)
    set_seed(settings.seed)
    vocabulary, training_pairs, validation_pairs = prepare_data(settings)
    run_dir = new_run_dir(APP, settings.layer, settings.out)
    training_data = encode_pairs(vocabulary, training_pairs, settings)
    batches = PairBatches(training_data, settings.batch_size, seed=settings.seed)
    validation_batches = PairBatches(encode_pairs(vocabulary, validation_pairs, settings), 256)
    model = build_model(len(vocabulary), settings)
    initial_weights = start_from(model, initial_weights)
    compile_model(model, settings, steps=settings.epochs * len(batches))
    with Stopwatch() as watch:
        history = fit(model, batches, validation_batches, settings.epochs)
    writer = ReplyWriter(model, vocabulary, settings.max_prompt_chars, settings.max_reply_chars)
    match_rate_value, match_prompts = match_rate(writer, training_pairs, settings.match_sample, settings.seed)
    metrics = {
        "app": APP,
        "layer": settings.layer,
        "epochs": settings.epochs,
        "train_seconds": watch.seconds,
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
    write_settings(run_dir, settings)
    write_json(run_dir / "metrics.json", metrics)
    plot_history(history, run_dir / "history.png", title="chat: loss, nats per reply character")
    save_model(model, run_dir / "model.keras")
    sample_inputs = validation_batches[0][0]
    return TrainResult(metrics, model, initial_weights, tuple(x[:8] for x in sample_inputs), run_dir)


def fit(model, batches, validation_batches, epochs):
    """Trains batch by batch with a progress bar.

    Returns the history per epoch: `loss` and `val_loss` (the training
    objective, nats per reply character, label-smoothed if asked) and
    `val_bits_per_char`.
    (`model.fit` would fix the padded lengths of all batches to those of the
    first two; here each batch keeps its own length.)
    """
    history = {"loss": [], "val_loss": [], "val_bits_per_char": []}
    for epoch in range(epochs):
        print(f"Epoch {epoch + 1}/{epochs}")
        progress = keras.utils.Progbar(len(batches), stateful_metrics=["val_loss", "val_bits_per_char"])
        losses = []
        for index in range(len(batches)):
            losses.append(float(model.train_on_batch(*batches[index])))
            progress.update(index + 1, [("loss", losses[-1])], finalize=False)
        batches.on_epoch_end()
        history["loss"].append(sum(losses) / len(losses))
        history["val_loss"].append(mean_loss(model, validation_batches))
        history["val_bits_per_char"].append(bits_per_char(model, validation_batches))
        progress.update(len(batches), [(name, history[name][-1]) for name in ("val_loss", "val_bits_per_char")])
    return history


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
        "val_bits_per_char": bits_per_char(model, PairBatches(encode_pairs(vocabulary, validation_pairs, settings), 256)),
        "baseline_val_bits_per_char": baseline_bits,
        "baseline": f"interpolated Kneser-Ney character {order}-gram (order best on validation)",
        "baseline_order": order,
        "novel_validation_pairs": len(novel_pairs),
    }
    if novel_pairs:
        novel = encode_pairs(vocabulary, novel_pairs, settings)
        scores["novel_val_bits_per_char"] = bits_per_char(model, PairBatches(novel, 256))
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


def load_writer(model_path):
    """A `ReplyWriter` for a saved run: its model, vocabulary and settings."""
    run_dir = model_path.parent
    for name in (VOCABULARY_FILE, "settings.json"):
        if not (run_dir / name).is_file():
            raise CLIError(f"{run_dir / name} is missing: pass a run folder written by `python -m demos.chat train`")
    settings = Settings(**read_json(run_dir / "settings.json"))
    vocabulary = Vocabulary.load(run_dir / VOCABULARY_FILE)
    return ReplyWriter(load_model(model_path), vocabulary, settings.max_prompt_chars, settings.max_reply_chars)
