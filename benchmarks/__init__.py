"""Speed benchmarks: scripts, never timed tests."""
