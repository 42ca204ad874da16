"""Run folders: the latest of several runs, settings read back, model files written whole."""

import json
import os

import pytest

from demos import runs
from demos.cli import CLIError


def make_run(root, name, modified):
    folder = root / "runs" / "app" / name
    folder.mkdir(parents=True)
    (folder / "model.keras").write_text(name)
    os.utime(folder / "model.keras", (modified, modified))
    return folder


def test_without_model_the_most_recently_written_run_is_used(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_run(tmp_path, "b-newest-name", modified=1_000)
    newest = make_run(tmp_path, "a-oldest-name", modified=2_000)  # names sort the other way: time decides
    make_run(tmp_path, "c-middle", modified=1_500)
    assert runs.resolve_model_path("app").resolve() == (newest / "model.keras").resolve()
    assert runs.resolve_model_path("app", str(tmp_path / "runs" / "app" / "c-middle")).parent.name == "c-middle"


def test_no_run_and_a_missing_model_are_one_line_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CLIError, match="run `python -m demos.app train` first"):
        runs.resolve_model_path("app")
    with pytest.raises(CLIError, match="no model at"):
        runs.resolve_model_path("app", str(tmp_path / "absent"))


def test_a_failed_save_leaves_no_model_file(tmp_path):
    class Failing:
        def save(self, path):
            path.write_text("half")
            raise OSError("disk full")

    with pytest.raises(OSError):
        runs.save_model(Failing(), tmp_path / "model.keras")
    assert list(tmp_path.iterdir()) == []


def test_a_model_file_that_is_no_model_or_names_an_unknown_class_is_one_line(tmp_path):
    import keras

    (tmp_path / "text.keras").write_text("not a model")
    with pytest.raises(CLIError, match="cannot load model .*accessible `.keras` zip file"):
        runs.load_model(tmp_path / "text.keras")  # Keras says "File not found", then why

    @keras.saving.register_keras_serializable(package="another_project")
    class OwnLoss(keras.losses.Loss):  # as another project's saved model might name
        def call(self, y_true, y_pred):
            return keras.ops.mean(y_pred)

    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(2)(inputs))
    model.compile(loss=OwnLoss())
    model.save(tmp_path / "other.keras")
    keras.saving.get_custom_objects().pop("another_project>OwnLoss")  # this process no longer knows it
    with pytest.raises(CLIError, match="cannot load model .*OwnLoss"):
        runs.load_model(tmp_path / "other.keras")


def test_settings_keep_defaults_for_fields_the_file_lacks_and_refuse_wrong_types(tmp_path):
    import dataclasses

    @dataclasses.dataclass
    class Settings:
        units: int = 8
        rate: float = 0.5

    (tmp_path / "settings.json").write_text(json.dumps({"units": 3, "unknown": 1}))
    assert runs.read_settings(tmp_path, Settings) == Settings(units=3, rate=0.5)
    (tmp_path / "settings.json").write_text(json.dumps({"units": "three"}))
    with pytest.raises(CLIError, match="units should be like 8"):
        runs.read_settings(tmp_path, Settings)


def test_an_out_folder_that_cannot_be_made_is_one_line_and_makes_nothing(tmp_path):
    (tmp_path / "notes.txt").write_text("a file")
    for out, message in ((tmp_path / "notes.txt", "notes.txt is not a folder"),
                         (tmp_path / "notes.txt" / "run", "notes.txt is not a folder")):
        with pytest.raises(CLIError, match=message):
            runs.new_run_dir("speech", "custom", out)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.txt"]
    assert runs.new_run_dir("speech", "custom", tmp_path / "a" / "b") == tmp_path / "a" / "b"
    assert (tmp_path / "a" / "b").is_dir()
