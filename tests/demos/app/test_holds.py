"""The gate-hold fields of every tab, read into `custom_layers.intervene`."""

import keras
import numpy as np
import pytest

from custom_layers import ExplicitLSTM
from demos.app.holds import HeldModel, Hold, explicit, read_hold
from demos.cli import CLIError


def test_the_fields_read_into_a_hold():
    assert read_hold("forget", 0.25, " 0, 3 7 ") == Hold("forget", 0.25, (0, 3, 7))
    assert read_hold("output", "1", "all") == Hold("output", 1.0, None)
    assert not read_hold("none", 0, "").active


@pytest.mark.parametrize("fields, message", [
    (("cell", 0, "all"), "gate must be one of"),
    (("forget", 1.5, "all"), "must be in [0, 1]"),
    (("forget", "half", "all"), "must be a number"),
    (("input", 0, "0, two"), "units must be 'all' or indices"),
])
def test_fields_no_hold_can_use_are_one_line(fields, message):
    with pytest.raises(CLIError, match=message.replace("[", r"\[").replace("]", r"\]")):
        read_hold(*fields)


def lstm_model(layer):
    return keras.Sequential([keras.Input((6, 2)), layer])


def test_an_output_gate_held_at_zero_silences_the_held_units_and_only_while_held():
    model = lstm_model(ExplicitLSTM(3, return_sequences=True))
    x = np.random.default_rng(0).normal(size=(2, 6, 2)).astype("float32")
    free = model.predict(x, verbose=0)
    held = HeldModel(model)
    with held.answering(Hold("output", 0.0, (1,))) as answering:
        silenced = answering.predict(x, verbose=0)
    assert np.all(silenced[..., 1] == 0.0)  # h_t = o_t * tanh(C_t) with o_t = 0
    # The first step reads h_0 = 0 either way: the other units are unchanged there, and differ later, when
    # they read unit 1's silenced h_t through the recurrent kernel.
    np.testing.assert_allclose(silenced[:, 0, [0, 2]], free[:, 0, [0, 2]], atol=1e-6)
    assert np.abs(silenced[:, 1:, [0, 2]] - free[:, 1:, [0, 2]]).max() > 1e-4
    np.testing.assert_allclose(model.predict(x, verbose=0), free, atol=1e-6)


def test_a_hold_holds_the_gate_in_every_model_that_may_answer():
    first, second = (lstm_model(ExplicitLSTM(3, return_sequences=True)) for _ in range(2))
    x = np.random.default_rng(0).normal(size=(2, 6, 2)).astype("float32")
    with HeldModel(first, second).answering(Hold("output", 0.0, (2,))):
        assert np.all(first.predict(x, verbose=0)[..., 2] == 0.0) and np.all(second.predict(x, verbose=0)[..., 2] == 0.0)
    assert np.abs(second.predict(x, verbose=0)[..., 2]).max() > 1e-3  # released


def test_unknown_units_and_other_steps_are_one_line():
    from custom_layers import SLSTM

    with pytest.raises(CLIError, match="units"), HeldModel(lstm_model(ExplicitLSTM(3))).answering(Hold("input", 0, (5,))):
        pass
    with pytest.raises(CLIError, match="step differs"), HeldModel(lstm_model(SLSTM(3))).answering(Hold("input", 0.0)):
        pass


def test_a_builtin_lstm_is_written_out_with_the_same_outputs():
    model = lstm_model(keras.layers.LSTM(4))
    x = np.random.default_rng(1).normal(size=(3, 6, 2)).astype("float32")
    written_out = explicit(model)
    assert isinstance(written_out.layers[0], ExplicitLSTM)
    np.testing.assert_allclose(written_out.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-5)
    same = lstm_model(ExplicitLSTM(4))
    assert explicit(same) is same
