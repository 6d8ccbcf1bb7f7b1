"""The quality classifier: a DCLM-style fastText model, P(high quality) of a whole document.

Scoring is DCLM's `classify_fasttext_hq_prob` (mlfoundations/dclm,
baselines/mappers/enrichers/quality_prediction_enrichers_calc_fasttext.py):

    text = " ".join(content.strip().splitlines())      # the document's lines joined with spaces
    labels, probs = model.predict(text)                  # k=1: the top label and its probability
    hq_prob = probs[0] if labels[0] != "__label__cc" else 1 - probs[0]

No other preprocessing: no lower-casing, no truncation, no tokenisation beyond fastText's own split
on whitespace. `QualityModel` does exactly this for a two-label model, so DCLM's published
`openhermes_reddit_eli5_vs_rw_v2_bigram_200k_train.bin` (labels hq/cc) gives DCLM's numbers and
DCLM's thresholds carry over. The one difference: a score is clamped to [0, 1] (fastText adds 1e-5
to every probability, so DCLM's formula gives 1.00001 for a certain "hq" and -0.00001 for a certain
"cc"). For a model with another number of labels the score is the probability of the label asked
for (k=-1), 0 when the model does not return it.

Training follows DCLM's `train_fasttext_classifier.py`: one document per fastText line, labels
`__label__hq` / `__label__cc`, fastText's defaults but word bigrams (`wordNgrams=2`); here also one
thread and a fixed seed, so training is deterministic, and `.ftz` outputs are quantized. Two
options DCLM does not have, off by default: `balance` (repeat the smaller class) and `window_words`
(also train on fixed-size windows of long documents).

The shipped model `classifiers/models/quality-web.ftz` is trained on classifiers/data/quality/
(see its README.md): article bodies as hq; page boilerplate (menus, link lists, footers) and tweets
as cc, with 150-word windows. It separates edited prose from navigation and short social posts; it
has never seen the instruction data and ELI5 answers of DCLM's positives nor ordinary Common Crawl
as negatives, so it is not DCLM's model, and its thresholds are its own (perf/RESULTS.md).

Commands (also `winnow classifiers train quality ...` / `winnow classifiers evaluate quality ...`):

    python -m classifiers.quality train --positive HQ.jsonl.gz [...] --negative CC.jsonl.gz [...] --output M.ftz
    python -m classifiers.quality evaluate [--model M.ftz] [--positive ... --negative ...] [--label hq]
    python -m classifiers.quality build-default [--output classifiers/models/quality-web.ftz]

Input files: `.jsonl` / `.jsonl.gz` with one JSON object a line and the document in its `text`
field; or `.txt` / `.txt.gz` with one document a line, not escaped. A document's newlines are
replaced by spaces before the model sees it (above), so writing a document on one line loses
nothing the model would have used. Empty documents are skipped.
"""
from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import gzip
import json
import os
import random
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence

from classifiers.model_files import shipped_model_path

DEFAULT_MODEL = "quality-web.ftz"
POSITIVE_LABEL = "hq"  # DCLM's label names
NEGATIVE_LABEL = "cc"
_LABEL_PREFIX = "__label__"

DATA_DIR = Path(__file__).resolve().parent / "data" / "quality"
MODELS_DIR = Path(__file__).resolve().parent / "models"
DEFAULT_THRESHOLDS = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)


def dclm_line(text: str) -> str:
    """The line the model reads: DCLM's `" ".join(content.strip().splitlines())`."""
    return " ".join(text.strip().splitlines())


# ---------------------------------------------------------------- scoring


class QualityModel:
    """`score(text) -> P(label)` with any fastText supervised model (.bin or .ftz), scored as DCLM does.

    `path`: a local path or a gs:// / s3:// URL (copied once to the worker); default: the shipped
    model. `label`: the high-quality label without "__label__" ("hq" for DCLM's models and ours).
    """

    def __init__(self, path: Optional[str] = None, label: str = POSITIVE_LABEL):
        from classifiers.langid import load_fasttext

        self.path = path or shipped_model_path(DEFAULT_MODEL)
        self.model = load_fasttext(self.path)
        self.label = _LABEL_PREFIX + label
        labels = self.model.get_labels()
        if self.label not in labels:
            names = ", ".join(name[len(_LABEL_PREFIX):] for name in labels)
            raise ValueError(f"model {self.path} has no label {label!r} (its labels: {names})")
        # Two labels: DCLM's rule on the top label (k=1). Otherwise every label (k=-1) and pick ours.
        self.two_labels = len(labels) == 2
        self.k = 1 if self.two_labels else -1

    def _probability(self, labels: Sequence[str], probabilities: Sequence[float]) -> float:
        if not len(labels):
            return 0.0
        if labels[0] == self.label:
            p = float(probabilities[0])
        elif self.two_labels:
            p = 1.0 - float(probabilities[0])  # DCLM: hq_prob = 1 - P(cc) when "cc" wins
        else:
            p = next((float(q) for name, q in zip(labels, probabilities) if name == self.label), 0.0)
        return min(max(p, 0.0), 1.0)

    def score(self, text: str) -> float:
        labels, probabilities = self.model.predict(dclm_line(text), k=self.k)
        return self._probability(labels, probabilities)

    def scores(self, texts: Sequence[str]) -> List[float]:
        """score() of each text, in one fastText call; float32-rounded (within 1e-6 of score()).

        Measured no faster than score() in a loop (perf/quality_classifier_eval.py): the cost is
        reading the words, not the Python call. It is the convenient form for a batch of documents.
        """
        if not texts:
            return []
        labels, probabilities = self.model.predict([dclm_line(t) for t in texts], k=self.k)
        return [self._probability(names, probs) for names, probs in zip(labels, probabilities)]


# ---------------------------------------------------------------- input files


def read_texts(path: str) -> List[str]:
    """Documents of a `.jsonl[.gz]` file (`text` field) or a `.txt[.gz]` file (one a line); empty ones skipped."""
    name = str(path)
    opener = gzip.open if name.endswith(".gz") else open
    stem = name[:-3] if name.endswith(".gz") else name
    with opener(name, "rt", encoding="utf-8") as handle:
        if stem.endswith((".jsonl", ".json")):
            texts = [json.loads(line).get("text") or "" for line in handle if line.strip()]
        elif stem.endswith(".txt"):
            texts = [line.rstrip("\n") for line in handle]
        else:
            raise ValueError(f"{name}: expected .jsonl, .jsonl.gz, .txt or .txt.gz")
    return [t for t in texts if t.strip()]


def read_all(paths: Iterable[str]) -> List[str]:
    return [text for path in paths for text in read_texts(path)]


# ---------------------------------------------------------------- training


@dataclass(frozen=True)
class Hyperparameters:
    """fastText settings. The defaults are DCLM's (fastText's own but word bigrams)."""

    epoch: int = 5
    lr: float = 0.1
    dim: int = 100
    word_ngrams: int = 2
    min_count: int = 1
    bucket: int = 2_000_000  # hash buckets of the bigrams; fewer train faster on small data
    seed: int = 0
    cutoff: int = 100_000  # .ftz only (DCLM ships .bin): words and bigram buckets kept, the size lever
    balance: bool = False  # repeat the smaller class until the classes have about as many lines
    window_words: int = 0  # > 0: also train on consecutive windows of this many words of longer documents


# The shipped model (build-default), chosen by 5-fold cross-validation on the training split (the
# held-back split was not used to choose): ~100 articles are far fewer than DCLM's 200k, so 15
# epochs instead of 5; 150-word windows against the length bias (word_windows); dim 16 and 20k
# rows after quantization did as well as dim 32 / 100 and keep the file near 0.5 MB.
DEFAULT_MODEL_HYPERPARAMETERS = Hyperparameters(epoch=15, lr=0.1, dim=16, bucket=200_000, cutoff=20_000,
                                                window_words=150)


def word_windows(text: str, size: int) -> List[str]:
    """Consecutive `size`-word pieces of a document longer than `size` words (a last piece under a third is dropped).

    Why: fastText averages a line's word vectors plus one end-of-line vector, so on whole documents
    only, short texts lean to the class with the short examples (tweets): the model learns length.
    Windows of articles (and of boilerplate pages) teach it that 150 words of prose are prose.
    """
    words = text.split()
    if size <= 0 or len(words) <= size:
        return []
    pieces = [words[i:i + size] for i in range(0, len(words), size)]
    return [" ".join(piece) for piece in pieces if len(piece) * 3 >= size]


def _examples(texts: Sequence[str], label: str, window_words: int) -> List[str]:
    lines = []
    for text in texts:
        if text.strip():
            lines.append(f"{_LABEL_PREFIX}{label} {dclm_line(text)}")
            lines.extend(f"{_LABEL_PREFIX}{label} {piece}" for piece in word_windows(text, window_words))
    return lines


def training_lines(positive_texts: Sequence[str], negative_texts: Sequence[str], *, balance: bool = False,
                   seed: int = 0, window_words: int = 0, positive_label: str = POSITIVE_LABEL,
                   negative_label: str = NEGATIVE_LABEL) -> List[str]:
    """fastText lines `__label__<label> <text>`, one a document (and its windows), shuffled with `seed`.

    fastText reads the lines in order, so they are shuffled. `balance`: the smaller class is
    repeated (whole copies, then a seeded sample) to the size of the larger, because fastText's
    softmax has no class weights and a 1:8 set learns the prior.
    """
    rng = random.Random(seed)
    positives = _examples(positive_texts, positive_label, window_words)
    negatives = _examples(negative_texts, negative_label, window_words)
    if not positives or not negatives:
        raise ValueError("training needs at least one positive and one negative document")
    if balance:
        positives, negatives = _balanced(positives, negatives, rng)
    lines = positives + negatives
    rng.shuffle(lines)
    return lines


def _balanced(a: List[str], b: List[str], rng: random.Random):
    small, large = (a, b) if len(a) < len(b) else (b, a)
    copies, rest = divmod(len(large), len(small))
    grown = small * copies + rng.sample(small, rest)
    return (grown, large) if small is a else (large, grown)


_M_PERTURB = -6  # glibc mallopt parameter (malloc.h)


def _glibc_mallopt():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.mallopt if hasattr(libc, "gnu_get_libc_version") else None
    except OSError:
        return None


@contextmanager
def zero_filled_allocations():
    """Make malloc return zeroed memory while fastText trains (glibc; elsewhere a no-op).

    Why: fasttext-numpy2 stores matrices in uninitialised (posix_memalign) buffers, and fastText's
    random initialisation with thread=1 fills only the first tenth of the input matrix (upstream
    relies on std::vector's zeroes for the rest). A fresh process gets zero pages from the kernel,
    but a second training in the same process reuses freed memory: different models, or "Encountered
    NaN". glibc's M_PERTURB=0xff fills every allocation with 0x00 (perturb ^ 0xff), which is what
    upstream fastText sees; it is switched off again afterwards.
    """
    mallopt = _glibc_mallopt()
    if mallopt is not None:
        mallopt(_M_PERTURB, 0xFF)
    try:
        yield
    finally:
        if mallopt is not None:
            mallopt(_M_PERTURB, 0)


def train(positive_texts: Sequence[str], negative_texts: Sequence[str], output: str,
          params: Hyperparameters = Hyperparameters(), *, quantize: Optional[bool] = None,
          positive_label: str = POSITIVE_LABEL, negative_label: str = NEGATIVE_LABEL) -> Dict[str, int]:
    """Train a supervised bigram model on documents and save it to `output`.

    Deterministic: one thread and `params.seed` (same data, settings and fastText build -> same
    file). `quantize` (default: when `output` ends in .ftz) keeps the `params.cutoff` most useful
    words and bigram buckets, 8-bit product-quantizes the vectors, and retrains the output layer on
    the pruned input (fastText's `retrain=True`), which recovers most of the accuracy pruning loses.
    """
    import fasttext

    fasttext.FastText.eprint = lambda *args, **kwargs: None  # fastText warns on every load
    lines = training_lines(positive_texts, negative_texts, balance=params.balance, seed=params.seed,
                           window_words=params.window_words, positive_label=positive_label,
                           negative_label=negative_label)
    quantize = str(output).endswith(".ftz") if quantize is None else quantize
    with tempfile.TemporaryDirectory() as tmp:
        train_file = os.path.join(tmp, "train.txt")
        with open(train_file, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
        with zero_filled_allocations():
            model = fasttext.train_supervised(
                input=train_file, epoch=params.epoch, lr=params.lr, dim=params.dim, wordNgrams=params.word_ngrams,
                minCount=params.min_count, bucket=params.bucket, loss="softmax", thread=1, seed=params.seed,
                verbose=0)
            if quantize:
                model.quantize(input=train_file, qnorm=True, retrain=True, cutoff=params.cutoff, thread=1, verbose=0)
            Path(output).parent.mkdir(parents=True, exist_ok=True)
            model.save_model(str(output))
    prefix = _LABEL_PREFIX + positive_label + " "
    return {"lines": len(lines), "positive_lines": sum(line.startswith(prefix) for line in lines),
            "bytes": os.path.getsize(output)}


# ---------------------------------------------------------------- evaluation


def roc_auc(positive_scores: Sequence[float], negative_scores: Sequence[float]) -> float:
    """P(a random positive outscores a random negative), ties counting half (Mann-Whitney U)."""
    if not positive_scores or not negative_scores:
        return float("nan")
    labelled = sorted([(s, 1) for s in positive_scores] + [(s, 0) for s in negative_scores])
    rank_sum, i = 0.0, 0
    while i < len(labelled):  # average ranks over runs of equal scores
        j = i
        while j < len(labelled) and labelled[j][0] == labelled[i][0]:
            j += 1
        average_rank = (i + 1 + j) / 2
        rank_sum += average_rank * sum(flag for _, flag in labelled[i:j])
        i = j
    n_pos, n_neg = len(positive_scores), len(negative_scores)
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


@dataclass
class ThresholdRow:
    threshold: float
    kept_positive: float  # share of positives scoring >= threshold (= recall)
    kept_negative: float  # share of negatives scoring >= threshold (false-positive rate)
    precision: float
    recall: float
    f1: float


@dataclass
class Evaluation:
    positives: int
    negatives: int
    auc: float
    precision: float  # at `threshold`
    recall: float
    f1: float
    threshold: float
    sweep: List[ThresholdRow] = field(default_factory=list)

    def table(self) -> str:
        lines = [f"{self.positives} positives, {self.negatives} negatives; ROC AUC {self.auc:.4f}",
                 f"at threshold {self.threshold:g}: precision {self.precision:.3f} recall {self.recall:.3f} "
                 f"F1 {self.f1:.3f}", "",
                 f"{'threshold':>9} {'kept hq':>8} {'kept cc':>8} {'precision':>9} {'recall':>7} {'F1':>6}"]
        for row in self.sweep:
            lines.append(f"{row.threshold:>9.2f} {row.kept_positive:>8.3f} {row.kept_negative:>8.3f} "
                         f"{row.precision:>9.3f} {row.recall:>7.3f} {row.f1:>6.3f}")
        lines.append("(kept hq/cc: share of positives/negatives scoring >= threshold; precision and recall of hq)")
        return "\n".join(lines)


def threshold_row(positive_scores: Sequence[float], negative_scores: Sequence[float], threshold: float) -> ThresholdRow:
    true_pos = sum(s >= threshold for s in positive_scores)
    false_pos = sum(s >= threshold for s in negative_scores)
    recall = true_pos / len(positive_scores) if positive_scores else 0.0
    precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    kept_negative = false_pos / len(negative_scores) if negative_scores else 0.0
    return ThresholdRow(threshold, recall, kept_negative, precision, recall, f1)


def evaluate_scores(positive_scores: Sequence[float], negative_scores: Sequence[float], threshold: float = 0.5,
                    thresholds: Sequence[float] = DEFAULT_THRESHOLDS) -> Evaluation:
    at = threshold_row(positive_scores, negative_scores, threshold)
    return Evaluation(len(positive_scores), len(negative_scores), roc_auc(positive_scores, negative_scores),
                      at.precision, at.recall, at.f1, threshold,
                      [threshold_row(positive_scores, negative_scores, t) for t in thresholds])


def evaluate(model, positive_texts: Sequence[str], negative_texts: Sequence[str], threshold: float = 0.5,
             thresholds: Sequence[float] = DEFAULT_THRESHOLDS, label: str = POSITIVE_LABEL) -> Evaluation:
    """Precision/recall/F1 of `label` at `threshold`, ROC AUC and a threshold sweep.

    `model`: a QualityModel, or a path to a fastText model (loaded with `label`).
    """
    if not isinstance(model, QualityModel):
        model = QualityModel(model, label=label)
    return evaluate_scores(model.scores(positive_texts), model.scores(negative_texts), threshold, thresholds)


# ---------------------------------------------------------------- the shipped model


def shipped_data(split: str, label: str) -> str:
    """A file of classifiers/data/quality/: split "train" or "heldout", label "hq" or "cc"."""
    return str(DATA_DIR / f"{split}-{label}.jsonl.gz")


def build_default(output: Optional[str] = None) -> Dict[str, int]:
    """Rebuild classifiers/models/quality-web.ftz from the shipped training split (byte for byte)."""
    return train(read_texts(shipped_data("train", "hq")), read_texts(shipped_data("train", "cc")),
                 output or str(MODELS_DIR / DEFAULT_MODEL), DEFAULT_MODEL_HYPERPARAMETERS)


# ---------------------------------------------------------------- command line


def _add_hyperparameters(parser: argparse.ArgumentParser) -> None:
    d = Hyperparameters()
    parser.add_argument("--epoch", type=int, default=d.epoch)
    parser.add_argument("--lr", type=float, default=d.lr)
    parser.add_argument("--dim", type=int, default=d.dim)
    parser.add_argument("--word-ngrams", "--wordNgrams", dest="word_ngrams", type=int, default=d.word_ngrams)
    parser.add_argument("--min-count", "--minCount", dest="min_count", type=int, default=d.min_count)
    parser.add_argument("--bucket", type=int, default=d.bucket, help="hash buckets for word n-grams")
    parser.add_argument("--seed", type=int, default=d.seed)
    parser.add_argument("--cutoff", type=int, default=d.cutoff, help=".ftz only: words and n-grams kept")
    parser.add_argument("--balance", action="store_true", help="repeat the smaller class to the larger's size")
    parser.add_argument("--window-words", type=int, default=d.window_words,
                        help="also train on windows of this many words of longer documents (0: off, as DCLM)")
    parser.add_argument("--quantize", action=argparse.BooleanOptionalAction, default=None,
                        help="default: quantize when --output ends in .ftz")
    parser.add_argument("--positive-label", default=POSITIVE_LABEL)
    parser.add_argument("--negative-label", default=NEGATIVE_LABEL)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m classifiers.quality", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train a bigram fastText model on positive and negative documents")
    t.add_argument("--positive", nargs="+", required=True, help="high-quality documents (.jsonl[.gz] or .txt[.gz])")
    t.add_argument("--negative", nargs="+", required=True, help="low-quality documents")
    t.add_argument("--output", required=True, help="model path: .ftz is quantized, .bin is not")
    _add_hyperparameters(t)
    e = sub.add_parser("evaluate", help="precision, recall, F1, ROC AUC and a threshold sweep")
    e.add_argument("--model", default=None, help="a fastText model (default: the shipped quality-web.ftz)")
    e.add_argument("--positive", nargs="+", default=[shipped_data("heldout", "hq")],
                   help="default: the shipped held-back articles")
    e.add_argument("--negative", nargs="+", default=[shipped_data("heldout", "cc")],
                   help="default: the shipped held-back boilerplate and tweets")
    e.add_argument("--label", default=POSITIVE_LABEL, help="the model's high-quality label")
    e.add_argument("--threshold", type=float, default=0.5)
    e.add_argument("--thresholds", default=",".join(f"{t:g}" for t in DEFAULT_THRESHOLDS))
    b = sub.add_parser("build-default", help="rebuild the shipped model from the shipped training data")
    b.add_argument("--output", default=str(MODELS_DIR / DEFAULT_MODEL))
    return parser


def train_command(args, train_fn=None) -> None:
    """`train` of this module's command line and of those built on it (classifiers/math.py)."""
    params = Hyperparameters(epoch=args.epoch, lr=args.lr, dim=args.dim, word_ngrams=args.word_ngrams,
                             min_count=args.min_count, bucket=args.bucket, seed=args.seed, cutoff=args.cutoff,
                             balance=args.balance, window_words=args.window_words)
    stats = (train_fn or train)(read_all(args.positive), read_all(args.negative), args.output, params,
                                quantize=args.quantize, positive_label=args.positive_label,
                                negative_label=args.negative_label)
    print_trained(stats, args.positive_label, args.output)


def print_trained(stats: Dict[str, int], positive_label: str, output: str) -> None:
    print(f"trained on {stats['lines']} lines ({stats['positive_lines']} {positive_label}); "
          f"wrote {output} ({stats['bytes']:,} bytes)")


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "train":
        train_command(args)
    elif args.command == "evaluate":
        model = QualityModel(args.model, label=args.label)
        result = evaluate(model, read_all(args.positive), read_all(args.negative), args.threshold,
                          [float(x) for x in args.thresholds.split(",")])
        print(f"model: {model.path}  label: {args.label}")
        print(result.table())
    else:
        print_trained(build_default(args.output), POSITIVE_LABEL, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
