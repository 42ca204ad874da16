"""Character-level chat with the explicit LSTM.

Commands:
  train    train an encoder-decoder on dialogue pairs (default: the English chatterbot corpus)
  reply    print the reply to one message (greedy; --beam 4: beam search)
  talk     talk with the model (end with `quit`, Ctrl-D or Ctrl-C)
  evaluate score a run's replies to the hand-written sets, greedy or with --beam
  explain  draw the gates of the encoder over a message and of the decoder over its reply

Examples:
  python -m demos.chat train
  python -m demos.chat reply "What is AI?"
  python -m demos.chat reply "Tell me a joke" --temperature 0.8 --seed 3
  python -m demos.chat talk
  python -m demos.chat evaluate --beam 4
  python -m demos.chat explain "Do you like books?" --out gates.png
"""

import argparse
import sys

from demos import common
from demos.chat.settings import APP, Settings

TRAIN_FLAGS = {
    "corpus": "chatterbot YAML file or folder; a Cornell Movie-Dialogs folder (movie_lines.txt, "
    "movie_conversations.txt), or `cornell` to download it; or a text file: one turn per line, a blank line "
    "between conversations (default: the English chatterbot corpus)",
    "epochs": "passes over the training pairs",
    "pretrain_epochs": "passes first over every training text (prompts too) as a reply to an empty message: the "
    "decoder learns the language before the pairs (0: off)",
    "batch_size": "pairs per gradient step",
    "learning_rate": "initial Adam learning rate (cosine decay)",
    "units": "LSTM units of the encoder and of the decoder",
    "embedding_dim": "size of the character vectors",
    "dropout": "dropout on the decoder's inputs and outputs",
    "label_smoothing": "label smoothing of the training loss",
    "prompt_noise": "share of training prompts given typing slips (a letter, a word, a space) each time they are read",
    "weight_decay": "AdamW's decoupled weight decay",
    "known_words_only": "replies use only words of the training corpus (--no-known-words-only: any spelling)",
    "max_training_pairs": "train on a seeded sample of this many distinct pairs (0: all)",
    "max_prompt_chars": "messages are cut to this many characters",
    "max_reply_chars": "replies are cut to this many characters",
    "validation_fraction": "share of distinct prompts (normalized) held out with all their replies",
    "match_sample": "training prompts checked for an exact greedy reply (0: all)",
}


DEFAULT_BEAM = 0  # greedy by default: beam search (prediction.beam_reply) matched fewer typed prompts


def build_parser():
    parser, commands = common.demo_parser(APP, __doc__)
    train_parser = common.add_command(commands, "train", train, "train a model")
    common.add_settings_arguments(train_parser, Settings(), common.train_flags(APP, TRAIN_FLAGS))
    reply_parser = common.add_command(commands, "reply", reply, "reply to one message")
    reply_parser.add_argument("message", help="what you say (any characters; long messages are cut)")
    talk_parser = common.add_command(commands, "talk", talk, "talk with the model")
    explain_parser = common.add_command(commands, "explain", explain, "draw the gates over a message and its reply")
    explain_parser.add_argument("message", help="what you say")
    common.add_out_argument(explain_parser, "gates-chat.png")
    evaluate_parser = common.add_command(
        commands, "evaluate", evaluate, "score a run's replies to the hand-written sets, with a chosen decoding",
        description="Typed prompts and new messages (evaluation_sets/), and with --match-sample the exact training "
        "prompts, replied to with the decoding chosen by --beam (as reply and talk take it); writes "
        "evaluation-greedy.json or evaluation-beam<N>.json in the run folder.")
    evaluate_parser.add_argument("--match-sample", type=int, default=0,
                                 help="also check this many training prompts for an exact reply (0: none)")
    for command in (reply_parser, talk_parser, explain_parser, evaluate_parser):
        common.add_model_argument(command, APP)
    for command in (reply_parser, talk_parser, evaluate_parser):
        command.add_argument("--beam", type=int, default=DEFAULT_BEAM,
                             help="keep this many likeliest partial replies and write the best whole one (beam "
                             "search; 0 or 1: greedy, one character at a time); ignored when sampling")
    for command in (reply_parser, talk_parser):
        command.add_argument("--temperature", type=float, default=0.0, help="0: greedy; above 0: sample")
        command.add_argument("--top-k", type=int, default=0, help="sample among the k likeliest characters (0: all)")
        command.add_argument("--seed", type=int, default=0, help="random seed of the sampling")
        command.add_argument("--known-words-only", action=argparse.BooleanOptionalAction, default=None,
                             help="write only words of the training corpus (default: as the model was trained)")
    return parser


def train(args):
    from demos.chat.training import train as train_model

    result = train_model(common.settings_from_args(Settings, args))
    metrics = result.metrics
    names = ["val_bits_per_char", "baseline_val_bits_per_char", "train_prompt_match_rate", "typed_prompt_match_rate",
             "novel_reply_known_word_rate", "novel_reply_loop_rate", "train_seconds", "epochs"]
    print(common.format_table([[name, metrics[name]] for name in names if name in metrics], ["metric", "value"]))
    print(f"baseline: {metrics['baseline']}")
    for message, answer_text in metrics["sample_replies"]:
        print(f"  you> {message}\n  bot> {answer_text}")
    print(f"saved to {result.run_dir}")


def load(args):
    from demos.chat.prediction import load_writer

    for name in ("temperature", "top_k", "beam", "match_sample"):
        if getattr(args, name, 0) < 0:
            raise common.CLIError(f"--{name.replace('_', '-')} must be 0 or more, got {getattr(args, name)}")
    return load_writer(args.model, getattr(args, "known_words_only", None), getattr(args, "beam", 0))


def evaluate(args):
    from demos.chat.evaluation import hand_written_scores, match_rate
    from demos.chat.training import prepare_data

    writer = load(args)
    corpus = prepare_data(common.read_settings(writer.run_dir, Settings))
    print(f"replying to the hand-written sets with {decoding_name(writer.beam_width)} ...", flush=True)
    scores = {"decoding": decoding_name(writer.beam_width),
              **hand_written_scores(writer, corpus.training_pairs, corpus.lexicon.words)}
    if args.match_sample:
        scores["train_prompt_match_rate"], scores["match_prompts"] = match_rate(
            writer, corpus.training_pairs, args.match_sample, seed=0)
    names = ["typed_prompt_match_rate", "novel_reply_known_word_rate", "novel_reply_loop_rate",
             "train_prompt_match_rate"]
    print(common.format_table([[name, scores[name]] for name in names if name in scores], ["metric", "value"]))
    path = writer.run_dir / f"evaluation-{f'beam{writer.beam_width}' if writer.beam_width > 1 else 'greedy'}.json"
    common.write_json(path, scores)
    print(f"wrote {path}")


def decoding_name(beam_width):
    return f"beam search, width {beam_width}" if beam_width > 1 else "greedy"


def answer(writer, message, temperature=0.0, top_k=0, seed=0):
    """One reply; notes on stderr when the message is cut or holds unknown characters."""
    from demos.common import set_seed

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
    from demos.common import output_path

    if not args.message.strip():
        raise common.CLIError("explain needs a message with at least one character")
    writer = load(args)
    out = output_path(args.out, writer.run_dir / "gates-chat.png")
    reply_text = answer(writer, args.message)
    trace, tick_labels, message_steps = trace_conversation(writer, args.message, reply_text)
    plot_conversation(trace, tick_labels, message_steps, out, title=f"you: {args.message[:60]}\nbot: {reply_text[:60]}")
    print(f"bot> {reply_text}\nwrote {out}")


def main(argv=None):
    return common.run_cli(build_parser(), argv)


if __name__ == "__main__":
    main()
