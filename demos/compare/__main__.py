"""`python -m demos.compare`: every demo trained with both LSTM layers, side by side.

For each app and seed, every layer of --layers is trained on the same data in
the same order (dropout off); the explicit `ExplicitLSTM` (custom) starts from
the built-in `keras.layers.LSTM`'s initial weights. The report gives each
layer's quality metric (mean and spread over the seeds) next to the demo's
baseline, its parameters, the seconds of the first epoch (graph tracing and
compilation) and of the later ones with their ratio to custom, and how far the
built-in and explicit models' outputs differ.

    python -m demos.compare --quick
    python -m demos.compare --apps chat,stocks --seed 1 --out runs/compare/mine
    python -m demos.compare --quick --layers builtin,custom,peephole,coupled,layernorm,slstm,chrono --seeds 0,1,2
"""

import argparse

from demos.cli import HelpFormatter, add_settings_arguments, run_cli, settings_from_args
from demos.compare.settings import Settings
from demos.startup import prepare_devices

FLAGS = {
    "apps": "demos to compare, comma-separated (speech needs $FSDD_DIR, the Keras cache or a download)",
    "quick": "fewer epochs and a smaller chat model: a few minutes in all",
    "layers": "LSTM layers to train, comma-separated: builtin, custom, peephole, coupled, layernorm, slstm, chrono",
    "seed": "seed of every training run",
    "seeds": "several seeds, comma-separated (e.g. 0,1,2): mean and spread of each layer's quality; empty: --seed",
    "distribute": "train every run data-parallel over the local devices (the global batch is split; the learning "
    "rate is unchanged)",
    "cpu_devices": "split the CPU into this many virtual devices first, to run --distribute without accelerators",
    "out": "report folder; if not given: runs/compare/<time>-quick or <time>-full",
}


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m demos.compare", description=__doc__, formatter_class=HelpFormatter)
    add_settings_arguments(parser, Settings(), FLAGS)
    parser.add_argument("--verbose", action="store_true", help="also show the framework's start-up logs")
    parser.set_defaults(run=compare)
    return parser


def compare(args):
    from demos.cli import parse_layers
    from demos.compare import runner
    from demos.compare.report import tables, write_report
    from demos.runs import Stopwatch, new_run_dir

    settings = settings_from_args(Settings, args)
    apps_settings = {app: runner.demo_settings(app, settings) for app in runner.parse_apps(settings.apps)}
    layers, seeds = parse_layers(settings.layers), runner.parse_seeds(settings.seeds, settings.seed)
    out_dir = new_run_dir("compare", "quick" if settings.quick else "full", settings.out)
    with Stopwatch() as watch:
        report = runner.run(apps_settings, out_dir, layers, seeds)
    report["total_seconds"] = watch.seconds
    write_report(report, out_dir, settings)
    print(tables(report))
    print(f"total {watch.seconds:.0f} s; report in {out_dir / 'report.md'}")
    return report


def main(argv=None):
    return run_cli(build_parser(), argv, prepare=prepare_devices)


if __name__ == "__main__":
    main()
