"""Every knob of the spoken-digit demo, with its default."""

import dataclasses

APP = "speech"


@dataclasses.dataclass
class Settings:
    data_dir: str | None = None  # folder of FSDD WAV files; None: $FSDD_DIR, the Keras cache, or download
    test_speakers: str | None = None  # speakers held out as the test set (comma-separated); None: official split
    features: str = "mfcc"  # "mfcc" (MFCCs with deltas and delta-deltas) or "logmel" (log-mel spectrogram)
    n_mels: int = 40  # mel bands
    n_mfcc: int = 13  # cepstral coefficients before deltas (features="mfcc")
    n_fft: int = 256  # analysis window in samples at 8 kHz (32 ms)
    hop_length: int = 128  # samples between frames at 8 kHz (16 ms)
    trim_db: float = 40.0  # leading and trailing audio this many dB below the peak is cut off
    normalize: str = "global"  # "global": the training frames' statistics; also each "utterance"'s or "speaker"'s own (CMVN)
    cache_dir: str = ".cache/speech"  # features, synthesized voices and PocketSphinx answers, kept between runs
    layer: str = "custom"  # one of demos.cli.LAYER_NAMES ("custom": ExplicitLSTM, "builtin": keras.layers.LSTM)
    units: int = 64  # LSTM units per direction
    lstm_layers: int = 2  # bidirectional LSTM layers, stacked
    pooling: str = "last"  # the classifier reads the last layer's "last" states (both directions) or its "mean" over time
    dropout: float = 0.3  # dropout before the classifier
    label_smoothing: float = 0.0  # training targets: this share of each one spread evenly over all classes (0: off)
    ensemble: int = 2  # classifiers trained from seeds seed, seed + 1, ... on the same recordings, probabilities averaged
    spec_augment: float = 0.15  # training only: mask up to this share of each utterance's frames and of its features
    augment_copies: int = 1  # training only: perturbed copies of each training recording added (0: none)
    speed_range: float = 0.1  # copies: speed (tempo, pitch and formants together) changed by up to this share
    pitch_range: float = 2.0  # copies: pitch shifted by up to this many semitones, duration kept (0: off)
    eq_db: float = 6.0  # copies: a random spectral tilt and peak or dip of up to this many dB (another microphone)
    noise_snr: float = 20.0  # copies: white noise at a signal-to-noise ratio from this to 40 dB (0: no noise)
    vtlp: float = 0.1  # copies: frequencies warped by a factor within this share of 1 (vocal tract length)
    room: float = 0.5  # copies: share heard in a random room (reverberation, telephone, clipping, noise, silence)
    room_swing: float = 0.0  # copies in a room: share whose noise swells and fades by up to 10 dB either way
    other_room_swing: float = 0.5  # the same share for classifiers 2, 3, ... of an ensemble (their own copies)
    synth_voices: int = 96  # training only: espeak-ng voices drawn to say the digits, beside flite's and festival's
    synth_takes: int = 2  # takes of each digit per synthesized voice, each perturbed once (0: no synthesized voices)
    no_digit_share: float = 0.1  # "no digit" examples (other words, noise, tones) per digit example in training
    minimal_pairs: int = 6  # of the "no digit" words, the minimal pairs of each digit word (voices.MINIMAL_PAIRS, up to 12)
    near_miss_share: float = 0.2  # "no digit" near misses (a digit joined to part of another, or reversed) per digit example
    near_miss_kinds: str = "after,before,reversed"  # near misses made in turn (nearmisses.KINDS: also "onset cut", "coda cut")
    test_warp: float = 0.1  # predict and the measures: also heard with frequencies warped by 1 -/+ this, averaged (0: off)
    min_confidence: float = 0.0  # a digit whose calibrated probability is below this is answered "no digit" (0: off)
    weight_average_epochs: float = 3.0  # validate and keep a moving average of the weights over about this many epochs (0: the weights as they are)
    batch_size: int = 64  # utterances per training step
    learning_rate: float = 2e-3  # Adam's learning rate
    epochs: int = 25  # most epochs; early stopping may end sooner
    patience: int = 4  # epochs without a better validation loss before stopping (no gap between better ones was longer)
    validation_fraction: float = 0.1  # part of the training set held out for early stopping
    distribute: bool = False  # train data-parallel over every local device (the global batch is split)
    cpu_devices: int = 0  # split the CPU into this many virtual devices first (0: leave it whole)
    seed: int = 0  # seeds data shuffling, augmentation and weight initialization (same seed, same numbers)
    out: str | None = None  # run folder; None: runs/speech/<time>-<layer>


FEATURE_FIELDS = ("features", "n_mels", "n_mfcc", "n_fft", "hop_length", "trim_db", "normalize")
NORMALIZATIONS = ("global", "utterance", "speaker")
POOLINGS = ("last", "mean")

# A small run for the quick comparison and the lesson (one classifier; each stretch heard once: its measures in a
# third of the time; the weights as they are: an average over one of two epochs would lag behind them).
QUICK_SETTINGS = {"epochs": 2, "ensemble": 1, "augment_copies": 0, "synth_voices": 0, "synth_takes": 0,
                  "near_miss_share": 0.0, "test_warp": 0.0, "weight_average_epochs": 0.0}
