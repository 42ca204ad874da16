"""Gate traces of the trained demo models on their own data, with the steps that are real (not padding)."""

import dataclasses

import numpy as np

from demos.apps import APPS
from demos.gates import trace_model_layer


@dataclasses.dataclass
class Traced:
    """A `trace_gates` dict `(batch, time, units)` and which steps are real `(batch, time)`."""

    trace: dict
    valid: np.ndarray
    texts: list | None = None  # chat: the characters each decoder step reads (start symbol first)


def speech_trace(demo, count, seed):
    from demos.speech.data import load_data, pad_frames

    test = load_data(demo.settings).test
    chosen = np.sort(np.random.default_rng(seed).choice(len(test), min(count, len(test)), replace=False))
    frames = pad_frames([test.features[k] for k in chosen])
    valid = np.zeros(frames.shape[:2], dtype=bool)
    for row, k in enumerate(chosen):
        valid[row, : len(test.features[k])] = True
    return Traced(trace_model_layer(demo.model, APPS["speech"].parts().TRACED_LAYER, frames), valid)


def chat_trace(demo, count, seed):
    """The LSTM reading training exchanges of the chatterbot corpus: a prompt, then its reply."""
    from datasets.dialogs import Vocabulary
    from demos.chat.data import prepare_data
    from demos.chat.features import encode_conversation
    from demos.chat.prediction import load_writer

    writer = load_writer(str(demo.run_dir))
    pairs = prepare_data(demo.settings, announce=lambda line: None).chatterbot_pairs
    chosen = np.sort(np.random.default_rng(seed).choice(len(pairs), min(count, len(pairs)), replace=False))
    inputs = writer.model_inputs([list(pairs[k]) for k in chosen])
    ids = inputs if writer.conditioner is None else inputs[0]
    trace = trace_model_layer(demo.model, APPS["chat"].parts().TRACED_LAYER, inputs)
    texts = [[writer.vocabulary.token(i) for i in encode_conversation(writer.vocabulary, pairs[k])] for k in chosen]
    return Traced(trace, ids != Vocabulary.PADDING, texts)


def stocks_trace(demo, count, seed):
    from demos.stocks.data import load_period

    period = load_period(demo.settings.resolved())
    chosen = np.linspace(0, len(period.test_windows) - 1, min(count, len(period.test_windows))).astype(int)
    x = period.test_windows[chosen]
    return Traced(trace_model_layer(demo.model, APPS["stocks"].parts().TRACED_LAYER, x), np.ones(x.shape[:2], dtype=bool))


TRACERS = {"speech": speech_trace, "chat": chat_trace, "stocks": stocks_trace}
