import dataclasses
import shutil

import numpy as np
import pytest
import soundfile

from datasets import fsdd
from demos.cli import CLIError
from demos.speech import features
from demos.speech.data import Part, frame_statistics, load_data
from demos.speech.settings import Settings


@pytest.fixture
def settings(tmp_path, digits_dir):
    return Settings(data_dir=str(digits_dir), cache_dir=str(tmp_path / "cache"), augment_copies=0, no_digit_share=0.0,
                    near_miss_share=0.0)


def test_features_of_a_recording(digits_dir, settings):
    signal = fsdd.load_audio(digits_dir / "3_theo_5.wav")
    settings = dataclasses.replace(settings, features="logmel")
    log_mel = features.signal_features(signal, settings)
    mfcc = features.signal_features(signal, dataclasses.replace(settings, features="mfcc"))
    expected_frames = 1 + len(signal) // settings.hop_length
    assert log_mel.shape[1] == 40 and mfcc.shape[1] == 39
    assert 0.5 * expected_frames < len(log_mel) <= expected_frames and len(mfcc) == len(log_mel)
    assert log_mel.max() == 0.0  # dB below the loudest bin
    silence = np.zeros(fsdd.SAMPLE_RATE // 2, dtype="float32")
    padded = features.signal_features(np.concatenate([silence, signal, silence]), settings)
    assert abs(len(padded) - len(log_mel)) <= 2  # silence around the word is trimmed


def test_features_are_cached_by_settings_and_files(digits_dir, settings, monkeypatch, tmp_path):
    recordings, _ = fsdd.list_recordings(digits_dir)
    recordings = recordings[:6]
    kept, first, skipped = features.recording_features(recordings, settings)
    assert len(kept) == len(first) == 6 and skipped == []
    assert len(list((tmp_path / "cache").glob("*.npz"))) == 1

    def no_extraction(*args):
        raise AssertionError("features were computed again")

    with monkeypatch.context() as patch:
        patch.setattr(features, "extract_all", no_extraction)
        _, again, _ = features.recording_features(recordings, settings)
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    key = features.cache_key(recordings, settings)
    assert features.cache_key(recordings, dataclasses.replace(settings, n_mels=20)) != key
    assert features.cache_key(recordings[:5], settings) != key
    copy = tmp_path / recordings[0].path.name
    shutil.copy(recordings[0].path, copy)
    changed = [recordings[0]._replace(path=copy), *recordings[1:]]
    assert features.cache_key(changed, settings) != key  # another file's time


def test_bad_files_are_skipped_and_counted(digits_dir, tmp_path, settings):
    folder = tmp_path / "mixed"
    shutil.copytree(digits_dir, folder)
    soundfile.write(folder / "4_theo_9.wav", np.zeros(0), fsdd.SAMPLE_RATE)
    (folder / "5_theo_9.wav").write_text("not audio")
    (folder / "five.wav").write_bytes((folder / "5_theo_5.wav").read_bytes())
    with pytest.warns(UserWarning) as warned:
        data = load_data(dataclasses.replace(settings, data_dir=str(folder)))
    messages = " ".join(str(warning.message) for warning in warned)
    assert all(name in messages for name in ("4_theo_9.wav", "5_theo_9.wav", "five.wav"))
    assert sorted(path.name for path in data.skipped) == ["4_theo_9.wav", "5_theo_9.wav", "five.wav"]
    assert len(data.train) + len(data.validation) + len(data.test) == 120


def test_official_and_speaker_splits(settings):
    data = load_data(settings)
    assert data.split == "official" and len(data.test) == 40
    assert len(data.train) + len(data.validation) == 80 and len(data.validation) == 8
    held_out = load_data(dataclasses.replace(settings, test_speakers="theo"))
    assert held_out.split == "speakers:theo" and set(held_out.test.speakers) == {"theo"}
    assert "theo" not in held_out.train.speakers + held_out.validation.speakers
    with pytest.raises(CLIError, match="nobody"):
        load_data(dataclasses.replace(settings, test_speakers="theo,nobody"))


def test_frame_statistics_of_the_training_part():
    part = Part([np.array([[0.0, 1.0], [2.0, 1.0]]), np.array([[4.0, 1.0]])], np.arange(2), ["a", "b"])
    mean, variance = frame_statistics(part)
    np.testing.assert_allclose(mean, [2.0, 1.0])
    np.testing.assert_allclose(variance, [8 / 3, 0.0])


@pytest.mark.parametrize("depth", [1, 3])
def test_the_model_stacks_as_many_lstm_layers_as_asked(depth):
    import keras

    from demos.speech.model import build_model

    model = build_model(Settings(units=4, lstm_layers=depth), np.zeros(5), np.ones(5))
    stacked = [layer for layer in model.layers if isinstance(layer, keras.layers.Bidirectional)]
    assert [layer.name for layer in stacked] == [f"lstm_{k}" for k in range(1, depth + 1)]
    assert model.predict(np.ones((2, 7, 5), "float32"), verbose=0).shape == (2, 11)  # ten digits and "no digit"


def test_mean_pooling_reads_the_average_of_the_last_layers_outputs_over_the_real_frames_only():
    import keras

    from demos.speech.data import PAD_VALUE
    from demos.speech.model import build_model

    keras.utils.set_random_seed(3)
    model = build_model(Settings(units=4, lstm_layers=2, pooling="mean"), np.zeros(5), np.ones(5))
    frames = np.random.default_rng(0).normal(size=(1, 6, 5)).astype("float32")
    padded = np.concatenate([frames, np.full((1, 4, 5), PAD_VALUE, "float32")], axis=1)
    outputs = keras.Model(model.input, model.get_layer("lstm_2").output).predict(frames, verbose=0)
    assert outputs.shape == (1, 6, 8)  # every frame's output, both directions
    kernel, bias = model.get_layer("digit").get_weights()
    logits = outputs[0].mean(axis=0) @ kernel + bias
    expected = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()
    np.testing.assert_allclose(model.predict(frames, verbose=0)[0], expected, atol=1e-5)
    np.testing.assert_allclose(model.predict(padded, verbose=0)[0], expected, atol=1e-5)


def test_speaker_normalization_standardizes_each_speaker_by_their_own_recordings(settings):
    data = load_data(dataclasses.replace(settings, normalize="speaker", test_speakers="theo"))
    plain = load_data(dataclasses.replace(settings, test_speakers="theo"))
    for speaker in ("jackson", "theo"):
        frames = np.concatenate([item for part in (data.train, data.validation, data.test)
                                 for item, owner in zip(part.features, part.speakers) if owner == speaker])
        np.testing.assert_allclose(frames.mean(axis=0), 0.0, atol=1e-4)
        np.testing.assert_allclose(frames.std(axis=0), 1.0, atol=1e-3)
    # One affine map per speaker and feature: the held-out speaker's frames keep their shape.
    first, raw = data.test.features[0], plain.test.features[0]
    scale = (first[1] - first[0]) / (raw[1] - raw[0])
    np.testing.assert_allclose(first, (raw - raw[0]) * scale + first[0], atol=1e-3)


def test_a_file_normalized_as_its_own_speaker(digits_dir, settings):
    from demos.speech.prediction import as_one_speaker

    frames = [features.file_features(digits_dir / name, settings) for name in ("3_theo_5.wav", "4_theo_5.wav")]
    assert as_one_speaker(frames, settings) is frames  # global: unchanged
    pooled = np.concatenate(as_one_speaker(frames, dataclasses.replace(settings, normalize="speaker")))
    np.testing.assert_allclose(pooled.mean(axis=0), 0.0, atol=1e-4)
