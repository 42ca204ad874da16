"""Character-level chat with the explicit LSTM: `python -m demos.chat --help`."""
