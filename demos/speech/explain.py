"""The gates of the first LSTM over one utterance, under its spectrogram."""

import dataclasses
from pathlib import Path

import numpy as np

from custom_layers import plot_gate_trace
from datasets import fsdd
from demos.gates import trace_model_layer
from demos.runs import output_path
from demos.speech.model import TRACED_LAYER, classifier_count
from demos.speech.part import class_name
from demos.speech.prediction import calibrated, heard_probabilities, read_signal, stretch_features
from demos.speech.segments import longest_stretch


def explain_file(run, path, out=None):
    """Draws the gate trace of `run`'s first LSTM (forward direction; of its first classifier with `--ensemble`) for
    the recording at `path` (its longest stretch of sound, as `predict` cuts it); the answer is the whole model's.

    The PNG goes to `out`, by default `gates-<file name>.png` in the run folder.

    Returns:
        `(png_path, digit, probability, trace)`.
    """
    stretch = longest_stretch(read_signal(path))  # read once: the frames, the answer and the spectrogram
    frames = stretch_features(stretch, run.settings)
    probabilities = calibrated(run, heard_probabilities(run.model, run.settings, [[stretch]]))[0]
    digit = int(probabilities.argmax())
    trace = trace_model_layer(run.model, TRACED_LAYER, frames)
    log_mel = stretch_features(stretch, dataclasses.replace(run.settings, features="logmel"))[0]
    frames_per_tick = max(1, round(0.1 * fsdd.SAMPLE_RATE / run.settings.hop_length))  # a label every ~0.1 s
    seconds = np.arange(len(log_mel)) * run.settings.hop_length / fsdd.SAMPLE_RATE
    tick_labels = [f"{second:.1f}s" if step % frames_per_tick == 0 else "" for step, second in enumerate(seconds)]
    out = output_path(out, run.run_dir / f"gates-{Path(path).stem}.png")
    classifiers = classifier_count(run.model)
    which = f" of the first of {classifiers} classifiers" if classifiers > 1 else ""
    plot_gate_trace(
        trace,
        out,
        tick_labels=tick_labels,
        title=f"{Path(path).name}: {class_name(digit)} ({probabilities[digit]:.1%}), forward LSTM of the first "
        f"layer{which}",
        header=lambda axis: draw_spectrogram(axis, log_mel),
    )
    return out, digit, float(probabilities[digit]), trace


def draw_spectrogram(axis, log_mel):
    """The log-mel spectrogram `(time, mels)` on the trace's time axis (one column per frame)."""
    axis.imshow(
        log_mel.T, origin="lower", aspect="auto", interpolation="nearest", cmap="magma",
        extent=(-0.5, len(log_mel) - 0.5, -0.5, log_mel.shape[1] - 0.5),
    )
    axis.set_title("log-mel spectrogram (dB below the loudest bin)", loc="left", fontsize=9)
    axis.set_ylabel("mel band", fontsize=8)
