"""Training speed of the LSTM layers, measured the way people train.

Each row is a one-layer model on a shape, with a known or an unknown time
length and with or without a mask. It runs in `--processes` fresh processes;
in each, every layer gets the same weights and is timed warm and interleaved
(the order rotates each repeat), `--repeats` times, for two ways of training:
`fit` (`model.fit` over `--fit-steps` batches, compiled the default way) and
`train_on_batch`. Each repeat gives a ratio, layer / reference. A row reports
the median ratio and the interquartile range (IQR) of all ratios of all
processes, and a verdict: "faster" when even the upper quartile is below 1,
"slower" when even the lower quartile is above 1, else "within noise".

    python -m benchmarks.lstm_speed --backend tensorflow
    python -m benchmarks.lstm_speed --backend jax --rows headline --json bench.json
    python -m benchmarks.lstm_speed --layers custom,peephole --reference custom
"""

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

# name: (batch, time, features, units, known length, masked). The headline shape and the demos' own.
ROWS = {
    "headline": (64, 100, 64, 256, True, False),
    "speech": (32, 40, 39, 64, False, True),  # MFCC frames, padded and masked, length unknown
    "chat": (64, 64, 48, 256, False, True),  # embedded characters, padded and masked
    "stocks": (64, 60, 5, 64, True, False),  # windows of daily features
}
MODES = ("fit", "train_on_batch")


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m benchmarks.lstm_speed", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["tensorflow", "jax"], default=os.environ.get("KERAS_BACKEND", "tensorflow"),
                        help="Keras backend to measure (default: $KERAS_BACKEND or tensorflow)")
    parser.add_argument("--rows", default=",".join(ROWS), help=f"comma-separated rows among {','.join(ROWS)}")
    parser.add_argument("--layers", default="builtin,custom",
                        help="comma-separated layers (names of the demos' --layer) to time")
    parser.add_argument("--reference", default="builtin", help="the layer every ratio divides by")
    parser.add_argument("--processes", type=int, default=3, help="fresh processes per backend (at least 3 for a verdict)")
    parser.add_argument("--repeats", type=int, default=5, help="timed, interleaved repeats per process")
    parser.add_argument("--fit-steps", type=int, default=4, help="batches per timed `model.fit` call")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random inputs and weights")
    parser.add_argument("--json", default=None, help="also write every repeat's times and the summary to this file")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    return parser


def parse_list(text, known, flag):
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in known]
    if unknown or not names:
        raise SystemExit(f"error: {flag} takes names among {','.join(known)}, got {text!r}")
    return names


def row_data(row, seed):
    """Inputs and targets of one row; masked rows are right-padded with zeros to random lengths."""
    batch, time_steps, features, units, _, masked = ROWS[row]
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, time_steps, features)).astype("float32")
    if masked:
        lengths = rng.integers(time_steps // 2, time_steps + 1, size=batch)
        x[np.arange(time_steps)[None, :] >= lengths[:, None]] = 0.0
    return x, rng.normal(size=(batch, units)).astype("float32")


def build_models(row, layers):
    """One compiled model per layer name, all with the first one's weights."""
    import keras

    from demos.layers import lstm_class

    batch, time_steps, features, units, known, masked = ROWS[row]
    models = {}
    for name in layers:
        inputs = keras.Input((time_steps if known else None, features))
        x = keras.layers.Masking(0.0)(inputs) if masked else inputs
        model = keras.Model(inputs, lstm_class(name)(units)(x))
        model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
        models[name] = model
    first = next(iter(models.values()))
    for model in models.values():
        if model.count_params() == first.count_params():
            model.set_weights(first.get_weights())
    return models


def time_row(row, layers, repeats, fit_steps, seed):
    """Seconds per training step of each layer and mode: `{mode: {layer: [one per repeat]}}`."""
    x, y = row_data(row, seed)
    batch = len(x)
    x_fit, y_fit = np.concatenate([x] * fit_steps), np.concatenate([y] * fit_steps)
    models = build_models(row, layers)
    calls = {
        "fit": lambda model: model.fit(x_fit, y_fit, batch_size=batch, epochs=1, shuffle=False, verbose=0),
        "train_on_batch": lambda model: model.train_on_batch(x, y),
    }
    steps = {"fit": fit_steps, "train_on_batch": 1}
    for model in models.values():  # warm-up: tracing and compilation
        for call in calls.values():
            call(model)
            call(model)
    times = {mode: {name: [] for name in layers} for mode in MODES}
    for repeat in range(repeats):
        order = layers[repeat % len(layers):] + layers[:repeat % len(layers)]
        for mode in MODES:
            for name in order:
                start = time.perf_counter()
                calls[mode](models[name])
                times[mode][name].append((time.perf_counter() - start) / steps[mode])
    return times


def worker(args):
    """One process: every row, printed as one JSON line."""
    import keras

    keras.utils.set_random_seed(args.seed)
    layers = parse_list(args.layers, _layer_names(), "--layers")
    result = {row: time_row(row, layers, args.repeats, args.fit_steps, args.seed)
              for row in parse_list(args.rows, ROWS, "--rows")}
    print(json.dumps(result))


def run_workers(args):
    """Runs `--processes` workers one after the other; returns their results."""
    command = [sys.executable, "-m", "benchmarks.lstm_speed", "--worker", "--backend", args.backend,
               "--rows", args.rows, "--layers", args.layers, "--repeats", str(args.repeats),
               "--fit-steps", str(args.fit_steps), "--seed", str(args.seed)]
    environment = {**os.environ, "KERAS_BACKEND": args.backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
    results = []
    for process in range(args.processes):
        print(f"process {process + 1}/{args.processes} ({args.backend})...", file=sys.stderr, flush=True)
        done = subprocess.run(command, env=environment, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"error: a benchmark process failed:\n{done.stderr[-2000:]}")
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return results


def summarize(results, layers, reference):
    """One summary per (row, mode, layer): medians, ratio quartiles over every repeat, verdict."""
    summary = []
    for row in results[0]:
        for mode in MODES:
            reference_times = np.concatenate([np.array(r[row][mode][reference]) for r in results])
            for name in layers:
                if name == reference:
                    continue
                layer_times = np.concatenate([np.array(r[row][mode][name]) for r in results])
                q25, median, q75 = np.percentile(layer_times / reference_times, [25, 50, 75])
                verdict = "faster" if q75 < 1 else "slower" if q25 > 1 else "within noise"
                summary.append({
                    "row": row, "shape": _shape_text(row), "mode": mode, "layer": name, "reference": reference,
                    "layer_ms": 1e3 * float(np.median(layer_times)),
                    "reference_ms": 1e3 * float(np.median(reference_times)),
                    "ratio": float(median), "ratio_q25": float(q25), "ratio_q75": float(q75),
                    "samples": len(layer_times), "verdict": verdict,
                })
    return summary


def _shape_text(row):
    batch, time_steps, features, units, known, masked = ROWS[row]
    return (f"{batch}x{time_steps}x{features}x{units}" + ("" if known else ", length unknown")
            + (", masked" if masked else ""))


def format_summary(summary, backend):
    headers = ["backend", "row", "B x T x F -> U", "training", "layer", "ms", "reference ms", "ratio",
               "IQR", "verdict"]
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for item in summary:
        cells = [backend, item["row"], item["shape"], item["mode"], f"{item['layer']} / {item['reference']}",
                 f"{item['layer_ms']:.1f}", f"{item['reference_ms']:.1f}", f"{item['ratio']:.2f}",
                 f"{item['ratio_q25']:.2f}-{item['ratio_q75']:.2f}", item["verdict"]]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _layer_names():
    from demos.cli import LAYER_NAMES

    return LAYER_NAMES


def main(argv=None):
    args = build_parser().parse_args(argv)
    os.environ["KERAS_BACKEND"] = args.backend
    if args.worker:
        return worker(args)
    layers = parse_list(args.layers, _layer_names(), "--layers")
    parse_list(args.rows, ROWS, "--rows")
    if args.reference not in layers:
        layers = [args.reference, *layers]
        args.layers = ",".join(layers)
    if args.processes < 1 or args.repeats < 1 or args.fit_steps < 1:
        raise SystemExit("error: --processes, --repeats and --fit-steps must be at least 1")
    results = run_workers(args)
    summary = summarize(results, layers, args.reference)
    print(format_summary(summary, args.backend))
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"backend": args.backend, "summary": summary, "seconds": results}, handle, indent=2)
    return summary


if __name__ == "__main__":
    main()
