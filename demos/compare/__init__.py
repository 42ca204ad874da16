"""Both layers on every demo, side by side: `python -m demos.compare`."""
