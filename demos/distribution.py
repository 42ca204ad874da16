"""Data-parallel training on Keras' own engines: `tf.distribute` on TensorFlow, `keras.distribution` on JAX.

- `split_cpu(n)`: splits the CPU into `n` virtual devices, so that the
  distributed code path runs on a laptop, in the tests and in CI. It must run
  before the backend starts: on JAX it sets
  `XLA_FLAGS=--xla_force_host_platform_device_count=n` before JAX is imported,
  on TensorFlow it configures logical CPU devices before the runtime starts.
- `data_parallel(enabled)`: a context in which models are built, compiled and
  trained data-parallel over every local device (`MirroredStrategy`, or
  `keras.distribution.DataParallel`). The global batch is split across the
  devices; the learning rate is unchanged. It yields the number of devices.
- Across machines, each process sets the cluster up before it builds a model:
  on TensorFlow through `TF_CONFIG` and `MultiWorkerMirroredStrategy`, on JAX
  through `keras.distribution.initialize` (see the README's "Training on
  several GPUs or machines").
"""

import contextlib
import functools
import os
import sys

from demos.cli import CLIError

MULTI_WORKER_VARIABLE = "TF_CONFIG"  # set: TensorFlow trains with MultiWorkerMirroredStrategy


def split_cpu(count):
    """Splits the CPU into `count` virtual devices; a `CLIError` if it is too late or `count` is bad."""
    if count < 1:
        raise CLIError(f"--cpu-devices must be at least 1, got {count}")
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    if backend == "jax":
        if "jax" in sys.modules:
            import jax

            if jax.device_count("cpu") != count:
                raise CLIError("--cpu-devices comes too late: JAX has started already with "
                               f"{jax.device_count('cpu')} CPU device(s)")
            return
        flags = os.environ.get("XLA_FLAGS", "")
        os.environ["XLA_FLAGS"] = f"{flags} --xla_force_host_platform_device_count={count}".strip()
        return
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * count)
    except RuntimeError:
        if len(tf.config.list_logical_devices("CPU")) != count:
            raise CLIError("--cpu-devices comes too late: TensorFlow has started already") from None


@contextlib.contextmanager
def data_parallel(enabled=True):
    """Builds, compiles and trains inside: data-parallel over the local devices if `enabled`. Yields their count."""
    import keras

    if not enabled:
        yield 1
        return
    if keras.backend.backend() == "jax":
        distribution = keras.distribution.DataParallel()
        with distribution.scope():
            yield distribution.num_model_replicas
        return
    if keras.backend.backend() != "tensorflow":
        raise CLIError(f"--distribute runs on TensorFlow or JAX, not {keras.backend.backend()}")
    strategy = _tensorflow_strategy()
    with strategy.scope():
        yield strategy.num_replicas_in_sync


@functools.cache
def _tensorflow_strategy():
    """One strategy per process: TensorFlow's collectives go wrong when several are made."""
    import tensorflow as tf

    if MULTI_WORKER_VARIABLE in os.environ:
        return tf.distribute.MultiWorkerMirroredStrategy()
    devices = tf.config.list_logical_devices("GPU") or tf.config.list_logical_devices("CPU")
    return tf.distribute.MirroredStrategy([device.name for device in devices])


def device_count(enabled=True):
    """How many devices `data_parallel(enabled)` trains on."""
    import keras

    if not enabled:
        return 1
    if keras.backend.backend() == "jax":
        return len(keras.distribution.list_devices())
    return _tensorflow_strategy().num_replicas_in_sync


def check_batch(batch_size, distribute):
    """A global batch must split evenly across the devices: checked before a run starts."""
    check_split(batch_size, device_count(distribute))


def check_split(batch_size, devices):
    if batch_size % devices:
        raise CLIError(f"--batch-size {batch_size} does not split across {devices} devices: use a multiple of {devices}")


def single_device_copy(model, devices):
    """`model` itself on one device; else a plain copy with its weights, for evaluating, saving and explaining.

    Outside data parallelism every batch size works, so the evaluation sees
    every held-out item.
    """
    if devices == 1:
        return model
    import keras

    copy = keras.models.clone_model(model)
    copy.set_weights(model.get_weights())
    return copy


def trim_to_devices(arrays, devices):
    """Arrays cut to a multiple of `devices` rows (from the start), so that every batch splits evenly."""
    keep = len(arrays[0]) - len(arrays[0]) % devices
    return tuple(array[:keep] for array in arrays)
