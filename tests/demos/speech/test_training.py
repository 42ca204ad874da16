import contextlib
import dataclasses
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


def branch_probabilities(model, output_layer, frames):
    """The probabilities of one classifier of `model`: its graph up to the layer `output_layer`."""
    import keras

    return keras.Model(model.input, model.get_layer(output_layer).output).predict(frames, verbose=0)


@pytest.mark.slow
def test_an_ensemble_averages_classifiers_of_which_the_first_is_the_single_models(tmp_path, digits_dir):
    import keras

    from demos.runs import load_model
    from demos.speech.model import classifier_count

    def run(ensemble):
        settings = Settings(**{**QUICK_SETTINGS, "epochs": 2, "ensemble": ensemble}, data_dir=str(digits_dir),
                            cache_dir=str(tmp_path / "cache"), units=4, batch_size=8, seed=5,
                            out=str(tmp_path / f"ensemble-{ensemble}"))
        with contextlib.redirect_stdout(io.StringIO()):
            return train(settings)

    single, pair = run(1), run(2)
    assert len(pair.metrics["member_epochs"]) == 2
    assert len(pair.metrics["epoch_seconds"]) == sum(pair.metrics["member_epochs"])
    frames = single.sample_inputs
    saved = load_model(tmp_path / "ensemble-2" / "model.keras")
    first, second = (branch_probabilities(saved, name, frames) for name in ("digit", "digit_m2"))
    # The first classifier is trained exactly as a single model of the same seed; the second from the next seed.
    np.testing.assert_allclose(first, single.model.predict(frames, verbose=0), atol=1e-6)
    assert np.abs(first - second).max() > 1e-3
    np.testing.assert_allclose(saved.predict(frames, verbose=0), (first + second) / 2, atol=1e-6)
    assert isinstance(saved.get_layer("lstm_1"), keras.layers.Bidirectional)  # what explain and the lesson trace
    # explain names the classifiers from the model itself: a run saved before --ensemble existed reads as the default.
    assert classifier_count(saved) == 2 and classifier_count(single.model) == 1


def test_the_other_classifiers_train_on_copies_of_their_own_when_their_noise_swings(tmp_path, digits_dir):
    from demos.speech.data import load_data
    from demos.speech.training import training_parts

    settings = Settings(data_dir=str(digits_dir), cache_dir=str(tmp_path / "cache"), test_speakers="theo",
                        augment_copies=1, room=1.0, room_swing=0.0, other_room_swing=1.0, synth_voices=0,
                        synth_takes=0, no_digit_share=0.0, near_miss_share=0.0, ensemble=3)
    with contextlib.redirect_stdout(io.StringIO()):
        data = load_data(settings)
        first, second, third = training_parts(settings, data)
        alike = training_parts(dataclasses.replace(settings, other_room_swing=0.0), data)
        single = training_parts(dataclasses.replace(settings, ensemble=1), data)
    assert first is data.train and second is third and len(single) == 1
    assert all(part is data.train for part in alike)
    # The same recordings, digits and speakers (never the held-out one), in the same order ...
    assert second.speakers == first.speakers and "theo" not in second.speakers
    np.testing.assert_array_equal(second.digits, first.digits)
    originals = len(first.features) // 2  # one copy of each recording follows the recordings themselves
    assert all(np.array_equal(a, b) for a, b in zip(first.features[:originals], second.features[:originals]))
    # ... but every copy heard in a room whose noise swells and fades instead of a steady one.
    changed = [not np.array_equal(a, b) for a, b in zip(first.features[originals:], second.features[originals:])]
    assert np.mean(changed) > 0.9
