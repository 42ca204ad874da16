"""Starting the framework quietly: what a command prints is its own."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Seven models, each tracing its predict function once: TensorFlow's hint about retracing comes after five.
SCRIPT = """
import numpy as np
from demos.startup import import_keras
keras = import_keras()
for width in range(1, 8):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(width)])
    model.predict_on_batch(np.zeros((2, 3), "float32"))
print("done")
"""


def test_the_backends_python_warnings_stay_hidden():
    environment = {name: value for name, value in os.environ.items() if name != "TF_CPP_MIN_LOG_LEVEL"}
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=environment, cwd=ROOT,
                          check=True)
    assert (done.stdout, done.stderr) == ("done\n", "")
