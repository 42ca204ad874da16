"""Training the chat models: stateful streams of conversation text, a checkpoint each epoch, then the measures.

The conversation model learns the large corpus (DailyDialog). When small
corpora are read beside it (the chatterbot corpus and the persona) and
`memory_epochs` is above 0, a second, smaller model learns them by heart
afterwards (`MEMORY_SETTINGS`); `prediction.ReplyWriter` sends each message
to the model that finds it likelier. Last, the reply ranker (`ranker`), a
word-level dual encoder, learns which reply answers which conversation;
with `ranker_context` it learns first, and the conversation model reads its
vector of the conversation so far beside each character.
"""

import dataclasses
import json
import math
import time
from pathlib import Path

import keras

from datasets.storage import atomic_path
from demos import cli, plots, runs, startup
from demos.chat.data import prepare_data
from demos.chat.evaluation import bits_per_char, evaluate_run
from demos.chat.features import PairBatches, StreamBatches, evaluation_batches
from demos.chat.model import (
    averages_weights,
    build_memory_model,
    build_model,
    compile_model,
    copy_averaged_weights,
    copy_weights,
)
from demos.chat.prediction import MEMORY_FILE, VOCABULARY_FILE, save_words
from demos.chat.ranker import RANKER_FILE, load_ranker, train_ranker
from demos.chat.settings import APP, MEMORY_MESSAGE_WEIGHT, MEMORY_SETTINGS, PRECISIONS
from demos.cli import check_layer

CHECKPOINT = "checkpoint.keras"  # the stateful training model with its optimizer, after the last whole epoch
PROGRESS = "checkpoint.json"  # the epochs done, the history and the seconds of each
MEMORY_PREFIX = "memory-"  # the memory model's checkpoint files: memory-checkpoint.keras, memory-checkpoint.json
BFLOAT16_FLAGS = ("avx512_bf16", "amx_bf16")  # CPU flags (/proc/cpuinfo) of bfloat16 matrix instructions


def check_settings(settings):
    """Raises `cli.CLIError` for settings no run can use."""
    check_layer(settings.layer)
    cli.check_ranges(
        settings,
        at_least_one=("epochs", "batch_size", "sequence_length", "units", "embedding_dim", "max_reply_chars",
                      "max_context_chars", "memory_units", "ranker_units", "ranker_turns"),
        fractions=("dropout", "prompt_noise", "weight_average", "warmup"),
        open_fractions=("validation_fraction", "adam_beta2"),
        positive=("learning_rate",),
        not_negative=("match_sample", "recall_sample", "max_training_pairs", "weight_decay", "small_corpus_repeats",
                      "memory_epochs", "reply_beam", "ranker_epochs"),
    )
    cli.check_choice("precision", settings.precision, PRECISIONS)
    if settings.distribute:
        raise cli.CLIError("--distribute: the chat model trains stateful streams, which one device must carry")


def resolve_precision(name, cpuinfo="/proc/cpuinfo", backend=None):
    """The dtype policy `name` stands for: "auto" is mixed_bfloat16 on TensorFlow where the CPU has bfloat16 instructions.

    Elsewhere "auto" is float32: without such a flag (or a readable
    `cpuinfo`) bfloat16 would be emulated, and JAX (`backend`, the Keras
    backend by default) ran at half its float32 speed in bfloat16 here.
    """
    if name != "auto":
        return name
    if (backend or keras.backend.backend()) != "tensorflow":
        return "float32"
    try:
        flags = set(Path(cpuinfo).read_text().split())
    except OSError:
        return "float32"
    return "mixed_bfloat16" if flags.intersection(BFLOAT16_FLAGS) else "float32"


def train(settings, initial_weights=None, resume=False):
    """Trains on the training conversations; measures on the held-out ones and the hand-written sets; saves the run.

    `resume` continues the run in `settings.out` from its last checkpoint.
    """
    check_settings(settings)
    settings = dataclasses.replace(settings, precision=resolve_precision(settings.precision))  # saved as resolved
    startup.set_seed(settings.seed)
    corpus = prepare_data(settings)
    print(f"corpus: {corpus.source}", flush=True)
    batches = StreamBatches(corpus.vocabulary, corpus.training, corpus.repeated, settings)
    if not len(batches):
        raise cli.CLIError(f"the training text is too short for --batch-size {settings.batch_size} streams of "
                           f"--sequence-length {settings.sequence_length} characters: lower either")
    memory_settings, memory_data = memory_batches(corpus, settings)
    run_dir = runs.new_run_dir(APP, settings.layer, settings.out)
    reads_context = settings.ranker_context and settings.ranker_epochs > 0
    ranker, ranker_seconds = context_ranker(corpus, settings, run_dir, resume) if reads_context else (None, 0.0)
    vectors = ranker and ranker.turn_vectors  # the conversation model's context (None: it reads none)
    with runs.Stopwatch() as reading:
        if vectors:
            batches.use_vectors(vectors(corpus.training + corpus.repeated))
            startup.set_seed(settings.seed)  # the conversation model starts from the same weights with or without it
    validation = evaluation_batches(corpus.vocabulary, corpus.validation,
                                    vectors=vectors and vectors(corpus.validation.conversations))
    if not resume:
        corpus.vocabulary.save(run_dir / VOCABULARY_FILE)
        normalizer, recited = (None, None) if memory_data is None else (memory_data.normalizer, corpus.memory_replies)
        save_words(run_dir, corpus.lexicon, normalizer, recited)
        runs.write_settings(run_dir, settings)
    context = ranker.units if vectors else 0
    model = build_model(settings, len(corpus.vocabulary), batch_size=settings.batch_size, dtype=settings.precision,
                        context_units=context)
    initial_weights = runs.start_from(model, initial_weights)
    compile_model(model, settings, steps=settings.epochs * len(batches))
    scorer = build_model(settings, len(corpus.vocabulary), context_units=context)
    model, progress = fit_model(model, scorer, batches, validation, settings, run_dir, resume,
                                start={"ranker_seconds": ranker_seconds})
    copy_averaged_weights(model, scorer)
    runs.save_model(scorer, run_dir / cli.MODEL_FILE)
    plots.plot_history(progress["history"], run_dir / "history.png", title="chat: training text and validation "
                        "replies, bits per character")
    memory, memory_progress = train_memory(memory_settings, memory_data, run_dir, resume)
    if not reads_context:
        ranker, ranker_seconds = train_ranker(corpus, settings, run_dir)
    metrics = {"app": APP, "layer": settings.layer, "backend": keras.backend.backend(), "devices": 1,
               "epochs": settings.epochs, "precision": settings.precision,
               "train_seconds": sum(progress["epoch_seconds"]) + sum(memory_progress["epoch_seconds"]) + ranker_seconds
               + reading.seconds, "context_vector_seconds": reading.seconds,
               "epoch_seconds": progress["epoch_seconds"], "history": progress["history"],
               "characters_per_epoch": len(batches) * settings.batch_size * settings.sequence_length,
               "memory_train_seconds": sum(memory_progress["epoch_seconds"]),
               "memory_history": memory_progress["history"], "ranker_train_seconds": ranker_seconds}
    metrics.update(evaluate_run(scorer, corpus, settings, run_dir, memory=memory, ranker=ranker))
    runs.write_json(run_dir / "metrics.json", metrics)
    sample = validation[0][0][:8] if validation else None
    return runs.TrainResult(metrics, scorer, initial_weights, sample, run_dir)


def context_ranker(corpus, settings, run_dir, resume):
    """(ranker, seconds of training) whose vectors the conversation model reads: trained first, or when resuming
    the one the run trained (its seconds kept in the checkpoint's progress)."""
    if resume and (run_dir / PROGRESS).is_file() and (run_dir / RANKER_FILE).is_file():
        return load_ranker(run_dir), runs.read_json(run_dir / PROGRESS).get("ranker_seconds", 0.0)
    return train_ranker(corpus, settings, run_dir)


def fit_model(model, scorer, batches, validation, settings, run_dir, resume, prefix="", start=None):
    """(model, progress): `model` trained on `batches` (`fit`), from its checkpoint when resuming.

    The checkpoint files are named with `prefix`; the memory model
    (`prefix` MEMORY_PREFIX) starts afresh when the run stopped before it began.
    `start` adds keys to a new run's progress (kept with each checkpoint).
    """
    progress = {"epochs_done": 0, "history": {"loss": [], "bits_per_char": [], "val_bits_per_char": []},
                "epoch_seconds": [], **(start or {})}
    if resume and (not prefix or (run_dir / f"{prefix}{PROGRESS}").is_file()):
        model, progress = load_checkpoint(run_dir, prefix)
    fit(model, scorer, batches, validation, settings, run_dir, progress, prefix)
    return model, progress


def memory_batches(corpus, settings):
    """(settings, `PairBatches`) of the memory model, or (None, None) when there is none to train."""
    if not corpus.repeated or not settings.memory_epochs:
        return None, None
    memory_settings = dataclasses.replace(settings, units=settings.memory_units, epochs=settings.memory_epochs,
                                          **MEMORY_SETTINGS)
    return memory_settings, PairBatches(corpus.vocabulary, corpus.chatterbot_pairs, memory_settings,
                                        corpus.memory_normalizer)


def train_memory(settings, batches, run_dir, resume):
    """(memory model or None, its progress): the small corpora learnt by heart, saved as `prediction.MEMORY_FILE`."""
    if batches is None:
        return None, {"history": {}, "epoch_seconds": []}
    print(f"memory model: the chatterbot corpus and the persona, {settings.epochs} passes", flush=True)
    startup.set_seed(settings.seed)  # the same weights whether or not the run was resumed
    memory = build_memory_model(settings, len(batches.vocabulary), dtype=settings.precision)
    compile_model(memory, settings, settings.epochs * len(batches), loss_weights=[MEMORY_MESSAGE_WEIGHT, 1.0])
    memory, progress = fit_model(memory, None, batches, [], settings, run_dir, resume, prefix=MEMORY_PREFIX)
    memory = copy_averaged_weights(memory, build_memory_model(settings, len(batches.vocabulary)))  # read in float32
    runs.save_model(memory, run_dir / MEMORY_FILE)
    return memory, progress


def fit(model, scorer, batches, validation, settings, run_dir, progress, prefix=""):
    """Epochs from `progress["epochs_done"]` on: a progress bar on a terminal, one line per epoch in a log.

    The states are reset at each epoch's start; after each epoch the
    validation replies (if any) are measured and a checkpoint written.
    """
    verbosity = cli.progress_verbosity()
    for epoch in range(progress["epochs_done"], settings.epochs):
        start = time.perf_counter()
        batches.set_epoch(epoch)
        reset_states(model)
        print(f"Epoch {epoch + 1}/{settings.epochs}", end="\n" if verbosity == 1 else ": ", flush=True)
        bar = keras.utils.Progbar(len(batches), stateful_metrics=["val_bits_per_char"], verbose=verbosity)
        total = 0.0
        for step in range(len(batches)):
            loss = float(model.train_on_batch(*batches[step], return_dict=True)["loss"])
            total += loss
            bar.update(step + 1, [("loss", loss)], finalize=False)
        seconds = time.perf_counter() - start  # the training alone; measuring and saving apart
        progress["history"]["loss"].append(total / len(batches))
        progress["history"]["bits_per_char"].append(total / len(batches) / math.log(2))
        progress["epoch_seconds"].append(seconds)
        progress["epochs_done"] = epoch + 1
        if validation:
            measure_validation(model, scorer, validation, progress["history"])
            bar.update(len(batches), [("val_bits_per_char", progress["history"]["val_bits_per_char"][-1])])
        else:
            bar.update(len(batches), [])
        save_checkpoint(model, run_dir, progress, prefix)


def measure_validation(model, scorer, validation, history):
    """Appends the validation replies' bits per character (of the averaged weights, and of the last where averaged)."""
    history["val_bits_per_char"].append(bits_per_char(copy_averaged_weights(model, scorer), validation))
    if averages_weights(model):
        last = bits_per_char(copy_weights(model, scorer), validation)
        history.setdefault("val_bits_per_char_last_step", []).append(last)


def reset_states(model):
    for layer in model.layers:
        if getattr(layer, "stateful", False):
            layer.reset_states()


def save_checkpoint(model, run_dir, progress, prefix=""):
    runs.save_model(model, run_dir / f"{prefix}{CHECKPOINT}")
    with atomic_path(run_dir / f"{prefix}{PROGRESS}") as partial:
        partial.write_text(json.dumps(progress) + "\n")


def load_checkpoint(run_dir, prefix=""):
    """The training model and the progress saved after the last whole epoch of `run_dir`."""
    checkpoint, progress = run_dir / f"{prefix}{CHECKPOINT}", run_dir / f"{prefix}{PROGRESS}"
    if not checkpoint.is_file() or not progress.is_file():
        raise cli.CLIError(f"--resume: no checkpoint in {run_dir} (it is written after each whole epoch)")
    return runs.load_model(checkpoint), runs.read_json(progress)
