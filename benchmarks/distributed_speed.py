"""Training throughput on 1 and on 2 virtual CPU devices (data-parallel), on the headline shape.

Each measurement runs in a fresh process (the CPU is split before the backend
starts): `model.fit` of a one-layer `ExplicitLSTM` model over 4 batches of
64 x 100 x 64 -> 256, warm, `--repeats` times. Processes alternate between 1
and 2 devices, `--processes` of each; the report gives the median samples per
second and the spread (min-max of the process medians) for each count.

    python -m benchmarks.distributed_speed --backend tensorflow
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

BATCH, TIME, FEATURES, UNITS, STEPS = 64, 100, 64, 256, 4


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m benchmarks.distributed_speed", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["tensorflow", "jax"], default=os.environ.get("KERAS_BACKEND", "tensorflow"),
                        help="Keras backend to measure")
    parser.add_argument("--processes", type=int, default=3, help="fresh processes per device count")
    parser.add_argument("--repeats", type=int, default=5, help="timed fits per process (median taken)")
    parser.add_argument("--worker", type=int, default=0, help=argparse.SUPPRESS)
    return parser


def worker(devices, repeats):
    from demos.distribution import data_parallel, split_cpu

    split_cpu(devices)
    import keras

    from custom_layers import ExplicitLSTM

    rng = np.random.default_rng(0)
    x = rng.normal(size=(BATCH * STEPS, TIME, FEATURES)).astype("float32")
    y = rng.normal(size=(BATCH * STEPS, UNITS)).astype("float32")
    with data_parallel(devices > 1):
        model = keras.Sequential([keras.Input((TIME, FEATURES)), ExplicitLSTM(UNITS)])
        model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
        model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)  # warm-up: tracing and compilation
        seconds = []
        for _ in range(repeats):
            start = time.perf_counter()
            model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=False)
            seconds.append(time.perf_counter() - start)
    print(json.dumps(len(x) / statistics.median(seconds)))


def main(argv=None):
    args = build_parser().parse_args(argv)
    os.environ["KERAS_BACKEND"] = args.backend
    if args.worker:
        return worker(args.worker, args.repeats)
    rates = {1: [], 2: []}
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    for process in range(args.processes):
        for devices in (1, 2):
            print(f"process {process + 1}/{args.processes}, {devices} device(s)...", file=sys.stderr, flush=True)
            done = subprocess.run([sys.executable, "-m", "benchmarks.distributed_speed", "--backend", args.backend,
                                   "--worker", str(devices), "--repeats", str(args.repeats)],
                                  env=environment, capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(f"error: a benchmark process failed:\n{done.stderr[-2000:]}")
            rates[devices].append(json.loads(done.stdout.strip().splitlines()[-1]))
    print("| backend | devices | samples/s (median) | spread (min-max) | ratio to 1 device |\n|---|---|---|---|---|")
    for devices, values in rates.items():
        ratio = statistics.median(values) / statistics.median(rates[1])
        print(f"| {args.backend} | {devices} | {statistics.median(values):.0f} | {min(values):.0f}-{max(values):.0f} "
              f"| {ratio:.2f} |")


if __name__ == "__main__":
    main()
