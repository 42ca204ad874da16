"""Latency of a 100-character chat reply, written one character at a time.

The LSTM reads the message once, then is stepped 100 times, carrying its
state `[h, c]` (the end symbol does not stop it here); a run with a memory
model first scores the message with both models, and the likelier writes
(the memory's reply stops at its end: whether it recites a reply it learnt
is known only from the whole reply, `prediction.ReplyWriter.recitations`);
as by default, only the corpus's words may be written (`decoding.WordLexicon`).
The reply is written warm several times; the median time is printed in ms.
Without `--model`, a fresh model of the default chat settings is timed
(the weights do not change the cost).

    python -m benchmarks.chat_reply_speed
    python -m benchmarks.chat_reply_speed --model runs/chat/<run> --repeats 20
    python -m benchmarks.chat_reply_speed --model runs/chat/<run> --beam 0 --message "see you tomorrow"

It says which model answered the message and how it wrote (the conversation
model by beam search of the run's `--reply-beam`, the memory greedily).
With a reply ranker, the ranker scoring `--reply-beam` replies of that
length is timed with the reply (here the beam never ends, so it would not
choose otherwise); with `--samples` (or the run's `--reply-samples`), the
sampled replies and the ranker's choice among them and the beam's are part
of the reply.
"""

import argparse
import statistics
import time

from demos.cli import CLIError, check_ranges
from demos.startup import import_keras


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.chat_reply_speed", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=None, help="chat run folder or model.keras (default: a fresh model)")
    parser.add_argument("--layer", choices=["custom", "builtin"], default="custom", help="layer of a fresh model")
    parser.add_argument("--chars", type=int, default=100, help="reply length in characters")
    parser.add_argument("--repeats", type=int, default=15, help="timed replies (median taken)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed replies first")
    parser.add_argument("--message", default="What is your favorite book?", help="the message replied to")
    parser.add_argument("--beam", type=int, default=None,
                        help="the conversation model's beam width (0 or 1: greedy; default: the run's --reply-beam, "
                        "as reply and talk; the memory model is greedy)")
    parser.add_argument("--samples", type=int, default=None,
                        help="replies sampled beside the beam's for the run's ranker to choose among (default: the "
                        "run's --reply-samples)")
    return parser.parse_args(argv)


def reply_writer(args):
    from datasets.dialogs import Vocabulary, load_conversations
    from demos.chat.decoding import WordLexicon
    from demos.chat.model import build_model
    from demos.chat.prediction import ReplyWriter, load_writer
    from demos.chat.settings import Settings

    if args.model:
        writer = load_writer(args.model, beam_width=args.beam, samples=args.samples)
    else:
        settings = Settings(layer=args.layer)
        turns = [turn for conversation in load_conversations() for turn in conversation]
        vocabulary = Vocabulary.from_texts(turns)
        lexicon = WordLexicon.from_texts(turns, vocabulary) if settings.known_words_only else None
        writer = ReplyWriter(build_model(settings, len(vocabulary)), vocabulary, 0, settings.max_context_chars,
                             lexicon, beam_width=settings.reply_beam if args.beam is None else args.beam)
    for each in writer.writers:  # the conversation model, and the memory model if the run has one
        each.max_reply_chars = args.chars
    return writer


def main(argv=None):
    args = parse_args(argv)
    try:
        check_ranges(args, not_negative=tuple(name for name in ("beam", "samples") if getattr(args, name) is not None))
        import_keras()
        writer = reply_writer(args)
    except CLIError as error:
        raise SystemExit(f"error: {error}") from None
    answering = writer.route([[args.message]])[0]
    ranked = answering.ranker is not None and answering.beam_width > 1 and not answering.samples
    seconds = []
    for repeat in range(args.warmup + args.repeats):
        start = time.perf_counter()
        reply = writer.write([args.message], stop_at_end=False)[0]
        if ranked:  # the beam never ends here: the ranker's choice among as many finished replies is timed beside it
            answering.ranker.scores([[args.message]], [[reply] * answering.beam_width])
        if repeat >= args.warmup:
            seconds.append(time.perf_counter() - start)
    decoding = (f"the {'memory' if answering is writer.memory else 'conversation'} model, "
                + (f"beam of {answering.beam_width}" if answering.beam_width > 1 else "greedy")
                + (", the ranker choosing among as many replies" if ranked else "")
                + (f" and {answering.samples} sampled, the ranker choosing" if answering.samples else ""))
    print(f"layer: {type(writer.model.get_layer('decoder')).__name__}, {decoding}, reply of {args.chars} steps "
          f"({len(reply)} characters shown), {args.repeats} repeats")
    print(f"median {1000 * statistics.median(seconds):.1f} ms, min {1000 * min(seconds):.1f} ms, "
          f"max {1000 * max(seconds):.1f} ms")


if __name__ == "__main__":
    main()
