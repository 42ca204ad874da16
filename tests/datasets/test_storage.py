import multiprocessing

import pytest

from datasets.storage import atomic_path


def test_the_file_appears_whole_or_not_at_all(tmp_path):
    path = tmp_path / "cache.txt"
    with pytest.raises(RuntimeError), atomic_path(path) as partial:
        partial.write_text("half")
        raise RuntimeError("crash while writing")
    assert list(tmp_path.iterdir()) == []  # neither the file nor its partial copy
    with atomic_path(path) as partial:
        partial.write_text("whole")
        assert not path.exists()
    assert path.read_text() == "whole" and [item.name for item in tmp_path.iterdir()] == ["cache.txt"]


def partial_name(path, queue):
    with atomic_path(path) as partial:
        queue.put(partial.name)
        partial.write_text("from another process")


def test_two_processes_write_beside_each_other_not_into_one_file(tmp_path):
    path = tmp_path / "cache.npz"
    queue = multiprocessing.get_context("spawn").Queue()
    process = multiprocessing.get_context("spawn").Process(target=partial_name, args=(path, queue))
    with atomic_path(path) as partial:
        process.start()
        other = queue.get(timeout=60)
        process.join(timeout=60)
        assert other != partial.name and other.endswith(".npz") and partial.name.endswith(".npz")
        partial.write_text("from this process")
    assert process.exitcode == 0 and path.read_text() == "from this process"  # the last to finish wins, whole
