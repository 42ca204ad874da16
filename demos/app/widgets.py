"""What every tab shares: the gate-hold fields, the one-line message for a request no model can answer."""

import functools
import logging

from demos.app.holds import GATES
from demos.cli import CLIError

log = logging.getLogger("demos.app")


def hold_fields(gr, tab):
    """The three fields that hold a gate, and the button that answers again with it held."""
    with gr.Row():
        gate = gr.Radio(list(GATES), value="forget", label="gate to hold", elem_id=f"{tab}-hold-gate")
        value = gr.Slider(0.0, 1.0, value=0.0, step=0.05, label="held at", elem_id=f"{tab}-hold-value")
        units = gr.Textbox("all", label="units (all, or indices: 0, 3, 7)", elem_id=f"{tab}-hold-units")
    button = gr.Button("Answer again with the gate held", elem_id=f"{tab}-hold-button")
    return (gate, value, units), button


def answered(outputs, on_error=None):
    """Makes a handler page-safe: a `CLIError` (or any failure) becomes one line in its message field.

    The handler returns `(message, *values)` for `outputs` fields; on an error
    the message says what went wrong and the other fields show `on_error`
    (default: they keep what they show).
    """

    def wrap(handler):
        @functools.wraps(handler)
        def safe(*args):
            try:
                return handler(*args)
            except CLIError as error:
                message = f"**Cannot answer:** {error}"
            except Exception as error:  # a failure of the model or of a library: one line, the server goes on
                log.exception("request failed")
                message = f"**Cannot answer:** {type(error).__name__}: {error}"
            if outputs == 1:
                return message
            return (message, *(on_error or [_unchanged() for _ in range(outputs - 1)]))

        return safe

    return wrap


def _unchanged():
    import gradio as gr

    return gr.update()
