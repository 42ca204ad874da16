"""A model with `ExplicitLSTM` saved to `.keras` loads in a new process with identical predictions."""

import os
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest
from lstm_testing import FEATURES, TIME, UNITS, random_inputs, randomize_weights

from custom_layers import ExplicitLSTM

REPOSITORY = Path(__file__).resolve().parents[2]

LOAD_AND_PREDICT = """
import sys
import keras
import numpy as np
import custom_layers

folder = sys.argv[1]
model = keras.saving.load_model(f"{folder}/m.keras")
print(keras.backend.backend(), type(model.layers[1]).__name__, type(model.layers[2].forward_layer).__name__)
inputs = np.load(f"{folder}/inputs.npy")
np.save(f"{folder}/predictions.npy", keras.ops.convert_to_numpy(model(inputs, training=False)))
"""


def saved_model_folder(folder):
    """Saves a masked two-layer ExplicitLSTM model, its inputs and its predictions."""
    model = keras.Sequential(
        [
            keras.Input((TIME, FEATURES)),
            keras.layers.Masking(0.0),
            ExplicitLSTM(UNITS, return_sequences=True, dropout=0.2, go_backwards=True),
            keras.layers.Bidirectional(ExplicitLSTM(UNITS)),
            keras.layers.Dense(2),
        ]
    )
    randomize_weights(model)
    inputs = random_inputs()
    inputs[0, 5:] = 0.0  # masked steps
    model.save(folder / "m.keras")
    np.save(folder / "inputs.npy", inputs)
    np.save(folder / "expected.npy", keras.ops.convert_to_numpy(model(inputs, training=False)))
    return folder


@pytest.mark.slow
def test_saved_model_predicts_the_same_in_a_new_process(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = saved_model_folder(tmp_path)
    environment = {**os.environ, "KERAS_BACKEND": keras.backend.backend(), "TF_CPP_MIN_LOG_LEVEL": "2"}
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(REPOSITORY), environment.get("PYTHONPATH")])
    )
    result = subprocess.run(
        [sys.executable, "-c", LOAD_AND_PREDICT, str(folder)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split()[-3:] == [keras.backend.backend(), "ExplicitLSTM", "ExplicitLSTM"], (
        result.stdout
    )
    np.testing.assert_array_equal(np.load(folder / "predictions.npy"), np.load(folder / "expected.npy"))


def test_saved_model_reloads_in_this_process(tmp_path):
    folder = saved_model_folder(tmp_path)
    model = keras.saving.load_model(folder / "m.keras")
    inputs = np.load(folder / "inputs.npy")
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(model(inputs)), np.load(folder / "expected.npy"))
