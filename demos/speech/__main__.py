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

from demos import common
from demos.speech.settings import APP, Settings

TRAIN_FLAGS = {
    "data_dir": "folder of FSDD WAV files; if not given: $FSDD_DIR, the Keras cache, else a download",
    "epochs": "most epochs; early stopping on the validation part may end sooner",
    "test_speakers": "comma-separated speakers held out as the test set, e.g. theo; if not given: the official split",
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


def build_parser():
    parser, commands = common.demo_parser(APP, __doc__)
    train_parser = common.add_command(commands, "train", train, "train and evaluate a model")
    common.add_settings_arguments(train_parser, Settings(), common.train_flags(APP, TRAIN_FLAGS))
    predict_parser = common.add_command(commands, "predict", predict, "the digit said in an audio file")
    explain_parser = common.add_command(commands, "explain", explain, "draw the LSTM gates over an audio file")
    for command in (predict_parser, explain_parser):
        command.add_argument("file", metavar="FILE.wav", help="audio file (any sample rate, mono or stereo)")
        common.add_model_argument(command, APP)
    predict_parser.add_argument("--top", type=int, default=3, help="how many digits to list")
    common.add_out_argument(explain_parser, "gates-<file>.png")
    return parser


def train(args):
    from demos.speech.training import train as train_model

    result = train_model(common.settings_from_args(Settings, args))
    metrics = result.metrics
    rows = [
        (f"{metrics['layer']} LSTM", f"{metrics['test_accuracy']:.2%}", metrics["test_count"]),
        ("baseline: logistic regression", f"{metrics['baseline_test_accuracy']:.2%}", metrics["test_count"]),
    ]
    print(f"\nsplit: {metrics['split']}; {metrics['epochs']} epochs in {metrics['train_seconds']:.0f} s")
    print(common.format_table(rows, ["model", "test accuracy", "test utterances"]))
    if metrics["skipped_files"]:
        print(f"{len(metrics['skipped_files'])} bad files skipped")
    print(f"run folder: {result.run_dir}")


def predict(args):
    from demos.speech.prediction import load_speech_run, predict_file

    ranking = predict_file(load_speech_run(args.model), args.file, args.top)
    print(common.format_table(ranking, ["digit", "probability"]))


def explain(args):
    from demos.speech.explain import explain_file
    from demos.speech.prediction import load_speech_run

    path, digit, probability, _ = explain_file(load_speech_run(args.model), args.file, args.out)
    print(f"digit {digit} ({probability:.1%}); gate trace: {path}")


def main(argv=None):
    return common.run_cli(build_parser(), argv)


if __name__ == "__main__":
    main()
