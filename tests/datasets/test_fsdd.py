from pathlib import Path

import keras
import numpy as np
import pytest
import soundfile

from datasets import fsdd


def all_recordings():
    return [
        fsdd.Recording(Path(f"{digit}_{speaker}_{take}.wav"), digit, speaker, take)
        for speaker in ("george", "jackson", "lucas", "nicolas", "theo", "yweweler")
        for digit in fsdd.DIGITS
        for take in range(50)
    ]


def test_parse_name():
    assert fsdd.parse_name("data/7_theo_42.wav") == fsdd.Recording(Path("data/7_theo_42.wav"), 7, "theo", 42)
    for name in ("7_theo.wav", "x_theo_1.wav", "7_Theo_1.wav", "7_theo_1.mp3", "17_theo_1.wav"):
        with pytest.raises(ValueError, match="digit_speaker_take"):
            fsdd.parse_name(name)


def test_official_split_holds_out_takes_0_to_4():
    train, test = fsdd.split(all_recordings())
    assert (len(train), len(test)) == (2700, 300)
    assert {recording.take for recording in test} == set(range(5))
    assert min(recording.take for recording in train) == 5


def test_speaker_split_holds_out_whole_speakers():
    train, test = fsdd.split(all_recordings(), ("theo", "lucas"))
    assert (len(train), len(test)) == (2000, 1000)
    assert {recording.speaker for recording in test} == {"theo", "lucas"}
    assert not {"theo", "lucas"} & {recording.speaker for recording in train}
    with pytest.raises(ValueError, match="bob"):
        fsdd.split(all_recordings(), ("bob",))


def test_list_recordings_skips_bad_names(tmp_path):
    for name in ("3_theo_1.wav", "0_lucas_12.wav", "hello.wav", "notes.txt"):
        (tmp_path / name).write_bytes(b"")
    with pytest.warns(UserWarning, match="hello.wav"):
        recordings, skipped = fsdd.list_recordings(tmp_path)
    assert [recording.path.name for recording in recordings] == ["0_lucas_12.wav", "3_theo_1.wav"]
    assert skipped == [tmp_path / "hello.wav"]


@pytest.fixture
def sources(tmp_path, monkeypatch):
    """Three candidate folders and a download that records being called."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.delenv(fsdd.ENV_VARIABLE, raising=False)
    downloads = []
    monkeypatch.setattr(fsdd, "download", lambda: downloads.append(1) or fsdd.cached_dir().mkdir(parents=True))
    given, environment = tmp_path / "given", tmp_path / "environment"
    given.mkdir()
    environment.mkdir()
    return given, environment, downloads


def test_resolution_order(sources, monkeypatch):
    given, environment, downloads = sources
    assert fsdd.recordings_dir() == fsdd.cached_dir()  # nothing anywhere: downloaded into the cache
    assert downloads == [1]
    assert fsdd.recordings_dir() == fsdd.cached_dir()  # now cached: no second download
    assert downloads == [1]
    monkeypatch.setenv(fsdd.ENV_VARIABLE, str(environment))
    assert fsdd.recordings_dir() == environment
    assert fsdd.recordings_dir(given) == given
    assert downloads == [1]


def test_missing_folder_is_reported(sources, monkeypatch, tmp_path):
    with pytest.raises(fsdd.DataUnavailable, match="nowhere"):
        fsdd.recordings_dir(tmp_path / "nowhere")
    monkeypatch.setenv(fsdd.ENV_VARIABLE, str(tmp_path / "gone"))
    with pytest.raises(fsdd.DataUnavailable, match=r"gone \(\$FSDD_DIR\)"):
        fsdd.recordings_dir()


def test_offline_without_copy_says_how_to_point_at_a_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.delenv(fsdd.ENV_VARIABLE, raising=False)
    requests = []

    def offline(fname, origin, **kwargs):
        requests.append((fname, origin, kwargs))
        raise Exception(f"URL fetch failure on {origin}: None -- [Errno -2] Name or service not known")

    monkeypatch.setattr(keras.utils, "get_file", offline)
    with pytest.raises(fsdd.DataUnavailable) as error:
        fsdd.recordings_dir()
    message = str(error.value)
    assert "\n" not in message and "--data-dir" in message and "FSDD_DIR" in message
    assert requests[0][1].endswith("/v1.0.10.tar.gz") and requests[0][2]["extract"]
    assert requests[0][2]["cache_dir"] == tmp_path


def test_load_audio_resamples_to_mono_8khz(tmp_path):
    time = np.arange(16000) / 16000
    stereo = np.stack([np.sin(2 * np.pi * 440 * time), np.zeros_like(time)], axis=1)
    soundfile.write(tmp_path / "stereo16k.wav", stereo, 16000)
    signal = fsdd.load_audio(tmp_path / "stereo16k.wav")
    assert signal.ndim == 1 and signal.dtype == np.float32
    assert abs(len(signal) - fsdd.SAMPLE_RATE) <= 1
    assert 0.4 < np.abs(signal).max() < 0.6  # the mean of both channels


def test_load_audio_rejects_empty_and_non_audio(tmp_path):
    soundfile.write(tmp_path / "empty.wav", np.zeros(0), fsdd.SAMPLE_RATE)
    (tmp_path / "text.wav").write_text("not a recording\n")
    with pytest.raises(ValueError, match="no sound"):
        fsdd.load_audio(tmp_path / "empty.wav")
    with pytest.raises(ValueError, match="not a readable audio file"):
        fsdd.load_audio(tmp_path / "text.wav")


def test_load_audio_reads_silence_only_when_asked(tmp_path):
    soundfile.write(tmp_path / "silence.wav", np.zeros(4000), 16000)
    with pytest.raises(ValueError, match="no sound"):  # a training recording of zeros teaches nothing
        fsdd.load_audio(tmp_path / "silence.wav")
    silence = fsdd.load_audio(tmp_path / "silence.wav", silence_ok=True)  # what predict hears: no digit
    assert len(silence) == 2000 and not np.any(silence)
    soundfile.write(tmp_path / "empty.wav", np.zeros(0), 16000)
    with pytest.raises(ValueError, match="no sound"):  # no samples at all is still no recording
        fsdd.load_audio(tmp_path / "empty.wav", silence_ok=True)
