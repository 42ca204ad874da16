"""Character-level chat with the explicit LSTM.

Commands:
  train    train an encoder-decoder on dialogue pairs (default: the English chatterbot corpus)
  reply    print the reply to one message
  talk     talk with the model (end with `quit`, Ctrl-D or Ctrl-C)
  explain  draw the gates of the encoder over a message and of the decoder over its reply

Examples:
  python -m demos.chat train
  python -m demos.chat reply "What is AI?"
  python -m demos.chat reply "Tell me a joke" --temperature 0.8 --seed 3
  python -m demos.chat talk
  python -m demos.chat explain "Do you like books?" --out gates.png
"""

import argparse
import sys
from pathlib import Path

from demos.chat.settings import Settings
from demos.common import (
    CLIError,
    HelpFormatter,
    add_settings_arguments,
    format_table,
    resolve_model_path,
    run_cli,
    set_seed,
    settings_from_args,
)

APP = "chat"
TRAIN_FLAGS = {
    "corpus": "chatterbot YAML file or folder, or a text file: one turn per line, blank line between conversations",
    "layer": "custom: ExplicitLSTM; builtin: keras.layers.LSTM",
    "epochs": "passes over the training pairs",
    "batch_size": "pairs per gradient step",
    "learning_rate": "initial Adam learning rate (cosine decay)",
    "units": "LSTM units of the encoder and of the decoder",
    "embedding_dim": "size of the character vectors",
    "dropout": "dropout on the decoder's inputs and outputs",
    "label_smoothing": "label smoothing of the training loss",
    "max_prompt_chars": "messages are cut to this many characters",
    "max_reply_chars": "replies are cut to this many characters",
    "validation_fraction": "share of conversations held out",
    "match_sample": "training prompts checked for an exact greedy reply (0: all)",
    "seed": "random seed",
    "out": "run folder (default: runs/chat/<time>-<layer>)",
}


def build_parser():
    parser = argparse.ArgumentParser(prog=f"python -m demos.{APP}", description=__doc__, formatter_class=HelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")
    train = commands.add_parser("train", help="train a model", formatter_class=HelpFormatter)
    add_settings_arguments(train, Settings(), TRAIN_FLAGS)
    reply = commands.add_parser("reply", help="reply to one message", formatter_class=HelpFormatter)
    reply.add_argument("message", help="what you say (any characters; long messages are cut)")
    talk = commands.add_parser("talk", help="talk with the model", formatter_class=HelpFormatter)
    explain = commands.add_parser("explain", help="draw the gates over a message and its reply", formatter_class=HelpFormatter)
    explain.add_argument("message", help="what you say")
    explain.add_argument("--out", default="chat_gates.png", help="PNG file to write")
    for command in (reply, talk, explain):
        command.add_argument("--model", default=None, help="run folder or model.keras (default: latest run)")
    for command in (reply, talk):
        command.add_argument("--temperature", type=float, default=0.0, help="0: greedy; above 0: sample")
        command.add_argument("--top-k", type=int, default=0, help="sample among the k likeliest characters (0: all)")
        command.add_argument("--seed", type=int, default=0, help="random seed of the sampling")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    {"train": train, "reply": reply, "talk": talk, "explain": explain}[args.command](args)


def train(args):
    from demos.chat.training import train as train_model

    result = train_model(settings_from_args(Settings, args))
    metrics = result.metrics
    names = ["val_bits_per_char", "baseline_val_bits_per_char", "novel_val_bits_per_char",
             "baseline_novel_val_bits_per_char", "train_prompt_match_rate", "train_seconds", "epochs"]
    print(format_table([[name, metrics[name]] for name in names if name in metrics], ["metric", "value"]))
    print(f"baseline: {metrics['baseline']}")
    for message, answer in metrics["sample_replies"]:
        print(f"  you> {message}\n  bot> {answer}")
    print(f"saved to {result.run_dir}")


def load(args):
    from demos.chat.training import load_writer

    if getattr(args, "temperature", 0.0) < 0 or getattr(args, "top_k", 0) < 0:
        raise CLIError("--temperature and --top-k must be 0 or more")
    return load_writer(resolve_model_path(APP, args.model))


def answer(writer, message, temperature=0.0, top_k=0, seed=0):
    """One reply; notes on stderr when the message is cut or holds unknown characters."""
    if len(message) > writer.max_prompt_chars:
        print(f"note: message cut to its first {writer.max_prompt_chars} characters", file=sys.stderr)
    unknown = {character for character in message[: writer.max_prompt_chars] if character not in writer.vocabulary.index}
    if unknown:
        print(f"note: unknown to the model, read as one symbol: {''.join(sorted(unknown))}", file=sys.stderr)
    set_seed(seed)
    return writer.write([message], temperature, top_k, seed)[0]


def reply(args):
    print(answer(load(args), args.message, args.temperature, args.top_k, args.seed))


def talk(args):
    writer = load(args)
    print("Say something (quit, Ctrl-D or Ctrl-C to end).")
    turn = 0
    while True:
        try:
            message = input("you> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return
        if message.strip().lower() == "quit":
            return
        print(f"bot> {answer(writer, message, args.temperature, args.top_k, args.seed + turn)}", flush=True)
        turn += 1


def explain(args):
    from demos.chat.explain import plot_conversation, trace_conversation

    if not args.message.strip():
        raise CLIError("explain needs a message with at least one character")
    writer = load(args)
    reply_text = answer(writer, args.message)
    trace, tick_labels, message_steps = trace_conversation(writer, args.message, reply_text)
    out = Path(args.out)
    if not out.parent.is_dir():
        raise CLIError(f"--out {out}: folder {out.parent} does not exist")
    plot_conversation(trace, tick_labels, message_steps, out, title=f"you: {args.message[:60]}\nbot: {reply_text[:60]}")
    print(f"bot> {reply_text}\nwrote {out}")


if __name__ == "__main__":
    run_cli(main)
