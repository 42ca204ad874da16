"""Spoken-digit recognition on the Free Spoken Digit Dataset, with the explicit LSTM.

Commands:
  train    learn the digits from FSDD; evaluate on the official test split
           (takes 0-4) or on held-out speakers (--test-speakers)
  predict  the digit said in a WAV file (any sample rate and length)
  explain  the LSTM's gates over a recording, under its spectrogram

Examples:
  python -m demos.speech train
  python -m demos.speech train --layer builtin --test-speakers theo
  python -m demos.speech predict my_seven.wav --top 3
  python -m demos.speech explain my_seven.wav --out seven.png
"""

import argparse
import warnings

from demos.common import (
    HelpFormatter,
    add_settings_arguments,
    format_table,
    run_cli,
    settings_from_args,
)
from demos.speech.settings import Settings

TRAIN_FLAGS = {
    "data_dir": "folder of FSDD WAV files; if not given: $FSDD_DIR, the Keras cache, else a download",
    "layer": "LSTM implementation: custom (ExplicitLSTM) or builtin (keras.layers.LSTM)",
    "epochs": "most epochs; early stopping on the validation part may end sooner",
    "test_speakers": "comma-separated speakers held out as the test set, e.g. theo; if not given: the official split",
    "seed": "random seed of data shuffling and weight initialization",
    "out": "run folder; if not given: runs/speech/<time>-<layer>",
    "features": "mfcc (13 MFCCs with deltas and delta-deltas) or logmel (log-mel spectrogram)",
    "n_mels": "mel bands",
    "n_mfcc": "cepstral coefficients before deltas (with --features mfcc)",
    "n_fft": "analysis window in samples at 8 kHz",
    "hop_length": "samples between frames at 8 kHz",
    "trim_db": "cut leading and trailing audio this many dB below the peak",
    "cache_dir": "folder of cached features",
    "units": "LSTM units per direction",
    "dropout": "dropout before the classifier",
    "batch_size": "utterances per training step",
    "learning_rate": "Adam's learning rate",
    "patience": "epochs without a better validation loss before stopping",
    "validation_fraction": "part of the training set held out for early stopping",
}


def main(argv=None):
    warnings.formatwarning = lambda message, *args, **kwargs: f"warning: {message}\n"
    args = build_parser().parse_args(argv)
    args.command(args)


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m demos.speech", description=__doc__, formatter_class=HelpFormatter)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    train = commands.add_parser("train", help="train and evaluate a model", formatter_class=HelpFormatter)
    add_settings_arguments(train, Settings(), TRAIN_FLAGS)
    train.set_defaults(command=train_command)
    for name, function, help_text in (
        ("predict", predict_command, "the digit said in an audio file"),
        ("explain", explain_command, "draw the LSTM gates over an audio file"),
    ):
        command = commands.add_parser(name, help=help_text, formatter_class=HelpFormatter)
        command.add_argument("file", metavar="FILE.wav", help="audio file (any sample rate, mono or stereo)")
        command.add_argument("--model", help="run folder of `train` or its model.keras; if not given: the latest run")
        command.set_defaults(command=function)
    commands.choices["predict"].add_argument("--top", type=int, default=3, help="how many digits to list")
    commands.choices["explain"].add_argument("--out", help="PNG to write; if not given: gates-<file>.png in the run folder")
    return parser


def train_command(args):
    from demos.speech.training import train

    result = train(settings_from_args(Settings, args))
    metrics = result.metrics
    rows = [
        (f"{metrics['layer']} LSTM", f"{metrics['test_accuracy']:.2%}", metrics["test_count"]),
        ("baseline: logistic regression", f"{metrics['baseline_test_accuracy']:.2%}", metrics["test_count"]),
    ]
    print(f"\nsplit: {metrics['split']}; {metrics['epochs']} epochs in {metrics['train_seconds']:.0f} s")
    print(format_table(rows, ["model", "test accuracy", "test utterances"]))
    if metrics["skipped_files"]:
        print(f"{len(metrics['skipped_files'])} bad files skipped")
    print(f"run folder: {result.run_dir}")


def predict_command(args):
    from demos.speech.prediction import load_run, predict_file

    ranking = predict_file(load_run(args.model), args.file, args.top)
    print(format_table(ranking, ["digit", "probability"]))


def explain_command(args):
    from demos.speech.explain import explain_file
    from demos.speech.prediction import load_run

    path, digit, probability = explain_file(load_run(args.model), args.file, args.out)
    print(f"digit {digit} ({probability:.1%}); gate trace: {path}")


if __name__ == "__main__":
    run_cli(main)
