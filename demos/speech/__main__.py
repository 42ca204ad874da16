"""Spoken-digit recognition on the Free Spoken Digit Dataset, with the explicit LSTM.

Commands:
  train    learn the digits from FSDD; evaluate on the official test split
           (takes 0-4) or on held-out speakers (--test-speakers)
  loso     leave-one-speaker-out: six folds, each speaker in turn never heard
  predict  the digit(s) said in audio files or folders (any sample rate, mono or stereo, silence
           or room noise around; several digits are split on the silences between them)
  explain  the LSTM's gates over a recording, under its spectrogram

Examples:
  python -m demos.speech train
  python -m demos.speech train --layer builtin --test-speakers theo
  python -m demos.speech loso --normalize utterance
  python -m demos.speech predict my_seven.wav --top 3
  python -m demos.speech predict recordings/
  python -m demos.speech explain my_seven.wav --out seven.png
"""

from demos import cli, plots, startup
from demos.speech.settings import APP, Settings

WORST_NON_DIGITS = 5  # kinds of non-digit that `loso` names, those answered as a digit most often

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
    "normalize": "global: scale features by the training frames' statistics; utterance: also remove each "
    "utterance's own mean and spread first (CMVN); speaker: remove each speaker's, over all their recordings (a "
    "held-out speaker's too, without labels; predict uses the file's own)",
    "spec_augment": "training only: mask a random run of up to this share of frames and a band of up to this "
    "share of features in each utterance (0: off)",
    "augment_copies": "training only: add this many perturbed copies of each training recording (speed, pitch, "
    "microphone, noise; computed once, cached); 0: none",
    "speed_range": "copies: change the speed (tempo, pitch and formants together) by up to this share",
    "pitch_range": "copies: shift the pitch by up to this many semitones, keeping the duration (0: off)",
    "eq_db": "copies: pass them through another microphone: a random spectral tilt and a peak or dip of up to "
    "this many dB (0: off)",
    "noise_snr": "copies: add white noise at a signal-to-noise ratio from this to 40 dB (0: no noise)",
    "vtlp": "copies: warp the frequency axis by a factor within this share of 1, as a longer or shorter vocal "
    "tract would (0: off)",
    "room": "copies: share put in a random room (reverberation, telephone band, clipping, noise at 5-30 dB SNR, up "
    "to 2 s of silence), then cut to their speech as predict cuts a recording",
    "room_swing": "copies in a room: share whose noise swells and fades by up to 10 dB either way, 1-4 times a "
    "second (0: the noise steady; 0.3 for recordings with noise that comes and goes: README, Results)",
    "other_room_swing": "with --ensemble 2 or more: --room-swing for the classifiers after the first, which then "
    "train on copies of their own (made once, cached): the first hears steady noise, the second noise that swells "
    "and fades, and their average answers well in both (README, Results; equal to --room-swing: the same copies)",
    "synth_voices": "training only: espeak-ng voices drawn to say the digits, beside every flite and festival voice "
    "(synthesized once, cached; 0: none)",
    "synth_takes": "takes of each digit per synthesized voice (flite and festival voices: 5 times as many), each "
    "perturbed once like a copy (0: no synthesized voices)",
    "no_digit_share": "training only: 'no digit' examples per digit example: other words in the synthesized voices, "
    "noise, tones, clicks, near silence (0: none)",
    "minimal_pairs": "training only: of the 'no digit' words, this many words one phoneme away from each digit word "
    "('sun', 'fun' beside 'one'; the commonest first, up to 12)",
    "near_miss_share": "training only: 'no digit' near misses per digit example: a training digit joined to part of "
    "another digit of the same voice, or reversed (0: none)",
    "near_miss_kinds": "the near misses made, in turn, comma-separated: after (part of another digit joined after "
    "it), before, reversed, onset cut and coda cut (the digit's speech without its first or last 15-30%%, "
    "where that is a consonant)",
    "test_warp": "predict and the measures: hear each stretch also with its frequencies warped by 1 - and 1 + this "
    "(a longer and a shorter vocal tract, as --vtlp warps the copies) and average the three answers' probabilities "
    "(0: once, as it is)",
    "min_confidence": "answer 'no digit' when the likeliest digit's calibrated probability is below this (0: only "
    "when the 'no digit' class wins)",
    "cache_dir": "folder of cached features, synthesized voices and PocketSphinx answers",
    "units": "LSTM units per direction",
    "lstm_layers": "bidirectional LSTM layers, stacked (the first is the one explain draws)",
    "pooling": "what the classifier reads of the last LSTM layer: last (each direction's state after the whole "
    "recording) or mean (its outputs averaged over the recording's frames)",
    "dropout": "dropout before the classifier",
    "label_smoothing": "train towards targets with this share of each spread evenly over the 11 classes, so that "
    "no answer is learned as certain (Szegedy et al. 2016; 0: off)",
    "ensemble": "classifiers trained one after another on the same recordings (the copies as --other-room-swing "
    "says), from seeds --seed, --seed + 1, ..., and saved as one model that averages their probabilities (explain "
    "draws the first's gates)",
    "weight_average_epochs": "validate, stop early on and keep a moving average of the weights over about this "
    "many epochs of steps (Polyak averaging; 0: the weights as they are)",
    "batch_size": "utterances per training step",
    "learning_rate": "Adam's learning rate",
    "patience": "epochs without a better validation loss before stopping",
    "validation_fraction": "part of the training set held out for early stopping",
}


def build_parser():
    parser, commands = cli.demo_parser(APP, __doc__)
    train_parser = cli.add_command(commands, "train", train, "train and evaluate a model")
    cli.add_settings_arguments(train_parser, Settings(), cli.train_flags(APP, TRAIN_FLAGS))
    loso_parser = cli.add_command(commands, "loso", loso, "leave-one-speaker-out: each speaker in turn held out",
                                     description="Six folds: each trains on five speakers and tests on every "
                                     "recording of the sixth. Takes the flags of train (--test-speakers is ignored).")
    cli.add_settings_arguments(loso_parser, Settings(), cli.train_flags(APP, TRAIN_FLAGS))
    predict_parser = cli.add_command(commands, "predict", predict, "the digits said in audio files")
    predict_parser.add_argument("files", metavar="FILE", nargs="+",
                                help="audio files or folders of them (any sample rate, mono or stereo); one file "
                                "gets the likeliest digits, several get one line each and a summary")
    explain_parser = cli.add_command(commands, "explain", explain, "draw the LSTM gates over an audio file")
    explain_parser.add_argument("file", metavar="FILE.wav", help="audio file (any sample rate, mono or stereo)")
    for command in (predict_parser, explain_parser):
        cli.add_model_argument(command, APP)
    predict_parser.add_argument("--top", type=int, default=3, help="how many digits to list")
    cli.add_out_argument(explain_parser, "gates-<file>.png")
    return parser


def train(args):
    from demos.speech.training import train as train_model

    result = train_model(cli.settings_from_args(Settings, args))
    metrics = result.metrics
    rows = [
        (f"{metrics['layer']} LSTM", f"{metrics['test_accuracy']:.2%}", metrics["test_count"]),
        ("baseline: logistic regression", f"{metrics['baseline_test_accuracy']:.2%}", metrics["test_count"]),
    ]
    epochs = metrics["member_epochs"]
    classifiers = f" ({len(epochs)} classifiers)" if len(epochs) > 1 else ""
    print(f"\nsplit: {metrics['split']}; {' + '.join(map(str, epochs))} epochs{classifiers} in "
          f"{metrics['train_seconds']:.0f} s")
    print(plots.format_table(rows, ["model", "test accuracy", "test utterances"]))
    if metrics["skipped_files"]:
        print(f"{len(metrics['skipped_files'])} bad files skipped")
    print(f"run folder: {result.run_dir}")


def loso(args):
    from demos.speech.loso import leave_one_speaker_out

    summary, run_dir = leave_one_speaker_out(cli.settings_from_args(Settings, args))
    rows = [(speaker, f"{fold['test_accuracy']:.2%}", f"{fold['baseline_test_accuracy']:.2%}", fold["test_count"])
            for speaker, fold in summary["folds"].items()]
    rows += [("mean", f"{summary['mean_accuracy']:.2%}", f"{summary['baseline_mean_accuracy']:.2%}", ""),
             ("worst", f"{summary['worst_accuracy']:.2%}", f"{summary['baseline_worst_accuracy']:.2%}", "")]
    print(plots.format_table(rows, ["held-out speaker", f"{args.layer} LSTM", "baseline", "recordings"]))
    worst = [f"{kind} {row['false_accept_rate']:.0%} (as {next(iter(row['answered']))})"
             for kind, row in list(summary["false_accepts_by_kind"].items())[:WORST_NON_DIGITS]
             if row["answered"]]
    if worst:
        print(f"non-digits answered as a digit most often: {', '.join(worst)}")
    print(f"{summary['total_seconds']:.0f} s; loso.json and confusion.png in {run_dir}")


def predict(args):
    from demos.speech.part import NO_DIGIT, class_name
    from demos.speech.prediction import (
        audio_files,
        check_top,
        load_speech_run,
        min_confidence,
        stretch_class,
        stretches,
    )

    check_top(args.top)
    files = audio_files(args.files)
    run = load_speech_run(args.model)
    if len(files) == 1:
        print_stretches(run, stretches(run, files[0]), args.top)
        return
    counts, threshold = {"digits": 0, "no digit": 0, "unreadable": 0}, min_confidence(run)
    for path in files:
        try:
            classes = [stretch_class(p, threshold) for _, _, p in stretches(run, path)]
            heard = [class_name(c) for c in classes if c != NO_DIGIT]
        except cli.CLIError as error:
            print(f"{path}: error: {error}")
            counts["unreadable"] += 1
            continue
        print(f"{path}: {' '.join(heard) if heard else 'no digit'}")
        counts["digits" if heard else "no digit"] += 1
    print(f"{len(files)} files: {counts['digits']} with digits, {counts['no digit']} with no digit, "
          f"{counts['unreadable']} unreadable")


def print_stretches(run, found, top):
    """One stretch: its likeliest classes; several: each with its time span and answer."""
    from demos.speech.part import class_name
    from demos.speech.prediction import min_confidence, stretch_class, top_digits

    if not found:
        print("no digit: no stretch of sound stands out from the noise")
        return
    if len(found) == 1:
        rows = [(class_name(digit), p) for digit, p in top_digits(found[0][2], top)]
        print(plots.format_table(rows, ["digit", "probability"]))
        return
    threshold = min_confidence(run)
    classes = [stretch_class(p, threshold) for _, _, p in found]
    rows = [(f"{start:.2f}-{end:.2f} s", class_name(c), f"{p[c]:.1%}") for (start, end, p), c in zip(found, classes)]
    print(f"{len(found)} stretches of sound, split on silence:" if any(row[1] == "no digit" for row in rows)
          else f"{len(found)} digits, split on silence:")
    print(plots.format_table(rows, ["when", "digit", "probability"]))


def explain(args):
    from demos.speech.explain import explain_file
    from demos.speech.part import NO_DIGIT
    from demos.speech.prediction import load_speech_run

    path, digit, probability, _ = explain_file(load_speech_run(args.model), args.file, args.out)
    answer = "no digit" if digit == NO_DIGIT else f"digit {digit}"
    print(f"{answer} ({probability:.1%}); gate trace: {path}")


def main(argv=None):
    return cli.run_cli(build_parser(), argv, prepare=startup.prepare_devices)


if __name__ == "__main__":
    main()
