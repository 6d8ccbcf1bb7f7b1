"""The safety classifier: a fastText model of offensive or hateful text, scored over windows of a document.

A fastText model reads one line; a web page is thousands of words of which a few may be abusive,
and the model was trained on tweets (~14 words). So a document is cut into windows of about a
tweet's length (sentences packed up to `window_words` words) and each window is scored. The document
score is the mean of the window scores weighted by their words: the expected share of the text that
is unsafe. The maximum window score, the obvious alternative, grows with length: on 184 held-out
clean English pages it flagged 16% at 0.5 (one odd sentence is enough in a long page) where the
mean flagged none, at the same F1 on tweets (perf/RESULTS.md). The price: one abusive paragraph in a
long clean page is diluted; the maximum window score is kept as a measurement.
Windows shorter than `min_window_words` (menu items, captions) are not scored.

Known limits: the model learned Davidson's labels, which confound informal and African-American
English with offence (Sap et al. 2019, "The Risk of Racial Bias in Hate Speech Detection"); the
clean web negatives pull it back for edited prose, not for chat. The highest-scoring clean English
page of the bundled sample is a forum index in slang ("Woulda Coulda Shoulda"), at 0.55.

Commands (deterministic: one thread, fixed seed; `train` rebuilds the shipped model byte for byte
with the same fastText build):

    python -m classifiers.safety train [--output classifiers/models/safety-davidson-web.ftz]
    python -m classifiers.safety eval  [--model PATH] [--label unsafe]
"""
from __future__ import annotations

import argparse
import html
import os
import re
import sys
import tempfile
from typing import Dict, Iterable, List, Optional, Sequence

from classifiers.model_files import shipped_model_path

DEFAULT_MODEL = "safety-davidson-web.ftz"
DEFAULT_LABEL = "unsafe"
_LABEL_PREFIX = "__label__"

# Tweet furniture the clean text never has: left in, the model would learn "looks like a tweet".
_URL = re.compile(r"https?://\S+|www\.\S+|\b\S+\.(?:com|net|org)/\S*")
_MENTION = re.compile(r"@\w+")
_RETWEET = re.compile(r"\bRT\b")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")  # letters only: digits, emoji and punctuation differ by genre
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")


def _clean(text: str) -> str:
    text = html.unescape(text)  # tweets carry "&amp;" and "&#8220;"
    text = _URL.sub(" ", text)
    text = _MENTION.sub(" ", text)
    text = _RETWEET.sub(" ", text)
    return text.replace("’", "'").lower()


def normalize(text: str) -> str:
    """The model's view of a text: lower-case words, no URLs, @-mentions, retweet marks or symbols."""
    return " ".join(_WORD.findall(_clean(text)))


def windows(text: str, window_words: int = 40) -> List[str]:
    """Sentences (and lines) packed into windows of at most `window_words` normalised words."""
    out: List[str] = []
    current: List[str] = []
    for sentence in _SENTENCE_END.split(_clean(text)):  # cleaned once: the regexes run per document
        words = _WORD.findall(sentence)
        while len(words) > window_words:  # one very long sentence: cut it
            if current:
                out.append(" ".join(current))
                current = []
            out.append(" ".join(words[:window_words]))
            words = words[window_words:]
        if current and len(current) + len(words) > window_words:
            out.append(" ".join(current))
            current = []
        current.extend(words)
    if current:
        out.append(" ".join(current))
    return out


def load_model(path: Optional[str] = None):
    from classifiers.langid import load_fasttext

    return load_fasttext(path or shipped_model_path(DEFAULT_MODEL))


class SafetyClassifier:
    """`score(text) -> {score, max_window, windows}` with a fastText model and a label.

    `label` is the model's label for unsafe text (without "__label__"); the score of a window is
    the probability of that label. Any fastText supervised model works: a user's model with its
    own label name ("toxic", "hate" ...) is passed as `model_path` and `label`.
    """

    def __init__(self, model_path: Optional[str] = None, label: str = DEFAULT_LABEL, window_words: int = 40,
                 min_window_words: int = 3, max_windows: int = 500):
        self.model = load_model(model_path)
        self.label = _LABEL_PREFIX + label
        labels = self.model.get_labels()
        if self.label not in labels:
            names = ", ".join(name[len(_LABEL_PREFIX):] for name in labels)
            raise ValueError(f"model has no label {label!r} (its labels: {names})")
        self.k = len(labels)  # ask for every label so the one we want is always in the answer
        self.window_words = window_words
        self.min_window_words = min_window_words
        self.max_windows = max_windows

    def window_scores(self, texts: Sequence[str]) -> List[float]:
        """P(label) for each already-normalised window (one batched predict call)."""
        if not texts:
            return []
        labels, probabilities = self.model.predict(list(texts), k=self.k)
        scores = []
        for names, probs in zip(labels, probabilities):
            scores.append(next((min(float(p), 1.0) for n, p in zip(names, probs) if n == self.label), 0.0))
        return scores

    def score(self, text: str) -> Dict[str, float]:
        # Long documents: the first `max_windows` windows (20k words) bound the cost per document.
        parts = [w for w in windows(text, self.window_words)[: self.max_windows]
                 if len(w.split()) >= self.min_window_words]
        scores = self.window_scores(parts)
        if not scores:
            return {"score": 0.0, "max_window": 0.0, "windows": 0}
        weights = [len(part.split()) for part in parts]
        mean = sum(s * w for s, w in zip(scores, weights)) / sum(weights)
        return {"score": round(mean, 4), "max_window": round(max(scores), 4), "windows": len(scores)}


# ---------------------------------------------------------------- training and evaluation


def training_lines(clean_repeat: int = 1) -> List[str]:
    """fastText lines of the training split: Davidson tweets and windows of clean documents.

    Davidson repeats many tweets under different ids (retweets); a training tweet whose text is
    also in the held-back split is skipped, or the test would be partly seen in training.
    """
    from classifiers.safety_data import clean_split, davidson_split, read_clean, read_davidson

    tweets = read_davidson()
    held_back = {normalize(t.text) for t in davidson_split(tweets, test=True)}
    lines = []
    for example in davidson_split(tweets, test=False):
        text = normalize(example.text)
        if text and text not in held_back:
            lines.append(f"{_LABEL_PREFIX}{example.label} {text}")
    clean_windows = [w for doc in clean_split(read_clean(), test=False) for w in windows(doc.text)]
    for _ in range(clean_repeat):
        lines.extend(f"{_LABEL_PREFIX}safe {w}" for w in clean_windows if w)
    return lines


def train(output: str, *, clean_repeat: int, dim: int, epoch: int, lr: float, word_ngrams: int,
          min_count: int, seed: int, quantize: bool, cutoff: int) -> dict:
    import random

    import fasttext

    lines = training_lines(clean_repeat)
    random.Random(seed).shuffle(lines)  # fastText reads in order: mix tweets and clean windows
    with tempfile.TemporaryDirectory() as tmp:
        train_file = os.path.join(tmp, "train.txt")
        with open(train_file, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
        fasttext.FastText.eprint = lambda *args, **kwargs: None
        model = fasttext.train_supervised(input=train_file, dim=dim, epoch=epoch, lr=lr, wordNgrams=word_ngrams,
                                          minCount=min_count, loss="softmax", thread=1, seed=seed, verbose=0)
        if quantize:
            # cutoff keeps the most useful n-gram buckets; retraining after pruning keeps accuracy
            model.quantize(input=train_file, qnorm=True, retrain=True, cutoff=cutoff, thread=1, verbose=0)
        model.save_model(output)
    return {"lines": len(lines), "unsafe": sum(l.startswith("__label__unsafe") for l in lines),
            "bytes": os.path.getsize(output)}


def evaluate(model_path: Optional[str], label: str, threshold: float, thresholds: Iterable[float]) -> str:
    """Window-level report on the held-back Davidson tweets and held-back clean documents."""
    from classifiers.metrics import binary_report, sweep_table
    from classifiers.safety_data import clean_split, davidson_split, read_clean, read_davidson

    classifier = SafetyClassifier(model_path, label)
    tweets = davidson_split(read_davidson(), test=True)
    tweet_scores = [classifier.score(t.text)["score"] for t in tweets]
    truth = [t.label == "unsafe" for t in tweets]
    clean = clean_split(read_clean(), test=True)
    clean_scores = [classifier.score(d.text)["score"] for d in clean]
    lines = [f"model: {model_path or shipped_model_path(DEFAULT_MODEL)}  label: {label}",
             f"held-back Davidson tweets: {len(tweets)} ({sum(truth)} unsafe); held-back clean documents: {len(clean)}",
             "", f"at threshold {threshold}:", binary_report(truth, [s >= threshold for s in tweet_scores]), "",
             "threshold sweep (tweets: unsafe P/R/F1, safe F1; clean documents: share flagged):",
             sweep_table(truth, tweet_scores, thresholds, clean_scores)]
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m classifiers.safety", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train on the shipped data's training split")
    t.add_argument("--output", default=os.path.join(os.path.dirname(__file__), "models", DEFAULT_MODEL))
    t.add_argument("--clean-repeat", type=int, default=3, help="copies of each clean window (class balance)")
    t.add_argument("--dim", type=int, default=16)
    t.add_argument("--epoch", type=int, default=10)
    t.add_argument("--lr", type=float, default=0.3)
    t.add_argument("--word-ngrams", type=int, default=2)
    t.add_argument("--min-count", type=int, default=2)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--cutoff", type=int, default=50_000, help="quantization: words and n-grams kept (size)")
    t.add_argument("--no-quantize", action="store_true")
    e = sub.add_parser("eval", help="precision, recall, F1 per class and a threshold sweep on held-back data")
    e.add_argument("--model", default=None, help="default: the shipped model")
    e.add_argument("--label", default=DEFAULT_LABEL)
    e.add_argument("--threshold", type=float, default=0.7, help="for the per-class table (the stage's default)")
    e.add_argument("--thresholds", default="0.3,0.4,0.5,0.6,0.7,0.8,0.9,0.95")
    args = parser.parse_args(argv)
    if args.command == "train":
        stats = train(args.output, clean_repeat=args.clean_repeat, dim=args.dim, epoch=args.epoch, lr=args.lr,
                      word_ngrams=args.word_ngrams, min_count=args.min_count, seed=args.seed,
                      quantize=not args.no_quantize, cutoff=args.cutoff)
        print(f"trained on {stats['lines']} lines ({stats['unsafe']} unsafe); wrote {args.output} ({stats['bytes']:,} bytes)")
    else:
        print(evaluate(args.model, args.label, args.threshold, [float(x) for x in args.thresholds.split(",")]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
