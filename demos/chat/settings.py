"""The settings of the chat demo: one dataclass, one field per `train` flag."""

import dataclasses

APP = "chat"


@dataclasses.dataclass
class Settings:
    corpus: str | None = None  # YAML file/folder or plain text file; None: the English chatterbot corpus
    layer: str = "custom"  # "custom" (ExplicitLSTM) or "builtin" (keras.layers.LSTM)
    epochs: int = 50  # passes over the training pairs
    pretrain_epochs: int = 0  # passes first over every training text (prompts too) as a reply to an empty message
    batch_size: int = 16  # pairs per gradient step
    learning_rate: float = 0.01  # Adam's initial learning rate, decayed to 2% of it along a cosine
    units: int = 256  # LSTM units of the encoder and of the decoder
    embedding_dim: int = 48  # size of each character's learned vector
    dropout: float = 0.0  # fraction of the decoder's inputs and outputs dropped in training
    label_smoothing: float = 0.0  # share of each target's probability spread over all characters
    prompt_noise: float = 0.3  # share of training prompts given one or two typing slips each time they are read
    weight_decay: float = 0.1  # AdamW's decoupled weight decay (shrinks every weight a little each step)
    known_words_only: bool = True  # replies use only words of the training corpus (decoding.WordLexicon)
    max_training_pairs: int = 0  # train on a seeded sample of this many distinct pairs (0: all of them)
    max_prompt_chars: int = 64  # longer messages are cut to their first characters
    max_reply_chars: int = 120  # longer replies are cut (and never end) in training
    validation_fraction: float = 0.1  # share of distinct normalized prompts held out, with all their pairs
    match_sample: int = 0  # training prompts checked for an exact greedy reply (0: all of them)
    distribute: bool = False  # train data-parallel over every local device (the global batch is split)
    cpu_devices: int = 0  # split the CPU into this many virtual devices first (0: leave it whole)
    seed: int = 0  # seeds the split, the weights, batching and sampling
    out: str | None = None  # run folder; None: a new folder under runs/chat/
