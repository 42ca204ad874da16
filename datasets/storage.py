"""Where data sets are cached, and how files are written so that a crash never leaves half a file."""

import contextlib
import os
from pathlib import Path


def keras_home():
    """Keras' cache folder: `$KERAS_HOME`, else `~/.keras` (`~` expanded in both)."""
    return Path(os.environ.get("KERAS_HOME", "~/.keras")).expanduser()


def cache_dir(name):
    """`<keras home>/datasets/<name>`, where `keras.utils.get_file` keeps data set `name`."""
    return keras_home() / "datasets" / name


@contextlib.contextmanager
def atomic_path(path):
    """Yields a temporary path beside `path` to write to; it becomes `path` only if the block succeeds.

    The temporary name keeps the suffix, so writers that add or check one
    (`model.save`, `np.savez`) accept it, and names the process, so that two
    commands writing the same cache entry at once do not write into one file.
    """
    path = Path(path)
    partial = path.with_name(f"{path.stem}.partial-{os.getpid()}{path.suffix}")
    try:
        yield partial
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
