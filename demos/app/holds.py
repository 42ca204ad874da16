"""A gate held while a model answers again: the page's fields, read into `custom_layers.intervene`.

The fields are the same in every tab: which gate ("none", "forget",
"input" or "output"), its value in [0, 1], and the units ("all", or
indices such as "0, 3, 7").
"""

import contextlib
import dataclasses
import threading

from demos.cli import CLIError

GATES = ("none", "forget", "input", "output")


@dataclasses.dataclass(frozen=True)
class Hold:
    gate: str = "none"  # one of GATES
    value: float = 0.0  # what the gate is held at
    units: tuple | None = None  # the units held; None: all

    @property
    def active(self):
        return self.gate != "none"

    def describe(self):
        units = "all units" if self.units is None else "units " + ", ".join(map(str, self.units))
        return f"{self.gate} gate held at {self.value:g} on {units}"


AS_TRAINED = Hold()  # no gate held


def read_hold(gate, value, units):
    """The `Hold` the page's three fields ask for; a field no hold can use is a `CLIError`."""
    if gate not in GATES:
        raise CLIError(f"gate must be one of {', '.join(GATES)}, got {gate!r}")
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise CLIError(f"the held value must be a number in [0, 1], got {value!r}") from None
    if not 0.0 <= value <= 1.0:
        raise CLIError(f"the held value must be in [0, 1] (a gate's range), got {value:g}")
    return Hold(gate, value, read_units(units))


def read_units(text):
    """None for "all" (or nothing), else the tuple of unit indices written as "0, 3, 7"."""
    text = (text or "").strip().lower()
    if text in ("", "all"):
        return None
    try:
        return tuple(int(part) for part in text.replace(",", " ").split())
    except ValueError:
        raise CLIError(f"units must be 'all' or indices such as 0, 3, 7; got {text!r}") from None


class HeldModel:
    """A model that answers as trained or with a gate held; one answer at a time (a hold changes the model).

    `others`: more models that may answer (the chat's memory model); a hold
    holds the same gate in each of them.
    """

    def __init__(self, model, *others):
        self.model = model
        self.others = others
        self.lock = threading.Lock()

    @contextlib.contextmanager
    def answering(self, hold=AS_TRAINED):
        """`with held.answering(hold) as model: ...` runs the block with `hold` in place (none: as trained)."""
        from custom_layers import intervene

        with self.lock, contextlib.ExitStack() as stack:
            for model in (self.model, *self.others) if hold.active else ():
                try:
                    stack.enter_context(intervene(model, units=hold.units, **{f"{hold.gate}_gate": hold.value}))
                except ValueError as error:
                    raise CLIError(str(error)) from None
            yield self.model


def explicit(model):
    """`model`, or when its LSTMs are Keras' built-in ones, its copy with every gate written out (same outputs)."""
    import keras

    from custom_layers import explicit_clone

    builtin = any(type(layer) is keras.layers.LSTM or type(getattr(layer, "forward_layer", None)) is keras.layers.LSTM
                  for layer in model._flatten_layers(include_self=False))
    return explicit_clone(model) if builtin else model
