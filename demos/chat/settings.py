"""The settings of the chat demo: one dataclass, one field per `train` flag."""

import dataclasses

APP = "chat"
# The training arithmetic of both chat models: Keras dtype policies, or "auto" (training.resolve_precision).
PRECISIONS = ("auto", "mixed_bfloat16", "float32")
SAMPLE_TEMPERATURE = 0.7  # of the replies sampled for the ranker to choose among (`reply_samples`)


@dataclasses.dataclass
class Settings:
    # None: DailyDialog (when found) + the chatterbot corpus + the persona; "dailydialog": DailyDialog alone;
    # "cornell", a YAML file or folder, a DailyDialog or Cornell folder, or a plain text file.
    corpus: str | None = None
    layer: str = "custom"  # one of demos.cli.LAYER_NAMES ("custom": ExplicitLSTM, "builtin": keras.layers.LSTM)
    epochs: int = 18  # passes over the training conversations (about 2 minutes each here)
    batch_size: int = 128  # parallel streams of conversation text per gradient step
    sequence_length: int = 64  # characters per stream and step (the state carries on to the next step)
    learning_rate: float = 0.006  # AdamW's peak learning rate, decayed to 5% of it along a cosine
    warmup: float = 0.03  # share of the steps over which the learning rate first rises from 0 to its peak
    adam_beta2: float = 0.99  # AdamW's decay of its mean squared gradient (a shorter memory than Keras' 0.999)
    units: int = 384  # LSTM units
    embedding_dim: int = 48  # size of each character's learned vector
    precision: str = "auto"  # both models' training arithmetic (PRECISIONS); weights float32
    dropout: float = 0.0  # fraction of the LSTM's inputs and outputs dropped in training
    weight_decay: float = 0.0  # AdamW's decoupled weight decay
    weight_average: float = 0.1  # the saved weights: a moving average over this share of the steps (0: the last)
    small_corpus_repeats: int = 0  # times the chatterbot corpus and the persona join DailyDialog's stream per epoch
    memory_epochs: int = 40  # passes of the memory model over the chatterbot corpus and the persona (0: none)
    memory_units: int = 256  # LSTM units of the memory model
    ranker_epochs: int = 2  # passes of the reply ranker (ranker.py) over the training replies (0: no ranker)
    ranker_units: int = 128  # LSTM units of each of the ranker's two encoders
    ranker_turns: int = 2  # the ranker reads this many last turns of the conversation
    ranker_context: bool = True  # with a ranker, the conversation model also reads its vector of the conversation so far
    prompt_noise: float = 0.3  # share of chatterbot prompts read in a casual form with typing slips
    known_words_only: bool = True  # replies use only words of the training corpus (decoding.WordLexicon)
    reply_beam: int = 4  # the conversation model's replies by beam search of this width (0 or 1: greedy); the memory's greedy
    reply_samples: int = 0  # with a ranker, it picks among the beam's replies and this many sampled ones
    max_training_pairs: int = 0  # train on a seeded sample of this many conversations of two turns (0: all)
    max_reply_chars: int = 120  # a reply ends after this many characters
    max_context_chars: int = 1000  # the conversation so far is read up to this many characters back
    validation_fraction: float = 0.1  # corpora without an official split: share of conversations held out
    match_sample: int = 0  # chatterbot prompts checked for an exact greedy reply (0: all of them)
    recall_sample: int = 2000  # test replies ranked among 10 (0: all of them)
    distribute: bool = False  # train data-parallel over every local device (the global batch is split)
    cpu_devices: int = 0  # split the CPU into this many virtual devices first (0: leave it whole)
    seed: int = 0  # seeds the split, the weights, the data order and sampling
    out: str | None = None  # run folder; None: a new folder under runs/chat/


# How the memory model (model.build_memory_model) learns the chatterbot corpus and the persona by heart: 16 pairs a
# step (features.PairBatches), a high learning rate; its model of the messages weighs less than its replies.
# Runs that learn pairs by heart keep their last weights and Keras' AdamW as it comes (no warm-up, beta_2 0.999): the
# warm-up and beta_2 of `Settings` were measured on the conversation model alone (README, Model).
BY_HEART = {"weight_average": 0.0, "warmup": 0.0, "adam_beta2": 0.999}
MEMORY_SETTINGS = {"batch_size": 16, "learning_rate": 0.01, "dropout": 0.0, "weight_decay": 0.1, **BY_HEART}
MEMORY_MESSAGE_WEIGHT = 0.25

# A small run for the quick comparison and the lesson: 60 chatterbot pairs learnt by heart in a minute or two
# (recited greedily: no memory model beside it).
QUICK_SETTINGS = {"max_training_pairs": 60, "epochs": 60, "units": 128, "batch_size": 8, "sequence_length": 32,
                  "learning_rate": 0.01, "prompt_noise": 0.0, "match_sample": 0, "recall_sample": 200,
                  "reply_beam": 0, "precision": "float32", "ranker_epochs": 0, **BY_HEART}
