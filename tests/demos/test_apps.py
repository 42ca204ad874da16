"""Every app registered in `demos.apps` meets the contract written in demos/README.md."""

import dataclasses
import inspect
from pathlib import Path

import pytest

from demos.apps import APPS

FILES = ("settings.py", "data.py", "model.py", "training.py", "evaluation.py", "prediction.py", "explain.py",
         "__main__.py")
SHARED_FIELDS = ("layer", "seed", "distribute", "cpu_devices", "out")


@pytest.mark.parametrize("name", list(APPS))
def test_an_app_has_the_same_file_for_each_job(name):
    folder = Path(__file__).parents[2] / "demos" / name
    assert [file for file in FILES if not (folder / file).is_file()] == []


@pytest.mark.parametrize("name", list(APPS))
def test_an_app_provides_settings_quick_settings_and_train(name):
    app = APPS[name]
    parts = app.parts()
    fields = {field.name for field in dataclasses.fields(parts.Settings)}
    assert set(SHARED_FIELDS) <= fields
    assert set(parts.QUICK_SETTINGS) <= fields and parts.QUICK_SETTINGS  # a small run changes something
    defaults = parts.Settings()
    assert defaults.layer == "custom" and defaults.distribute is False and defaults.out is None
    assert defaults.seed == 0  # one default seed for every app
    parameters = inspect.signature(parts.train).parameters
    assert list(parameters)[:2] == ["settings", "initial_weights"] and parameters["initial_weights"].default is None
    assert all(parameter.default is not inspect.Parameter.empty for parameter in list(parameters.values())[1:])
    assert list(inspect.signature(parts.check_settings).parameters) == ["settings"]
    model = inspect.getmodule(inspect.getmodule(parts.train).build_model)
    assert model.__name__ == f"demos.{name}.model"
    assert list(inspect.signature(model.build_model).parameters)[0] == "settings"
    assert app.name == name and app.quality != app.baseline and isinstance(app.higher_is_better, bool)
    assert isinstance(app.data_parallel, bool)
    assert isinstance(parts.TRACED_LAYER, str) and parts.TRACED_LAYER


def test_importing_the_registry_imports_no_app_and_no_framework():
    import subprocess
    import sys

    code = ("import sys, demos.apps; print(sorted(m for m in sys.modules if m.startswith(('demos.speech', "
            "'demos.chat', 'demos.stocks', 'keras', 'tensorflow', 'jax'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).parents[2])
    assert result.stdout.strip() == "[]"


PROGRAMS = [*APPS, "compare", "lesson", "app"]


def commands_of(parser):
    """`[]` for the program's own `--help`, then `[command]` for each of its commands."""
    import argparse

    found = [[]]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found += [[name] for name in action.choices]
    return found


@pytest.mark.parametrize("program", PROGRAMS)
def test_every_command_answers_help(program, capsys):
    import importlib

    main = importlib.import_module(f"demos.{program}.__main__")
    for command in commands_of(main.build_parser()):
        with pytest.raises(SystemExit) as exited:
            main.main([*command, "--help"])
        assert exited.value.code == 0, command
        assert "usage: python -m demos." in capsys.readouterr().out
