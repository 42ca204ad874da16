"""Character-level chat with the explicit LSTM.

Commands:
  train    train a character LSTM on conversations (default: DailyDialog, the chatterbot corpus, the persona)
  reply    print the reply to one message (--before: earlier turns; --beam 4: beam search)
  talk     talk with the model; the conversation so far is its context (end with `quit`, Ctrl-D or Ctrl-C)
  evaluate measure a run again: held-out bits per character, recall@1 of 10, the hand-written sets
  explain  draw the gates of the LSTM over a conversation and its reply

Examples:
  python -m demos.chat train
  python -m demos.chat train --resume --out runs/chat/<run>
  python -m demos.chat reply "hi there"
  python -m demos.chat reply "what time?" --before "shall we meet tomorrow?" --before "sure, gladly."
  python -m demos.chat talk
  python -m demos.chat explain "Do you like books?" --out gates.png
"""

import argparse
import dataclasses
import sys

from demos import cli, plots, runs, startup
from demos.chat.settings import APP, SAMPLE_TEMPERATURE, Settings

TRAIN_FLAGS = {
    "corpus": "dailydialog (DailyDialog alone), cornell (downloaded once), a DailyDialog or Cornell folder, a "
    "chatterbot YAML file or folder, or a text file: one turn per line, a blank line between conversations "
    "(default: DailyDialog with the chatterbot corpus and the persona; without DailyDialog, the latter two)",
    "epochs": "passes over the training conversations",
    "batch_size": "parallel streams of conversation text per gradient step",
    "sequence_length": "characters per stream and gradient step (the LSTM state carries on to the next step)",
    "learning_rate": "AdamW's peak learning rate (reached after the warm-up, then a cosine decay to 5%% of it)",
    "warmup": "share of all training steps over which the learning rate rises linearly from 0 to its peak",
    "adam_beta2": "AdamW's decay rate of its mean squared gradient (0.99: it forgets old gradients sooner than "
    "Keras' 0.999, so a sudden larger gradient moves the weights less far)",
    "units": "LSTM units",
    "embedding_dim": "size of the character vectors",
    "precision": "arithmetic of both models' training (the conversation and the memory): mixed_bfloat16 "
    "(bfloat16 products, float32 weights and logits; about 1.4x as many characters a second on a CPU with "
    "bfloat16 instructions, as much learnt per character), float32, or auto (mixed_bfloat16 on TensorFlow where "
    "the CPU reports avx512_bf16 or amx_bf16, else float32; on a GPU, say which); saved with the run as "
    "resolved; the saved model reads and writes in float32",
    "dropout": "dropout on the LSTM's inputs and outputs",
    "weight_decay": "AdamW's decoupled weight decay",
    "weight_average": "the conversation model keeps an exponential moving average of its weights, its time constant "
    "this share of all training steps, and saves and measures the average (0: the last step's weights)",
    "small_corpus_repeats": "times the chatterbot corpus and the persona join DailyDialog's stream per epoch (the "
    "conversation model; 0: they are the memory model's alone)",
    "memory_epochs": "passes of a second, smaller model over the chatterbot corpus and the persona, learnt by heart; "
    "each message goes to the model that finds it likelier (0: no memory model)",
    "memory_units": "LSTM units of the memory model",
    "ranker_epochs": "passes of the reply ranker, a dual-encoder LSTM of words that scores how well a reply answers "
    "the conversation (recall@1 of 10 beside the conversation model's; 0: no ranker)",
    "ranker_units": "LSTM units of each of the ranker's two encoders (the context's and the reply's)",
    "ranker_turns": "the ranker reads this many last turns of the conversation before a reply",
    "ranker_context": "train the ranker first and give the conversation model its vector of the conversation so far "
    "at every character, beside the character (--no-ranker-context, or --ranker-epochs 0: the characters alone)",
    "prompt_noise": "share of chatterbot prompts read in a casual form (lower case, no punctuation, typing slips)",
    "known_words_only": "replies use only words of the training corpus (--no-known-words-only: any spelling)",
    "reply_beam": "the conversation model writes its replies by beam search of this width (0 or 1: greedy, one "
    "character at a time); saved with the run, --beam of reply, talk and evaluate overrides it; the memory model "
    "recites greedily",
    "reply_samples": "with a reply ranker, this many replies are also sampled (temperature "
    f"{SAMPLE_TEMPERATURE}) and the ranker picks the one that answers best among them and the beam's (sample-and-rank; "
    "0: the beam's alone); saved with the run, --samples of reply, talk and evaluate overrides it",
    "max_training_pairs": "train on a seeded sample of this many (prompt, reply) pairs of the corpus (0: all)",
    "max_reply_chars": "replies end after this many characters",
    "max_context_chars": "the conversation so far is read up to this many characters back",
    "validation_fraction": "corpora without an official split: share of conversations held out for validation "
    "(and as much again for test)",
    "match_sample": "chatterbot prompts checked for an exact greedy reply (0: all)",
    "recall_sample": "test replies ranked among 10 for recall@1 (0: all)",
}


DEFAULT_ANTI_LM = 0.0  # weight of the context-free log-probability taken off each reply character (0: none)
DEFAULT_ANTI_LM_CHARS = 0  # reply characters chosen with it (0: all)


def build_parser():
    parser, commands = cli.demo_parser(APP, __doc__)
    train_parser = cli.add_command(commands, "train", train, "train a model")
    cli.add_settings_arguments(train_parser, Settings(), cli.train_flags(APP, TRAIN_FLAGS))
    train_parser.add_argument("--resume", action="store_true",
                              help="continue the run in --out from its last checkpoint (written after each epoch), "
                              "with the settings it was started with")
    reply_parser = cli.add_command(commands, "reply", reply, "reply to one message")
    reply_parser.add_argument("message", help="what you say (any characters)")
    reply_parser.add_argument("--before", action="append", default=[],
                              help="an earlier turn of the conversation, oldest first (repeat the flag)")
    talk_parser = cli.add_command(commands, "talk", talk, "talk with the model")
    explain_parser = cli.add_command(commands, "explain", explain, "draw the gates over a message and its reply")
    explain_parser.add_argument("message", help="what you say")
    cli.add_out_argument(explain_parser, "gates-chat.png")
    evaluate_parser = cli.add_command(
        commands, "evaluate", evaluate, "measure a run again on its held-out conversations and the hand-written sets",
        description="Held-out bits per character against Kneser-Ney, recall@1 of 10 against TF-IDF, the everyday "
        "messages and the chatterbot prompts, replied to with the decoding chosen by --beam; writes "
        "evaluation-greedy.json or evaluation-beam<N>.json in the run folder (with --recall-sample other than the "
        "run's, -recall<N>.json or -recall-all.json at the end).")
    evaluate_parser.add_argument("--recall-sample", type=int, default=None,
                                 help="test replies ranked among 10 for recall@1 (0: all of them; default: the run's)")
    for command in (reply_parser, talk_parser, explain_parser, evaluate_parser):
        cli.add_model_argument(command, APP)
    for command in (reply_parser, talk_parser, evaluate_parser):
        command.add_argument("--beam", type=int, default=None,
                             help="keep this many likeliest partial replies and write the best whole one (beam "
                             "search; 0 or 1: greedy, one character at a time; default: the run's --reply-beam); "
                             "ignored when sampling")
        command.add_argument("--anti-lm", type=float, default=DEFAULT_ANTI_LM,
                             help="maximum mutual information: take this much of the log-probability of each "
                             "character given no conversation off the one given the conversation (0: none; not with "
                             "--beam)")
        command.add_argument("--anti-lm-chars", type=int, default=DEFAULT_ANTI_LM_CHARS,
                             help="only the first this many characters of a reply are chosen with --anti-lm (0: all)")
        command.add_argument("--samples", type=int, default=None,
                             help="with the run's ranker, sample this many replies more and let it pick among them and "
                             "the beam's (default: the run's --reply-samples; 0: the beam's alone); ignored when "
                             "sampling")
        command.add_argument("--ranker", action=argparse.BooleanOptionalAction, default=True,
                             help="with beam search, the run's reply ranker (if it has one) picks the reply among those "
                             "the beam finished that answers best (--no-ranker: the likeliest; evaluate also leaves "
                             "the ranker's recall out)")
    for command in (reply_parser, talk_parser):
        command.add_argument("--temperature", type=float, default=0.0, help="0: greedy; above 0: sample")
        command.add_argument("--top-k", type=int, default=0, help="sample among the k likeliest characters (0: all)")
        command.add_argument("--seed", type=int, default=0, help="random seed of the sampling")
        command.add_argument("--known-words-only", action=argparse.BooleanOptionalAction, default=None,
                             help="write only words of the training corpus (default: as the model was trained)")
    return parser


def train(args):
    from demos.chat.training import train as train_model

    settings = cli.settings_from_args(Settings, args)
    if args.resume:
        if not settings.out:
            raise cli.CLIError("--resume needs --out, the run folder to continue")
        settings = dataclasses.replace(runs.read_settings(settings.out, Settings), out=settings.out)
    result = train_model(settings, resume=args.resume)
    print_scores(result.metrics)
    print(f"saved to {result.run_dir}")


SHOWN_METRICS = ["test_bits_per_char", "baseline_test_bits_per_char", "recall_at_1_of_10", "tfidf_recall_at_1_of_10",
                 "recall_margin_ci_low", "cached_bidirectional_recall_at_1_of_10",
                 "cached_bidirectional_recall_margin_ci_low", "ranker_recall_at_1_of_10",
                 "ranker_recall_margin_ci_low", "everyday_known_word_rate", "everyday_loop_rate", "everyday_distinct_2",
                 "train_prompt_match_rate", "typed_prompt_match_rate", "train_seconds"]


def print_scores(scores):
    print(plots.format_table([[name, scores[name]] for name in SHOWN_METRICS if name in scores], ["metric", "value"]))
    if "baseline" in scores:
        print(f"baseline: {scores['baseline']}")
    for message, reply_text, *_ in scores.get("everyday_beside_retrieval", [])[:5]:
        print(f"  you> {message}\n  bot> {reply_text}")


def load(args):
    from demos.chat.prediction import load_writer

    for name in ("temperature", "top_k", "beam", "samples", "anti_lm", "anti_lm_chars", "recall_sample"):
        if (getattr(args, name, 0) or 0) < 0:
            raise cli.CLIError(f"--{name.replace('_', '-')} must be 0 or more, got {getattr(args, name)}")
    return load_writer(args.model, getattr(args, "known_words_only", None), getattr(args, "beam", None),
                       getattr(args, "anti_lm", 0.0), getattr(args, "anti_lm_chars", 0), getattr(args, "ranker", True),
                       getattr(args, "samples", None))


def evaluate(args):
    from demos.chat.data import prepare_data
    from demos.chat.evaluation import evaluate_run

    writer = load(args)
    settings = runs.read_settings(writer.run_dir, Settings)
    name = decoding_file_name(writer)
    if args.recall_sample is not None and args.recall_sample != settings.recall_sample:
        settings = dataclasses.replace(settings, recall_sample=args.recall_sample)
        name += f"-recall{args.recall_sample or '-all'}"
    scores = {"decoding": decoding_name(writer),
              **evaluate_run(writer.model, prepare_data(settings), settings, writer.run_dir, writer)}
    print_scores(scores)
    path = writer.run_dir / f"evaluation-{name}.json"
    runs.write_json(path, scores)
    print(f"wrote {path}")


def decoding_name(writer):
    if writer.beam_width > 1 or writer.samples:
        sampled = f"{writer.samples} sampled" if writer.samples else ""
        if writer.beam_width <= 1:
            name = f"{sampled} replies, the ranker choosing"
        else:
            ranked = "" if writer.ranker is None else ", the ranker choosing among the finished replies"
            name = f"beam search, width {writer.beam_width}{ranked}" + (f" and {sampled}" if sampled else "")
        return name + ("" if writer.memory is None else " (the memory: greedy)")
    if writer.anti_lm > 0:
        span = f"the first {writer.anti_lm_chars} characters" if writer.anti_lm_chars else "every character"
        return f"greedy, anti-LM {writer.anti_lm:g} over {span}"
    return "greedy"


def decoding_file_name(writer):
    if writer.beam_width > 1 or writer.samples:
        beam = f"beam{writer.beam_width}" if writer.beam_width > 1 else ""
        sampled = f"samples{writer.samples}" if writer.samples else ""
        return "-".join(part for part in (beam, sampled, "" if writer.ranker is None else "ranked") if part)
    if writer.anti_lm > 0:
        return f"antilm{writer.anti_lm:g}-{writer.anti_lm_chars}"
    return "greedy"


def answer(writer, turns, temperature=0.0, top_k=0, seed=0):
    """The reply to the last of `turns`; its notes (a message cut, unknown characters) on stderr."""
    from demos.chat.prediction import answer as write_answer

    reply_text, notes = write_answer(writer, turns, temperature, top_k, seed)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    return reply_text


def reply(args):
    print(answer(load(args), [*args.before, args.message], args.temperature, args.top_k, args.seed))


def talk(args):
    writer = load(args)
    print("Say something (quit, Ctrl-D or Ctrl-C to end).")
    turns = []
    while True:
        try:
            message = input("you> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return
        if message.strip().lower() == "quit":
            return
        bot = answer(writer, [*turns, message], args.temperature, args.top_k, args.seed + len(turns))
        print(f"bot> {bot}", flush=True)
        turns += [message, bot]


def explain(args):
    from demos.chat.explain import plot_conversation, trace_conversation
    from demos.runs import output_path

    if not args.message.strip():
        raise cli.CLIError("explain needs a message with at least one character")
    writer = load(args)
    out = output_path(args.out, writer.run_dir / "gates-chat.png")
    reply_text = answer(writer, [args.message])
    writer = writer.route([[args.message]])[0]  # the model that wrote the reply: its gates are drawn
    trace, tick_labels, message_steps = trace_conversation(writer, [args.message], reply_text)
    plot_conversation(trace, tick_labels, message_steps, out, title=f"you: {args.message[:60]}\nbot: {reply_text[:60]}")
    print(f"bot> {reply_text}\nwrote {out}")


def main(argv=None):
    return cli.run_cli(build_parser(), argv, prepare=startup.prepare_devices)


if __name__ == "__main__":
    main()
