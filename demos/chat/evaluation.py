"""Measures of a chat model, all on text it never trained on.

- bits per character of the held-out replies given the conversation so far,
  against an interpolated Kneser-Ney character n-gram over the same stream;
- recall@1 of 10: the true reply ranked among 9 replies of other test
  dialogues by the model's likelihood per character (Lowe et al., 2015),
  by its mutual information with the context (per character, and over
  the whole reply: the likelihood ratio), by that ratio measured both ways,
  and by the same with a cache of the conversation, against TF-IDF on the
  same candidates and chance;
- replies to hand-written everyday messages: known words, loops, distinct-1
  and distinct-2 (Li et al., 2016), word perplexity under a Kneser-Ney word
  trigram of the training replies (beside the human test replies');
- the chatterbot corpus's prompts and their typed variants: exact replies;
- with a memory model, the share of each set it answers (`*_memory_share`).
"""

import collections
import math

import numpy as np

from datasets.dialogs import Vocabulary, dialog_pairs
from demos.chat.baseline import KneserNey, TfidfRanker
from demos.chat.cache import Cache, cached_log_probabilities
from demos.chat.evaluation_sets import EVERYDAY_MESSAGES, read_lines, read_typed_prompts
from demos.chat.features import encode_conversation, evaluation_batches, scored_targets
from demos.chat.model import context_units
from demos.chat.normalization import basic_form, words
from demos.chat.prediction import ReplyWriter, reply_ids, reply_log_probabilities, target_log_probabilities

BASELINE_MAX_ORDER = 10
CANDIDATES = 10  # recall@1 of 10
BOOTSTRAP_SAMPLES = 2000
SHOWN_EVERYDAY = 20  # everyday messages shown with the retrieval bot's replies (README)
MARGINS = ("likelihood", "likelihood_ratio", "bidirectional", "cached_bidirectional", "ranker")  # against TF-IDF
# The cache's weight in the reply after the conversation and in the message after the reply: the best on 1,000
# validation tasks of the default run of 0.05-0.5 and of 0.1-0.3 (recall 0.470 there, TF-IDF 0.459).
CACHE_WEIGHTS = (0.3, 0.1)


def bits_per_char(model, batches):
    """Mean -log2 P(next character) over the characters of weight 1 of `batches` (`features.evaluation_batches`)."""
    bits, count = 0.0, 0.0
    for inputs, targets, weights in batches:  # compiled once per padded length: an eager LSTM steps in Python
        picked = target_log_probabilities(model.predict_on_batch(inputs), targets)
        bits -= (picked * weights).sum() / math.log(2)
        count += weights.sum()
    return bits / max(count, 1.0)


def evaluate_run(model, corpus, settings, run_dir=None, writer=None, memory=None, ranker=None):
    """Every measure of a trained model, as the keys of `metrics.json` (replies by `writer`: by default, as the
    settings' `reply_beam` says; its `ranker`, if any, is measured by recall too).

    Bits per character and recall measure `model` alone; the replies come
    from it and, for the messages `memory` finds likelier, from `memory`.
    """
    writer = writer or ReplyWriter(model, corpus.vocabulary, settings.max_reply_chars, settings.max_context_chars,
                                   corpus.lexicon if settings.known_words_only else None, run_dir,
                                   settings.reply_beam, memory=memory, normalizer=corpus.memory_normalizer,
                                   memory_replies=corpus.memory_replies, samples=settings.reply_samples,
                                   ranker=ranker, conditioner=ranker if context_units(model) else None)
    print("measuring: held-out bits per character and the Kneser-Ney baseline ...", flush=True)
    scores = held_out_scores(model, corpus, writer.conditioner)
    print("measuring: recall@1 of 10 against TF-IDF ...", flush=True)
    scores.update(recall_scores(writer, corpus, settings))
    print("measuring: replies to the hand-written sets ...", flush=True)
    scores.update(everyday_scores(writer, corpus))
    scores.update(chatterbot_scores(writer, corpus, settings))
    return scores


def held_out_scores(model, corpus, conditioner=None):
    """Bits per reply character of the model (given `conditioner`'s context vectors, if any) and of the n-gram
    baseline, on validation and test."""
    vocabulary = corpus.vocabulary
    baseline = KneserNey([encode_conversation(vocabulary, turns) for turns in corpus.all_training], len(vocabulary),
                         max_order=BASELINE_MAX_ORDER)
    streams = {}
    for name, held in (("val", corpus.validation), ("test", corpus.test)):
        streams[name] = ([encode_conversation(vocabulary, turns) for turns in held.conversations],
                         [scored_targets(vocabulary, turns, flags)[2]
                          for turns, flags in zip(held.conversations, held.scored, strict=True)])
    order, baseline_val = baseline.best_order(*streams["val"])
    return {
        **{f"{name}_bits_per_char": bits_per_char(model, evaluation_batches(
            vocabulary, held, vectors=conditioner and conditioner.turn_vectors(held.conversations)))
           for name, held in (("val", corpus.validation), ("test", corpus.test))},
        "baseline_val_bits_per_char": baseline_val,
        "baseline_test_bits_per_char": baseline.bits_per_char(streams["test"][0], order, streams["test"][1]),
        "baseline": f"interpolated Kneser-Ney character {order}-gram over the conversation (order best on validation)",
        "baseline_order": order,
        "validation_replies": len(corpus.validation.pairs),
        "test_replies": len(corpus.test.pairs),
        "validation_replies_removed": corpus.validation.removed,
        "test_replies_removed": corpus.test.removed,
    }


def recall_tasks(held, sample, seed):
    """(context turns, candidates with the true reply first) for a seeded sample of the scored test replies."""
    random = np.random.default_rng(seed)
    places = [(k, t) for k, flags in enumerate(held.scored) for t, flag in enumerate(flags) if flag]
    if 0 < sample < len(places):
        places = [places[i] for i in sorted(random.choice(len(places), sample, replace=False))]
    tasks = []
    for k, t in places:
        others = [j for j in random.choice(len(held.conversations), 3 * CANDIDATES, replace=True) if j != k]
        distractors = [held.conversations[j][int(random.integers(1, len(held.conversations[j])))]
                       for j in others[: CANDIDATES - 1]]
        tasks.append((held.conversations[k][:t], [held.conversations[k][t], *distractors]))
    return tasks


def recall_scores(writer, corpus, settings):
    """recall@1 of 10 of the model and of TF-IDF on the same candidates, and the bootstrap margins.

    The model ranks the candidates by their mean log-probability per
    character after the conversation so far; the writer's ranker, when it
    has one, by its cosine of context and reply (`ranker_...`); the other
    rankings are `candidate_scores`'.
    """
    tasks = recall_tasks(corpus.test, settings.recall_sample, settings.seed)
    contexts, candidates = [context for context, _ in tasks], [options for _, options in tasks]
    tfidf = TfidfRanker([turn for turns in corpus.all_training for turn in turns])
    tfidf_hits = np.array([tfidf.scores(" ".join(context), options).argmax() == 0 for context, options in tasks])
    scores = {"tfidf_recall_at_1_of_10": float(tfidf_hits.mean()), "chance_recall_at_1_of_10": 1 / CANDIDATES,
              "recall_tasks": len(tasks)}
    rankings = candidate_scores(writer, tasks)
    if writer.ranker is not None:
        rankings["ranker"] = writer.ranker.scores(contexts, candidates)
    for name, ranking in rankings.items():
        hits = ranking.argmax(axis=1) == 0
        prefix = "" if name == "likelihood" else f"{name}_"
        scores[f"{prefix}recall_at_1_of_10"] = float(hits.mean())
        if name in MARGINS:
            low, high = margin_interval(hits, tfidf_hits, settings.seed)
            scores.update({f"{prefix}recall_margin_ci_low": low, f"{prefix}recall_margin_ci_high": high})
    return scores


def candidate_scores(writer, tasks):
    """The conversation model's scores of each task's candidates, (tasks, candidates) each.

    - `likelihood`: the mean log-probability per character of the reply
      after the conversation so far;
    - `mutual_information`: that minus the same with no conversation before
      the reply (the reply as an opening turn): the pointwise mutual
      information of reply and context, the maximum mutual information
      criterion of Li et al. (2016), which takes off what makes a reply
      likely whatever was said;
    - `likelihood_ratio`: the same difference over the whole reply, log
      p(reply | conversation) - log p(reply): were the model exact, the
      candidate with the highest ratio would be the likeliest to be the true
      reply (Bayes' rule, the nine others drawn as replies of anything), so
      this is the model's own best guess, free of any weight to tune;
    - `bidirectional`: that plus log p(message | reply), the last message
      read after the candidate as an opening turn: by Bayes' rule the same
      ratio (the message's own likelihood is the same for every candidate)
      measured the other way, a second estimate of it;
    - `cached_bidirectional`: the same with a cache of the conversation
      mixed into both (`cache.py`; `CACHE_WEIGHTS`).
    """
    shape = (len(tasks), -1)  # CANDIDATES each, fewer where the held-out part has fewer dialogues
    contexts = [context for context, options in tasks for _ in options]
    candidates = [[reply] for _, options in tasks for reply in options]
    messages = [[context[-1]] for context in contexts]
    given = reply_log_probabilities(writer, [context for context, _ in tasks], [options for _, options in tasks])
    alone = reply_log_probabilities(writer, [[]] * len(tasks), [options for _, options in tasks])
    flipped = reply_log_probabilities(writer, candidates, messages)
    replies = [reply_ids(writer.vocabulary, reply) for [reply] in candidates]
    message_ids = [reply_ids(writer.vocabulary, message) for [message] in messages]
    conversations = [Cache(writer.context_ids(context)) for context, _ in tasks]  # each indexed once

    def total(rows, histories=None, targets=None, weight=0.0):
        if weight:
            rows = [cached_log_probabilities(*row, weight) for row in zip(rows, histories, targets, strict=True)]
        return np.array([row.sum() for row in rows]).reshape(shape)

    lengths = np.array([len(reply) for reply in replies]).reshape(shape)
    ratio = total(given) - total(alone)
    cached_ratio = (total(given, [conversations[k] for k, (_, options) in enumerate(tasks) for _ in options], replies,
                          CACHE_WEIGHTS[0])
                    - total(alone, [Cache(writer.context_ids([]))] * len(replies), replies, CACHE_WEIGHTS[0]))
    cached_flipped = total(flipped, [Cache(writer.context_ids(reply)) for reply in candidates], message_ids,
                           CACHE_WEIGHTS[1])
    return {"likelihood": total(given) / lengths, "mutual_information": ratio / lengths, "likelihood_ratio": ratio,
            "bidirectional": ratio + total(flipped), "cached_bidirectional": cached_ratio + cached_flipped}


def margin_interval(hits, baseline_hits, seed):
    """The bootstrap 95% interval of the mean of `hits` minus `baseline_hits` (booleans per task), resampling tasks."""
    margins = np.random.default_rng(seed).choice(
        hits.astype(float) - baseline_hits, (BOOTSTRAP_SAMPLES, len(hits))).mean(axis=1)
    return float(np.percentile(margins, 2.5)), float(np.percentile(margins, 97.5))


def is_loop(reply, max_chars):
    """True if the reply repeats a word 3-gram three times or runs to the length limit."""
    tokens = words(reply)
    trigrams = collections.Counter(zip(tokens, tokens[1:], tokens[2:]))
    return len(reply) >= max_chars or any(count >= 3 for count in trigrams.values())


def distinct(replies, n):
    """Distinct word n-grams over all n-grams of the replies (Li et al., 2016)."""
    grams = [tuple(tokens[k : k + n]) for tokens in map(words, replies) for k in range(len(tokens) - n + 1)]
    return len(set(grams)) / max(1, len(grams))


class WordTrigram:
    """An interpolated Kneser-Ney word trigram of training replies; `perplexity(texts)` per word (end included)."""

    def __init__(self, texts):
        self.index = {word: k + 3 for k, word in enumerate(sorted({w for text in texts for w in words(text)}))}
        self.model = KneserNey([self.encode(text) for text in texts], len(self.index) + 3, max_order=3)

    def encode(self, text):
        return [Vocabulary.START, *(self.index.get(word, Vocabulary.UNKNOWN) for word in words(text)), Vocabulary.END]

    def perplexity(self, texts):
        return 2 ** self.model.bits_per_char([self.encode(text) for text in texts], 3)


def memory_share(answering):
    return answering.count("memory") / max(1, len(answering))


def everyday_scores(writer, corpus):
    """The replies to the hand-written everyday messages, measured; the first few beside a retrieval bot's."""
    messages = read_lines(EVERYDAY_MESSAGES)
    replies, answering = write_all(writer, messages)
    corpus_words = corpus.lexicon.words
    reply_words = [word for reply in replies for word in words(reply)]
    trigram = WordTrigram([turns[t] for turns in corpus.all_training for t in range(1, len(turns))])
    retrieval = RetrievalBot(dialog_pairs(corpus.all_training))
    shown = messages[:SHOWN_EVERYDAY]
    return {
        "everyday_messages": len(messages),
        "everyday_known_word_rate": sum(word in corpus_words for word in reply_words) / max(1, len(reply_words)),
        "everyday_loop_rate": sum(is_loop(reply, writer.max_reply_chars) for reply in replies) / len(replies),
        "everyday_distinct_1": distinct(replies, 1),
        "everyday_distinct_2": distinct(replies, 2),
        "everyday_word_perplexity": trigram.perplexity([reply for reply in replies if reply]),
        "test_human_word_perplexity": trigram.perplexity([reply for _, reply in corpus.test.pairs]),
        "everyday_memory_share": memory_share(answering),
        "everyday_replies": [list(row) for row in zip(messages, replies, answering, strict=True)],
        "everyday_beside_retrieval": [[message, reply, answer] for message, reply, answer in
                                      zip(shown, replies, retrieval.replies(shown), strict=False)],
    }


def write_all(writer, conversations, batch_size=128):
    """(the writer's unsampled replies, "memory" or "conversation" for the model that wrote each), `batch_size`
    conversations at a time."""
    replies, answering = [], []
    for start in range(0, len(conversations), batch_size):
        written, routes = writer.write_routed(conversations[start : start + batch_size])
        replies += written
        answering += ["memory" if chosen is writer.memory else "conversation" for chosen in routes]
    return replies, answering


def is_corpus_reply(written, replies, max_chars):
    """True if `written` is one of `replies`, each cut to its first `max_chars` characters."""
    return any(written == reply[:max_chars] for reply in replies)


def chatterbot_scores(writer, corpus, settings):
    """Exact replies to the chatterbot prompts (`train_prompt_match_rate`) and to their typed variants."""
    replies = collections.defaultdict(list)
    for prompt, reply in corpus.chatterbot_pairs:
        replies[prompt].append(reply)
    prompts = list(replies)
    if 0 < settings.match_sample < len(prompts):
        chosen = np.random.default_rng(settings.seed).choice(len(prompts), settings.match_sample, replace=False)
        prompts = [prompts[k] for k in sorted(chosen)]
    written, answering = write_all(writer, prompts)
    hits = [is_corpus_reply(reply, replies[prompt], writer.max_reply_chars) for prompt, reply in zip(prompts, written)]
    by_form = {basic_form(prompt): prompt for prompt in replies}
    rows = [(typed, by_form[basic_form(meant)]) for typed, meant in read_typed_prompts() if basic_form(meant) in by_form]
    typed_written, typed_answering = write_all(writer, [typed for typed, _ in rows])
    misses = [[typed, reply, meant] for (typed, meant), reply in zip(rows, typed_written, strict=True)
              if not is_corpus_reply(reply, replies[meant], writer.max_reply_chars)]
    return {
        "train_prompt_match_rate": sum(hits) / max(1, len(hits)),
        "train_prompt_memory_share": memory_share(answering),
        "typed_prompt_memory_share": memory_share(typed_answering),
        "match_prompts": len(hits),
        "typed_prompt_match_rate": (len(rows) - len(misses)) / len(rows) if rows else None,
        "typed_prompts": len(rows),
        "typed_prompt_misses": misses,
        "sample_replies": [[prompt, reply] for prompt, reply in zip(prompts[:3], written[:3])],
    }


class RetrievalBot:
    """The nearest training prompt's reply, by TF-IDF over character 2-4-grams: the bar a generator must clear."""

    def __init__(self, pairs):
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.pairs = list(dict.fromkeys(pairs))
        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), lowercase=True)
        self.prompts = self.vectorizer.fit_transform([prompt for prompt, _ in self.pairs])

    def replies(self, messages):
        nearest = (self.vectorizer.transform(messages) @ self.prompts.T).toarray().argmax(axis=1)
        return [self.pairs[k][1] for k in nearest]
