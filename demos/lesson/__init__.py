"""The lesson: what each gate of an LSTM does, measured on models trained here: `python -m demos.lesson --help`."""
