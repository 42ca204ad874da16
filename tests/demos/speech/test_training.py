import contextlib
import io

import numpy as np
import pytest

from demos.speech.settings import QUICK_SETTINGS, Settings
from demos.speech.training import train

LEARNING_RATE = 2e-3


def trained(tmp_path, digits_dir, weight_average_epochs):
    settings = Settings(**{**QUICK_SETTINGS, "epochs": 4, "weight_average_epochs": weight_average_epochs},
                        data_dir=str(digits_dir), cache_dir=str(tmp_path / "cache"), units=4, batch_size=8,
                        learning_rate=LEARNING_RATE, patience=4, seed=5, out=str(tmp_path / f"run-{weight_average_epochs}"))
    with contextlib.redirect_stdout(io.StringIO()):
        return train(settings)


def largest_change(result):
    """The largest change of any weight between the start of training and the weights kept."""
    return max(np.abs(kept - start).max() for kept, start in zip(result.model.get_weights(), result.initial_weights,
                                                                  strict=True))


@pytest.mark.slow
def test_a_long_weight_average_is_what_is_validated_and_kept(tmp_path, digits_dir):
    plain = trained(tmp_path, digits_dir, 0)
    averaged = trained(tmp_path, digits_dir, 1000)  # an average over ~1000 epochs: it barely leaves the first step
    # Adam's first step moves each weight by about the learning rate; 4 epochs of about 12 steps move some far more.
    assert largest_change(plain) > 5 * LEARNING_RATE
    assert largest_change(averaged) < 1.5 * LEARNING_RATE
    losses = plain.metrics["history"]["val_loss"], averaged.metrics["history"]["val_loss"]
    assert losses[0][-1] < losses[0][0] * 0.98  # the weights as they are learn
    assert np.ptp(losses[1]) < 0.01 * losses[1][0]  # the average validated each epoch hardly moves
