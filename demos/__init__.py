"""lstm-lab demos: spoken digits, character chat, stock forecasting, and their comparison."""

import os

# Keep TensorFlow's start-up chatter out of the demos' output (errors still show).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
