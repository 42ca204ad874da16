"""Spoken-digit recognition on the Free Spoken Digit Dataset: `python -m demos.speech --help`."""
