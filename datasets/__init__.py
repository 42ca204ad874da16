"""Data loaders of the lstm-lab demos: each downloads, caches and validates one data set."""
