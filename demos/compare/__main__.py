"""`python -m demos.compare`: every demo trained with both LSTM layers, side by side.

For each app, the built-in `keras.layers.LSTM` is trained first, then the
explicit `ExplicitLSTM` from the same initial weights, data and seed (dropout
off). The report gives each layer's quality metric next to the demo's
baseline, the seconds of the first epoch (graph tracing and compilation) and
of the later ones with their ratio, and how far the two models' outputs differ.

    python -m demos.compare --quick
    python -m demos.compare --apps chat,stocks --seed 1 --out runs/compare/mine
"""

import argparse

from demos.common import HelpFormatter, add_settings_arguments, run_cli, settings_from_args
from demos.compare.settings import Settings

FLAGS = {
    "apps": "demos to compare, comma-separated (speech needs $FSDD_DIR, the Keras cache or a download)",
    "quick": "fewer epochs and a smaller chat model: a few minutes in all",
    "seed": "seed of every training run",
    "out": "report folder; if not given: runs/compare/<time>-quick or <time>-full",
}


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m demos.compare", description=__doc__, formatter_class=HelpFormatter)
    add_settings_arguments(parser, Settings(), FLAGS)
    parser.add_argument("--verbose", action="store_true", help="also show the framework's start-up logs")
    parser.set_defaults(run=compare)
    return parser


def compare(args):
    from demos.common import Stopwatch, new_run_dir
    from demos.compare import runner
    from demos.compare.report import tables, write_report

    settings = settings_from_args(Settings, args)
    apps_settings = {app: runner.demo_settings(app, settings) for app in runner.parse_apps(settings.apps)}
    out_dir = new_run_dir("compare", "quick" if settings.quick else "full", settings.out)
    with Stopwatch() as watch:
        report = runner.run(apps_settings, out_dir)
    report["total_seconds"] = watch.seconds
    write_report(report, out_dir, settings)
    print(tables(report))
    print(f"total {watch.seconds:.0f} s; report in {out_dir / 'report.md'}")
    return report


def main(argv=None):
    return run_cli(build_parser(), argv)


if __name__ == "__main__":
    main()
