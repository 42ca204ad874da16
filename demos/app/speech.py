"""The speech tab: a recording (microphone or file) -> the digits said, their probabilities, the gates."""

import dataclasses
import tempfile
from pathlib import Path

from datasets import fsdd
from demos.app.holds import AS_TRAINED, HeldModel, explicit, read_hold
from demos.app.widgets import answered, hold_fields
from demos.cli import CLIError


class SpeechTab:
    """The latest speech run (or `--speech-model`), answering recordings."""

    def __init__(self, run, workdir):
        run.model = explicit(run.model)
        self.run = run
        self.held = HeldModel(run.model)
        self.workdir = Path(workdir)

    def digits(self, path, hold=AS_TRAINED):
        """`(start s, end s, probabilities)` of each digit said in the recording at `path`."""
        from demos.speech.prediction import stretches

        if not path:
            raise CLIError("no recording: record with the microphone or upload an audio file first")
        with self.held.answering(hold) as model:
            return stretches(dataclasses.replace(self.run, model=model), path)

    def gates(self, path, start, end):
        """The PNG of the first LSTM's gates over the stretch `start`-`end` s of the recording."""
        import soundfile

        from demos.speech.explain import explain_file

        signal = fsdd.load_audio(path)
        folder = Path(tempfile.mkdtemp(dir=self.workdir))
        stretch = folder / f"{Path(path).stem}-{start:.2f}s.wav"
        soundfile.write(stretch, signal[int(start * fsdd.SAMPLE_RATE) : int(end * fsdd.SAMPLE_RATE)], fsdd.SAMPLE_RATE)
        with self.held.answering():
            png, *_ = explain_file(self.run, stretch, folder / "gates.png")
        return str(png)


NOTHING_HEARD = "No digit heard: no stretch of sound stands out from the noise."


def summary(run, found):
    """One line naming what each stretch of sound was heard as (a digit, or "no digit"), with its time span and
    probability."""
    from demos.speech.part import NO_DIGIT, class_name
    from demos.speech.prediction import min_confidence, stretch_class

    threshold = min_confidence(run)
    classes = [stretch_class(p, threshold) for _, _, p in found]
    parts = [f"**{class_name(c)}** ({start:.2f}-{end:.2f} s, {p[c]:.0%})" for (start, end, p), c in zip(found, classes)]
    digits = sum(c != NO_DIGIT for c in classes)
    return f"Heard {digits} digit{'s' * (digits != 1)}: " + ", ".join(parts)


def probabilities(found):
    """The first stretch's probabilities ("0" to "9" and "no digit"), for a `gr.Label`."""
    from demos.speech.part import class_name

    return {class_name(k): float(p) for k, p in enumerate(found[0][2])}


def build(gr, page, tab):
    """The tab's fields and events (`page`: the `gr.Blocks` they are in) for a `SpeechTab`."""
    gr.Markdown(f"Model: `{tab.run.run_dir}` ({tab.run.settings.layer} LSTM). Say one or more digits, 0 to 9, "
                "with a short pause between them.")
    audio = gr.Audio(sources=["microphone", "upload"], type="filepath", label="recording", elem_id="speech-audio")
    message = gr.Markdown(elem_id="speech-message")
    label = gr.Label(num_top_classes=3, label="first digit: probabilities", elem_id="speech-label")
    image = gr.Image(label="the first LSTM's gates over the first digit, under its spectrogram", type="filepath",
                     show_label=False, elem_id="speech-gates")
    (gate, value, units), button = hold_fields(gr, "speech")
    held_message = gr.Markdown(elem_id="speech-held-message")
    held_label = gr.Label(num_top_classes=3, label="with the gate held", elem_id="speech-held-label")
    spans = gr.State()

    @answered(3, on_error=(None, None))
    def recognise(path):
        if not path:
            return "", None, None
        found = tab.digits(path)
        if not found:
            return NOTHING_HEARD, None, []
        return summary(tab.run, found), probabilities(found), [(start, end) for start, end, _ in found]

    @answered(2)
    def draw(path, found):
        if not path or not found:
            return gr.update(), None
        return gr.update(), tab.gates(path, *found[0])

    @answered(2)
    def hold_again(path, gate_name, held_value, held_units):
        hold = read_hold(gate_name, held_value, held_units)
        found = tab.digits(path, hold)
        if not found:
            return NOTHING_HEARD, None
        return f"{hold.describe()}: " + summary(tab.run, found), probabilities(found)

    audio.change(recognise, audio, [message, label, spans], api_name="digits").then(draw, [audio, spans], [message, image])
    button.click(hold_again, [audio, gate, value, units], [held_message, held_label])
