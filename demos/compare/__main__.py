"""`python -m demos.compare`: every demo trained with both LSTM layers, side by side.

For each app, the built-in `keras.layers.LSTM` is trained first, then the
explicit `ExplicitLSTM` from the same initial weights, data and seed (dropout
off). The report gives each layer's quality metric next to the demo's
baseline, the seconds per epoch and their ratio, how far the two models'
outputs differ, and the rows of `benchmarks/lstm_speed.py`.

    python -m demos.compare --quick
    python -m demos.compare --apps chat,stocks --seed 1 --out runs/compare/mine
"""

import argparse

from demos.common import (
    HelpFormatter,
    Stopwatch,
    add_settings_arguments,
    new_run_dir,
    run_cli,
    settings_from_args,
)
from demos.compare import runner
from demos.compare.report import tables, write_report
from demos.compare.settings import Settings

FLAGS = {
    "apps": "demos to compare, comma-separated (speech needs $FSDD_DIR, the Keras cache or a download)",
    "quick": "fewer epochs, a smaller chat model and two benchmark shapes: a few minutes in all",
    "seed": "seed of every training run",
    "benchmark": "also time the shapes of benchmarks/lstm_speed.py",
    "out": "report folder; None: runs/compare/<time>-quick or <time>-full",
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m demos.compare", description=__doc__, formatter_class=HelpFormatter)
    add_settings_arguments(parser, Settings(), FLAGS)
    return parser.parse_args(argv)


def main(argv=None):
    settings = settings_from_args(Settings, parse_args(argv))
    apps_settings = {app: runner.demo_settings(app, settings) for app in runner.parse_apps(settings.apps)}
    out_dir = new_run_dir("compare", "quick" if settings.quick else "full", settings.out)
    plan = (runner.QUICK_BENCHMARK if settings.quick else runner.FULL_BENCHMARK) if settings.benchmark else None
    with Stopwatch() as watch:
        report = runner.run(apps_settings, out_dir, plan, settings.seed)
    report["total_seconds"] = watch.seconds
    write_report(report, out_dir, settings)
    print(tables(report))
    print(f"total {watch.seconds:.0f} s; report in {out_dir / 'report.md'}")
    return report


if __name__ == "__main__":
    run_cli(main)
