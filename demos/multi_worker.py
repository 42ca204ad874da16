"""One process of a training spread over several processes or machines (data-parallel).

Start the same command on every machine, each with its own `--process-id`;
all of them name the first machine's address as `--coordinator`:

    KERAS_BACKEND=jax python -m demos.multi_worker --coordinator 10.0.0.1:1234 --processes 2 --process-id 0
    KERAS_BACKEND=jax python -m demos.multi_worker --coordinator 10.0.0.1:1234 --processes 2 --process-id 1

On JAX, `keras.distribution.initialize` joins the processes, and a
`keras.distribution.DataParallel` over every device of every process trains
one model: each process feeds its own share of each global batch. On
TensorFlow, set `TF_CONFIG` on each worker instead; `tf.distribute`'s
`MultiWorkerMirroredStrategy` takes it (see the README for what Keras 3.15
does with it). The model is the one-layer `ExplicitLSTM` regressor of the
tests, on seeded random data: a check that the cluster trains as one.
"""

import argparse
import os

import numpy as np

from demos import cli, runs, startup

GLOBAL_BATCH = 8  # rows per step, over all processes


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m demos.multi_worker", description=__doc__,
                                     formatter_class=cli.HelpFormatter)
    parser.add_argument("--coordinator", default="127.0.0.1:12345", help="HOST:PORT of process 0 (JAX)")
    parser.add_argument("--processes", type=int, default=2, help="how many processes train together (JAX)")
    parser.add_argument("--process-id", type=int, default=0, help="this process's rank, 0 .. processes - 1 (JAX)")
    parser.add_argument("--epochs", type=int, default=2, help="passes over the data")
    parser.add_argument("--seed", type=int, default=0, help="seed of the data and the weights")
    parser.add_argument("--out", default=None, help="JSON file for the final weights and losses")
    parser.add_argument("--verbose", action="store_true", help="also show the framework's start-up logs")
    parser.set_defaults(run=run)
    return parser


def run(args):
    import keras

    from custom_layers import ExplicitLSTM

    if not 0 <= args.process_id < args.processes:
        raise cli.CLIError(f"--process-id must be in 0..{args.processes - 1}, got {args.process_id}")
    x, y = shard(args)
    keras.utils.set_random_seed(args.seed)
    with distribution_scope(args) as replicas:
        model = keras.Sequential([keras.Input((6, 3)), ExplicitLSTM(4), keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
        history = model.fit(x, y, batch_size=len(x) // 2, epochs=args.epochs, verbose=0, shuffle=False)
    result = {"replicas": replicas, "loss": history.history["loss"],
              "weights": [np.asarray(w).tolist() for w in model.get_weights()]}
    print(f"process {args.process_id}: {replicas} replicas, loss per epoch {result['loss']}")
    if args.out:
        runs.write_json(args.out, result)


def shard(args):
    """This process's rows of two global batches of seeded random data."""
    rng = np.random.default_rng(args.seed)
    x, y = rng.normal(size=(2 * GLOBAL_BATCH, 6, 3)).astype("float32"), rng.normal(size=(2 * GLOBAL_BATCH, 1))
    if os.environ.get("KERAS_BACKEND") != "jax":
        return x, y.astype("float32")  # tf.distribute shards the data itself
    share = GLOBAL_BATCH // args.processes
    rows = np.concatenate([np.arange(step * GLOBAL_BATCH + args.process_id * share,
                                     step * GLOBAL_BATCH + (args.process_id + 1) * share) for step in range(2)])
    return x[rows], y[rows].astype("float32")


def distribution_scope(args):
    import keras

    if keras.backend.backend() != "jax":
        from demos.distribution import data_parallel

        return data_parallel(True)
    import contextlib

    import jax

    jax.config.update("jax_cpu_collectives_implementation", "gloo")  # collectives between CPU processes
    keras.distribution.initialize(args.coordinator, args.processes, args.process_id)
    distribution = keras.distribution.DataParallel(devices=keras.distribution.list_devices(), auto_shard_dataset=False)

    @contextlib.contextmanager
    def scope():
        with distribution.scope():
            yield distribution.num_model_replicas

    return scope()


def main(argv=None):
    return cli.run_cli(build_parser(), argv, prepare=startup.prepare_devices)


if __name__ == "__main__":
    main()
