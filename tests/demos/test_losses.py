"""The demos' own losses: label smoothing worked out by hand, and a model that names it loads again."""

import subprocess
import sys

import numpy as np
import pytest

from demos.losses import SmoothedCrossentropy


def test_label_smoothing_spreads_its_share_of_each_target_over_all_classes():
    probabilities = np.array([[0.7, 0.2, 0.1], [0.1, 0.6, 0.3]], "float32")
    # Smoothing 0.3 over 3 classes: the true class's target (1 - 0.3) + 0.3 / 3 = 0.8, each other class's 0.1.
    first = -(0.8 * np.log(0.7) + 0.1 * np.log(0.2) + 0.1 * np.log(0.1))
    second = -(0.1 * np.log(0.1) + 0.8 * np.log(0.6) + 0.1 * np.log(0.3))
    assert float(SmoothedCrossentropy(0.3)(np.array([0, 1]), probabilities)) == pytest.approx((first + second) / 2)
    plain = -(np.log(0.7) + np.log(0.6)) / 2  # no smoothing: the usual cross-entropy
    assert float(SmoothedCrossentropy(0.0)(np.array([[0], [1]]), probabilities)) == pytest.approx(plain, rel=1e-6)


def test_a_model_compiled_with_it_loads_in_a_process_that_never_imported_it(tmp_path):
    import keras

    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(4, activation="softmax")(inputs))
    model.compile(optimizer="adam", loss=SmoothedCrossentropy(0.2))
    model.save(tmp_path / "model.keras")
    script = ("import sys; from demos.runs import load_model; "
              "print(load_model(sys.argv[1]).loss.smoothing)")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "model.keras")], capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "0.2"
