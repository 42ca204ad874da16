"""The lesson as one self-contained HTML page: images embedded, no script, no outside style or font."""

import base64
import html
import io

from demos.lesson import confusions, interventions, memory, units

STYLE = """
body { font-family: Georgia, serif; max-width: 46rem; margin: 0 auto; padding: 1rem; line-height: 1.5; color: #222; }
h1, h2, h3 { font-family: Helvetica, Arial, sans-serif; line-height: 1.2; }
img { max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: 0.6rem 0; font-size: 0.9rem; display: block; overflow-x: auto; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
td.number { text-align: right; }
code, pre, .text { font-family: Menlo, Consolas, monospace; }
pre { background: #f5f5f5; padding: 0.6rem; overflow-x: auto; font-size: 0.85rem; }
.text { line-height: 1.9; word-wrap: break-word; }
.answer { background: #fff6d6; padding: 0.5rem 0.8rem; border-left: 4px solid #e0b000; }
"""

SECTION_TITLES = [
    ("memory", "1. Why gates: long-range memory"),
    ("by_hand", "2. One step by hand"),
    ("confusions", "3. Three confusions, measured"),
    ("interventions", "4. Gates under intervention"),
    ("units", "5. Units that mean something"),
]


def png(figure):
    """An <img> holding the figure as an embedded PNG."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="{html.escape(figure.axes[0].get_title())}" src="data:image/png;base64,{encoded}">'


def table(headers, rows):
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(cell(value) for value in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def cell(value):
    """One table cell: numbers right-aligned to 4 significant digits, None as a dash."""
    if value is None:
        return "<td>&ndash;</td>"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<td class="number">{value:.4g}</td>'
    return f"<td>{html.escape(str(value))}</td>"


def percent(value):
    return f"{100 * value:.1f}%"


def memory_section(results):
    rows = [[r["lag"], r["rnn"], r["lstm"], r["lstm_forget_gate_0"], r["rnn_epochs"], r["lstm_epochs"]]
            for r in results["accuracy"]]
    last = results["accuracy"][-1]
    return f"""
<p>The task: read k + 1 random symbols (one of 8), then name the first one. To answer, a model must carry one
symbol across k steps of others. Both models have the same number of units and train the same way; each lag is
tested on sequences never trained on. The LSTM's forget gates start near 1 (chrono initialisation: a memory of
about k steps from the first epoch); with Keras' default start the same layer needs many more epochs at the
longest lags (the top README's long-lag table).</p>
{png(memory.plot_accuracy(results))}
{table(["lag k", "plain RNN", "LSTM", "LSTM, f_t held at 0", "RNN epochs", "LSTM epochs"], rows)}
<p>At k = {last['lag']} the plain RNN scores {percent(last['rnn'])}, the LSTM {percent(last['lstm'])}; chance is
{percent(results['chance'])}. Held at 0, the forget gate erases C_t at every step, and the same trained LSTM falls to
{percent(last['lstm_forget_gate_0'])}: the memory lives in C_t and the forget gate is what keeps it.</p>
{png(memory.plot_gradients(results))}
<p>Why the RNN fails: the gradient that reaches an input k steps back is a product of k factors, one per step.
Before any training, the gradient reaching the symbol to recall (k = {results['gradient_lag']} steps back) is
{gradient_ratio(results, 'rnn')} of the one reaching the last input in the plain RNN, and
{gradient_ratio(results, 'lstm')} in the LSTM, whose path through C_t multiplies by f_t, near 1 when the gate
keeps. Training can only learn from what reaches it.</p>"""


def gradient_ratio(results, kind):
    norms = results["input_gradients"][kind]
    return f"{norms[0] / norms[-1]:.2g} times"


def by_hand_section(results):
    recording = results["recording"]
    blocks = []
    names = {"f": "f_t  = sigmoid", "i": "i_t  = sigmoid", "c": "C~_t = tanh   ", "o": "o_t  = sigmoid"}
    for unit in results["units"]:
        lines = [f"unit {unit['unit']}"]
        for gate in "fico":
            t = unit[gate]
            lines.append(f"{names[gate]}(W x_t {t['Wx']:+.4f}  U h_(t-1) {t['Uh']:+.4f}  b {t['b']:+.4f}"
                         f" = {t['z']:+.4f}) = {t['value']:.4f}")
        lines.append(f"C_t  = f_t * C_(t-1) + i_t * C~_t = {unit['f']['value']:.4f} * {unit['C_prev']:+.4f} + "
                     f"{unit['i']['value']:.4f} * {unit['c']['value']:+.4f} = {unit['C']:+.4f}")
        lines.append(f"h_t  = o_t * tanh(C_t) = {unit['o']['value']:.4f} * tanh({unit['C']:+.4f})"
                     f" = {unit['h']:+.4f}")
        blocks.append("<pre>" + "\n".join(lines) + "</pre>")
    return f"""
<p>The speech model's first LSTM (forward direction, {results['layer_units']} units) reads a real recording: the
digit {recording['digit']} said by {html.escape(recording['speaker'])}, {recording['frames']} frames of
{results['features']} features. At frame t = {results['step']}, here is every term for three units: the one whose
forget gate keeps most, the one whose forget gate erases most, and the one with the largest |C_t|. W x_t is the
frame's contribution, U h_(t-1) the previous hidden state's, b the bias.</p>
{''.join(blocks)}
<p>Computed again with NumPy from the layer's weights, these numbers differ from what the layer computed by at most
{results['max_difference_from_layer']:.1e}: the float32 rounding of the layer.</p>"""


def confusions_section(results):
    rows = [[app, f"{m['h_range'][0]:.3f} .. {m['h_range'][1]:.3f}", f"{m['c_range'][0]:.3f} .. {m['c_range'][1]:.3f}",
             m["h_autocorrelation"], m["c_autocorrelation"], m["h_mean_step_change"], m["c_mean_step_change"]]
            for app, m in results["models"].items()]
    shares = [[app, percent(m["share_abs_c_above_1"]), percent(m["share_abs_h_above_1"]),
               percent(m["share_large_c_small_o"]), m["mean_abs_c_there"], m["mean_abs_h_there"]]
              for app, m in results["models"].items()]
    example = results["example"]
    example_html = ("<p>No (unit, step) cell of these models holds a large C_t behind a small o_t.</p>" if example is None
                    else png(confusions.plot_example(example)) +
                    f"<p>Unit {example['unit']} of the {example['app']} model hides its memory for "
                    f"{example['hidden_steps']} steps of this sequence (grey): C_t is large, o_t is small, and h_t "
                    f"stays near 0 until the gate opens.</p>")
    return f"""
<h3>(1) What is the difference between h_t and C_t?</h3>
<p>C_t is the memory; h_t = o_t tanh(C_t) is what the unit shows the next layer and the next step. Measured on
every real step of the traced data:</p>
{table(["model", "h_t range", "C_t range", "h_t autocorr. (lag 1)", "C_t autocorr. (lag 1)", "mean |step change| h_t",
        "mean |step change| C_t"], rows)}
<p>{slower_sentence(results["models"])}</p>
<h3>(2) Why not output C_t directly?</h3>
<p>Because C_t is not bounded: it adds up what is written. The share of cells where |C_t| exceeds 1, against h_t,
which tanh and o_t keep inside (-1, 1):</p>
{table(["model", "|C_t| > 1", "|h_t| > 1", f"|C_t| > {results['large_cell']:g} and o_t < {results['small_gate']:g}",
        "mean |C_t| there", "mean |h_t| there"], shares)}
<h3>(3) Can a small o_t hide a large C_t?</h3>
<p class="answer"><b>Yes.</b> h_t = o_t tanh(C_t), so when o_t is near 0, h_t is near 0 however large C_t is: the
memory is kept but not shown. The last columns above count how often the trained models do it.</p>
{example_html}"""


def slower_sentence(models):
    """What the table says about the two states' range and pace, in words."""
    wider = [app for app, m in models.items() if m["c_p99_abs"] > m["h_p99_abs"]]
    slower = [app for app, m in models.items() if m["c_autocorrelation"] > m["h_autocorrelation"]]
    return (f"C_t spans a wider range than h_t in {len(wider)} of {len(models)} models ({', '.join(wider) or 'none'}; "
            f"99th percentile of |value|), and changes more slowly (higher lag-1 autocorrelation) in {len(slower)} of "
            f"{len(models)} ({', '.join(slower) or 'none'}): C_t is the slow, unbounded memory, h_t the bounded view "
            f"of it that each step passes on.")


def interventions_section(results):
    headers = ["intervention", "meaning"] + [f"{app}: {r['metric']}" for app, r in results.items()]
    rows = [[name, meaning] + [r["scores"][name] for r in results.values()]
            for name, _, meaning in interventions.INTERVENTIONS]
    return f"""
<p><code>custom_layers.intervene(model, forget_gate=..., input_gate=..., output_gate=..., units=...)</code> holds a
gate at a constant inside the layer's own step while the model predicts. Each trained model, scored on its own
held-out data, with every ExplicitLSTM in it held:</p>
{table(headers, rows)}
<p>Higher is better for accuracy; lower is better for bits per character and RMSE.</p>"""


def units_section(results):
    rows = [[name, r["unit"], r["correlation"]] for name, r in results.items()]
    shown = []
    for name, r in results.items():
        if r["unit"] is None:
            shown.append(f"<h3>{html.escape(name)}</h3><p>{html.escape(r['note'])}.</p>")
            continue
        texts = "".join(f'<p class="text">{units.coloured_text(e["characters"], e["cell_state"])}</p>'
                        for e in r["examples"])
        shown.append(f"<h3>{html.escape(name)}: unit {r['unit']} (r = {r['correlation']:+.2f})</h3>{texts}")
    return f"""
<p>Each label is computed from the characters the chat LSTM has read so far; each unit's C_t is correlated
with it over every step of the traced training exchanges (a prompt, then its reply). The best unit per label:</p>
{table(["label", "unit", "correlation with C_t"], rows)}
<p>Below, exchanges coloured character by character by that unit's C_t (red positive, blue negative; hover for the
value).</p>
{''.join(shown)}"""


RENDERERS = {"memory": memory_section, "by_hand": by_hand_section, "confusions": confusions_section,
             "interventions": interventions_section, "units": units_section}


def render(results):
    """The whole page from the lesson's results (`lesson.json`)."""
    sources = ", ".join(f"{app}: {html.escape(source)}" for app, source in results["models"].items())
    sections = "".join(f'<section id="{key}"><h2>{title}</h2>{RENDERERS[key](results[key])}</section>'
                       for key, title in SECTION_TITLES)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>lstm-lab: what each gate does</title><style>{STYLE}</style></head>
<body><h1>What each gate of an LSTM does, shown on real models</h1>
<p>Every number and picture on this page was measured by <code>python -m demos.lesson</code> on models trained
with lstm-lab's <code>ExplicitLSTM</code> (seed {results['seed']}{', quick mode' if results['quick'] else ''}).
Models: {sources}.</p>
{sections}
</body></html>
"""
