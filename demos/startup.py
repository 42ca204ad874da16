"""Starting the framework: Keras and its backend imported quietly, devices split, seeds set."""

import importlib.util
import logging
import os
import sys

from demos.distribution import split_cpu


def prepare_devices(args):
    """Imports Keras; with `--cpu-devices N`, splits the CPU first (JAX) or before the runtime starts (TensorFlow)."""
    count = getattr(args, "cpu_devices", 0)
    jax_first = os.environ.get("KERAS_BACKEND", "tensorflow") == "jax"  # JAX reads its flags when it is imported
    if count and jax_first:
        split_cpu(count)
    import_keras(verbose=args.verbose)
    if count and not jax_first:
        split_cpu(count)


def import_keras(verbose=False):
    """Imports Keras (and its backend); unless `verbose`, the backend's start-up lines stay hidden.

    TensorFlow writes some of them from C++ before its own log level applies,
    so standard error is silenced while it loads; its Python warnings (such
    as a hint that a predict function was traced again for a new shape) are
    kept below errors.
    """
    if "keras" in sys.modules or verbose:
        import keras

        return keras
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.stderr.flush()
    saved, null = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    try:
        import keras

        if keras.backend.backend() != "tensorflow" and importlib.util.find_spec("tensorflow"):
            import tensorflow  # noqa: F401  (Keras' data utilities load it later on any backend: quietly now)
    finally:
        os.dup2(saved, 2)
        os.close(null)
        os.close(saved)
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    return keras


def set_seed(seed):
    """Seeds Python, NumPy and the backend; TensorFlow ops are made deterministic."""
    import keras

    keras.utils.set_random_seed(seed)
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
