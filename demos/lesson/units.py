"""Section 5, units that mean something: chat LSTM units whose C_t follows a label a reader can name.

Each label is computed from the characters the LSTM has read so far; each
unit's cell state is correlated with it over every real step of the traced
exchanges (as Karpathy, Johnson and Fei-Fei, 2015, and LSTMVis did).
"""

import html

import numpy as np


def position(text):
    return np.arange(len(text), dtype=float)  # steps since the start symbol


def inside_word(text):
    return np.array([character.isalpha() for character in text], dtype=float)  # the character read is a letter


def after_question_mark(text):
    return (np.cumsum([character == "?" for character in text]) > 0).astype(float)  # a "?" was read earlier


def inside_quotes(text):
    return (np.cumsum([character == '"' for character in text]) % 2).astype(float)  # an odd number of '"' so far


LABELS = {
    "position in the exchange": position,
    "inside a word": inside_word,
    "after a question mark": after_question_mark,
    "inside quotes": inside_quotes,
}


def correlations(cell, valid, texts, label):
    """Pearson correlation of every unit's C_t with `label` over the real steps: `(units,)`, or None if constant."""
    values = np.concatenate([label(text) for text in texts])
    states = np.concatenate([cell[row, valid[row]] for row in range(len(texts))])  # (steps, units)
    if values.std() == 0:
        return None
    values, states = values - values.mean(), states - states.mean(axis=0)
    spread = np.sqrt((values**2).sum() * (states**2).sum(axis=0))
    return np.divide((values[:, None] * states).sum(axis=0), spread, out=np.zeros(states.shape[1]), where=spread > 0)


def measure(traced, examples=3):
    """For each label: the best unit, its correlation, and a few exchanges with that unit's C_t per character."""
    cell, valid, texts = traced.trace["cell_state"], traced.valid, traced.texts
    results = {}
    for name, label in LABELS.items():
        r = correlations(cell, valid, texts, label)
        if r is None:
            results[name] = {"unit": None, "correlation": None, "note": "the label never changes in the traced exchanges"}
            continue
        unit = int(np.abs(r).argmax())
        varying = [row for row in range(len(texts)) if label(texts[row]).std() > 0]
        rows = sorted(varying, key=lambda row: -len(texts[row]))[:examples]  # the longest exchanges where it varies
        results[name] = {
            "unit": unit,
            "correlation": float(r[unit]),
            "examples": [{"characters": texts[row], "cell_state": cell[row, valid[row], unit].tolist()} for row in rows],
        }
    return results


def coloured_text(characters, values):
    """HTML spans, one per character, red for positive C_t and blue for negative (scaled to the largest |C_t|)."""
    scale = max(abs(value) for value in values) or 1.0
    spans = []
    for character, value in zip(characters, values):
        share = value / scale
        colour = f"rgba(214,39,40,{share:.2f})" if share > 0 else f"rgba(31,119,180,{-share:.2f})"
        shown = "&#9656;" if character == "<start>" else html.escape(character).replace(" ", "&nbsp;")
        spans.append(f'<span style="background:{colour}" title="C_t = {value:.3f}">{shown}</span>')
    return "".join(spans)
