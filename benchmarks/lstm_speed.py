"""Speed of `ExplicitLSTM` against `keras.layers.LSTM`, side by side.

In one process and one backend, for each shape (batch, time, features, units):
both layers get the same weights; a training step (`train_on_batch`) and a
forward pass (`predict_on_batch`) of each are timed warm, interleaved
(custom, built-in, custom, built-in...), and the median of the repeats is
reported with the ratio explicit / built-in (below 1: the explicit layer is
faster). The floor is the time of the bare matrix products one pass must do
(one input projection plus `time` dependent recurrent products, compiled):
no LSTM can beat it on this machine.

    python -m benchmarks.lstm_speed --backend tensorflow
    python -m benchmarks.lstm_speed --backend jax --json bench.json
"""

import argparse
import json
import os
import statistics
import sys
import time

# (batch, time, features, units): the issue's reference shape and the demos' shapes.
SHAPES = [(64, 100, 64, 256), (64, 40, 40, 128), (128, 64, 80, 256), (64, 60, 5, 64)]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["tensorflow", "jax"], default=os.environ.get("KERAS_BACKEND", "tensorflow"),
                        help="Keras backend to measure (one process per backend)")
    parser.add_argument("--repeats", type=int, default=15, help="timed calls per layer and pass (median taken)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed calls per layer and pass before timing")
    parser.add_argument("--shapes", default=None,
                        help="comma-separated BxTxFxU shapes, e.g. 64x100x64x256 (default: the four standard ones)")
    parser.add_argument("--json", default=None, help="also write the rows to this JSON file")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random inputs and weights")
    return parser.parse_args(argv)


def parse_shapes(text):
    if not text:
        return SHAPES
    try:
        return [tuple(int(n) for n in item.lower().split("x")) for item in text.split(",")]
    except ValueError:
        raise SystemExit(f"error: --shapes must look like 64x100x64x256, got {text!r}") from None


def build_pair(batch, time_steps, features, units):
    """A built-in and an explicit one-layer model with the same weights, compiled alike."""
    import keras

    from custom_layers import ExplicitLSTM

    models = []
    for layer_class in (ExplicitLSTM, keras.layers.LSTM):
        inputs = keras.Input((time_steps, features), batch_size=batch)
        model = keras.Model(inputs, layer_class(units)(inputs))
        model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
        models.append(model)
    models[0].set_weights(models[1].get_weights())
    return models


def time_interleaved(functions, repeats, warmup):
    """Median seconds per call of each function, calls interleaved round-robin."""
    for function in functions:
        for _ in range(warmup):
            function()
    samples = [[] for _ in functions]
    for _ in range(repeats):
        for function, times in zip(functions, samples):
            start = time.perf_counter()
            function()
            times.append(time.perf_counter() - start)
    return [statistics.median(times) for times in samples]


def matmul_floor(batch, time_steps, features, units, repeats, warmup):
    """Seconds of the bare products of one forward pass and of one training step."""
    import keras
    import numpy as np
    from keras import ops

    rng = np.random.default_rng(0)
    x = rng.normal(size=(batch * time_steps, features)).astype("float32")
    kernel = rng.normal(size=(features, 4 * units)).astype("float32") * 0.1
    recurrent_kernel = rng.normal(size=(units, 4 * units)).astype("float32") * 0.05
    h0 = np.zeros((batch, units), "float32")

    def products(kernel, recurrent_kernel):
        projection = ops.matmul(x, kernel)
        h = ops.fori_loop(0, time_steps, lambda _, h: ops.matmul(h, recurrent_kernel)[:, :units] + 1.0, h0)
        return ops.sum(projection) + ops.sum(h)

    forward, train = _compile_with_gradient(products, keras.backend.backend())
    return time_interleaved(
        [lambda: forward(kernel, recurrent_kernel), lambda: train(kernel, recurrent_kernel)], repeats, warmup
    )


def _compile_with_gradient(function, backend):
    """`function` and its gradient, compiled the way Keras compiles train steps."""
    if backend == "jax":
        import jax

        forward = jax.jit(function)
        train = jax.jit(jax.value_and_grad(function, argnums=(0, 1)))
        return (lambda *a: forward(*a).block_until_ready()), (lambda *a: jax.block_until_ready(train(*a)))
    import tensorflow as tf

    @tf.function
    def train(kernel, recurrent_kernel):
        with tf.GradientTape() as tape:
            tape.watch([kernel, recurrent_kernel])
            value = function(kernel, recurrent_kernel)
        return value, tape.gradient(value, [kernel, recurrent_kernel])

    forward = tf.function(function)
    return (lambda *a: forward(*a).numpy()), (lambda *a: train(*a)[0].numpy())


def measure(shape, repeats, warmup, seed):
    import numpy as np

    batch, time_steps, features, units = shape
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, time_steps, features)).astype("float32")
    y = rng.normal(size=(batch, units)).astype("float32")
    explicit, builtin = build_pair(*shape)
    train_seconds = time_interleaved(
        [lambda: explicit.train_on_batch(x, y), lambda: builtin.train_on_batch(x, y)], repeats, warmup
    )
    forward_seconds = time_interleaved(
        [lambda: explicit.predict_on_batch(x), lambda: builtin.predict_on_batch(x)], repeats, warmup
    )
    floor_forward, floor_train = matmul_floor(*shape, repeats, warmup)
    return {
        "shape": "x".join(map(str, shape)),
        "train_ms_explicit": 1e3 * train_seconds[0],
        "train_ms_builtin": 1e3 * train_seconds[1],
        "train_ratio": train_seconds[0] / train_seconds[1],
        "train_ms_floor": 1e3 * floor_train,
        "forward_ms_explicit": 1e3 * forward_seconds[0],
        "forward_ms_builtin": 1e3 * forward_seconds[1],
        "forward_ratio": forward_seconds[0] / forward_seconds[1],
        "forward_ms_floor": 1e3 * floor_forward,
    }


def format_rows(rows, backend):
    headers = ["backend", "B x T x F -> U", "pass", "explicit ms", "built-in ms", "ratio", "floor ms",
               "explicit/floor", "built-in/floor"]
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for row in rows:
        for kind in ("train", "forward"):
            explicit, builtin, floor = (row[f"{kind}_ms_{name}"] for name in ("explicit", "builtin", "floor"))
            cells = [backend, row["shape"], kind, f"{explicit:.1f}", f"{builtin:.1f}", f"{row[f'{kind}_ratio']:.2f}",
                     f"{floor:.1f}", f"{explicit / floor:.1f}x", f"{builtin / floor:.1f}x"]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None):
    args = parse_args(argv)
    os.environ["KERAS_BACKEND"] = args.backend
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if "keras" in sys.modules and sys.modules["keras"].backend.backend() != args.backend:
        raise SystemExit(f"error: keras is already imported with another backend than {args.backend}")
    import keras

    keras.utils.set_random_seed(args.seed)
    rows = []
    for shape in parse_shapes(args.shapes):
        rows.append(measure(shape, args.repeats, args.warmup, args.seed))
        print(f"measured {rows[-1]['shape']}", file=sys.stderr, flush=True)
    print(format_rows(rows, args.backend))
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"backend": args.backend, "keras": keras.__version__, "rows": rows}, handle, indent=2)
    return rows


if __name__ == "__main__":
    main()
