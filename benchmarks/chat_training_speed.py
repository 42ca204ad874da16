"""How fast the chat trainer reads characters, and how much it learns per CPU minute.

Each configuration trains in a fresh process for `--minutes` on the default
corpus (the first epoch's stream), then reports its characters per second
(after `--warmup` untimed steps) and the bits per character of a fixed
sample of validation replies (`--validation-conversations`). Configurations
run one after another (never two at once: on a small CPU they would slow
each other down).

    python -m benchmarks.chat_training_speed
    python -m benchmarks.chat_training_speed --configs "384,64,0.004,jax;512,128,0.002,tensorflow" --minutes 5
"""

import argparse
import json
import os
import subprocess
import sys
import time

DEFAULT_CONFIGS = "384,128,0.004,jax;384,128,0.004,tensorflow;256,128,0.004,jax;512,128,0.002,jax"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.chat_training_speed", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--configs", default=DEFAULT_CONFIGS,
                        help="configurations separated by ';', each units,batch size,learning rate,backend[,precision] "
                        "(precision: float32, the default, mixed_bfloat16, or auto as `train --precision auto`)")
    parser.add_argument("--minutes", type=float, default=4.0, help="training time of each configuration")
    parser.add_argument("--sequence-length", type=int, default=64, help="characters per stream and step")
    parser.add_argument("--warmup", type=int, default=5, help="untimed steps first (compilation)")
    parser.add_argument("--validation-conversations", type=int, default=200,
                        help="held-out conversations whose replies are measured at the end")
    parser.add_argument("--seed", type=int, default=0, help="seed of the weights and the data order")
    parser.add_argument("--one", default=None, help=argparse.SUPPRESS)  # internal: run one configuration
    return parser.parse_args(argv)


BACKENDS = ("tensorflow", "jax")
PRECISIONS = ("float32", "mixed_bfloat16", "auto")


def parse_config(text):
    """(units, batch size, learning rate, backend, precision) of one `--configs` entry; ValueError if malformed."""
    fields = text.split(",")
    if len(fields) not in (4, 5):
        raise ValueError(f"{text!r} is not units,batch size,learning rate,backend[,precision]")
    units, batch_size, learning_rate, backend, *precision = (field.strip() for field in fields)
    precision = precision[0] if precision else "float32"
    if backend not in BACKENDS or precision not in PRECISIONS:
        raise ValueError(f"{text!r}: the backend is one of {', '.join(BACKENDS)}, the precision one of "
                         f"{', '.join(PRECISIONS)}")
    try:
        return int(units), int(batch_size), float(learning_rate), backend, precision
    except ValueError:
        raise ValueError(f"{text!r}: units and batch size are whole numbers, the learning rate a number") from None


def run_one(config, args):
    """Trains one configuration for `args.minutes`; prints a JSON line of its figures."""
    from demos.startup import import_keras, set_seed

    import_keras()
    from demos.chat.data import prepare_data
    from demos.chat.evaluation import bits_per_char
    from demos.chat.features import StreamBatches, evaluation_batches
    from demos.chat.model import build_model, compile_model, copy_weights
    from demos.chat.settings import Settings
    from demos.chat.training import resolve_precision

    units, batch_size, learning_rate, _, precision = parse_config(config)
    settings = Settings(units=units, batch_size=batch_size, learning_rate=learning_rate,
                        sequence_length=args.sequence_length, seed=args.seed, precision=resolve_precision(precision))
    set_seed(settings.seed)
    corpus = prepare_data(settings, announce=lambda line: None)
    batches = StreamBatches(corpus.vocabulary, corpus.training, corpus.repeated, settings)
    held = corpus.validation._replace(conversations=corpus.validation.conversations[: args.validation_conversations],
                                      scored=corpus.validation.scored[: args.validation_conversations])
    model = build_model(settings, len(corpus.vocabulary), batch_size=settings.batch_size, dtype=settings.precision)
    compile_model(model, settings, steps=len(batches))  # one epoch's cosine: the schedule of a short run
    for step in range(args.warmup):
        model.train_on_batch(*batches[step])
    start, step = time.perf_counter(), args.warmup
    while time.perf_counter() - start < 60 * args.minutes and step < len(batches):
        model.train_on_batch(*batches[step])
        step += 1
    seconds = time.perf_counter() - start
    characters = (step - args.warmup) * settings.batch_size * settings.sequence_length
    scorer = copy_weights(model, build_model(settings, len(corpus.vocabulary)))
    print(json.dumps({"config": config, "characters_per_second": characters / seconds,
                      "characters": characters + args.warmup * settings.batch_size * settings.sequence_length,
                      "validation_bits_per_char": bits_per_char(scorer, evaluation_batches(corpus.vocabulary, held))}))


def main(argv=None):
    args = parse_args(argv)
    if args.one:
        return run_one(args.one, args)
    configs = args.configs.split(";")
    try:
        backends = [parse_config(config)[3] for config in configs]
    except ValueError as error:
        raise SystemExit(f"error: --configs: {error}") from None
    rows = []
    for config, backend in zip(configs, backends, strict=True):
        command = [sys.executable, "-m", "benchmarks.chat_training_speed", "--one", config,
                   "--minutes", str(args.minutes), "--sequence-length", str(args.sequence_length),
                   "--warmup", str(args.warmup), "--validation-conversations", str(args.validation_conversations),
                   "--seed", str(args.seed)]
        output = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "KERAS_BACKEND": backend})
        lines = [line for line in output.stdout.splitlines() if line.startswith("{")]
        if output.returncode or not lines:
            print(f"{config}: failed\n{output.stderr[-2000:]}", file=sys.stderr)
            continue
        rows.append(json.loads(lines[-1]))
        print(f"{config}: {rows[-1]['characters_per_second']:.0f} characters/s, "
              f"{rows[-1]['characters'] / 1e6:.2f} M characters in {args.minutes:g} min, "
              f"validation {rows[-1]['validation_bits_per_char']:.3f} bits/char", flush=True)


if __name__ == "__main__":
    main()
