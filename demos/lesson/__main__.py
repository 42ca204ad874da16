"""`python -m demos.lesson`: what each gate of an LSTM does, measured on models trained here.

Writes one self-contained page, DIR/index.html (images embedded, nothing
loaded from outside), and DIR/lesson.json with every figure the page shows:

  1. why gates: a plain RNN against the LSTM on a long-lag recall task,
     their input gradients, and the LSTM with its forget gate held at 0;
  2. one real step of the speech model computed by hand for three units;
  3. three common confusions about h_t and C_t, measured on the speech,
     chat and stock models;
  4. what holding each gate at a constant costs each of them
     (`custom_layers.intervene`);
  5. chat units whose cell state follows something a reader can name.

The demo models are the latest runs under --runs (trained with the explicit
or the built-in LSTM); a demo without one is trained first, into DIR/models/.

    python -m demos.lesson --quick
    python -m demos.lesson --out runs/lesson/full --seed 1
"""

import argparse
import dataclasses

from demos import cli, runs, startup
from demos.lesson.settings import Settings

FLAGS = {
    "quick": "small models, a shorter memory task and fewer traced samples: about 10 minutes",
    "lags": "lags k of the recall task (section 1), comma-separated, increasing",
    "memory_units": "units of the plain RNN and of the LSTM in section 1",
    "train_count": "training sequences per lag in section 1",
    "test_count": "test sequences per lag in section 1 (a separate draw)",
    "memory_epochs": "most epochs per lag and model in section 1 (stops once solved on validation)",
    "gradient_lag": "lag whose input gradients are drawn in section 1 (the nearest of --lags)",
    "runs": "folder whose <app>/ subfolders hold the trained demo runs to look into",
    "chat_sample": "training replies traced in the chat model (sections 3 and 5)",
    "speech_sample": "test recordings traced in the speech model (section 3)",
    "stocks_sample": "test windows traced in the stock model (section 3), spread over the test period",
    "seed": "seed of the tasks, the weights and the samples",
    "out": "folder of index.html and lesson.json; if not given: runs/lesson/<time>",
}


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m demos.lesson", description=__doc__,
                                     formatter_class=cli.HelpFormatter)
    cli.add_settings_arguments(parser, Settings(), FLAGS)
    parser.add_argument("--verbose", action="store_true", help="also show the framework's start-up logs")
    parser.set_defaults(run=lesson)
    return parser


def lesson(args):
    from demos.lesson.building import build_lesson, check_settings
    from demos.lesson.settings import resolved

    settings = resolved(cli.settings_from_args(Settings, args))
    check_settings(settings)  # a bad flag stops before any folder is made
    out_dir = runs.new_run_dir("lesson", "quick" if settings.quick else "full", settings.out)
    runs.write_json(out_dir / "settings.json", dataclasses.asdict(settings))
    with runs.Stopwatch() as watch:
        build_lesson(settings, out_dir)
    print(f"lesson written to {out_dir / 'index.html'} in {watch.seconds:.0f} s")


def main(argv=None):
    return cli.run_cli(build_parser(), argv, prepare=startup.prepare_devices)


if __name__ == "__main__":
    main()
