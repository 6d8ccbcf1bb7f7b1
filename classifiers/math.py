"""The math classifier: a fastText model of P(mathematical text) of a whole document, for stage `math_filter`.

The AFM report's math pipeline keeps web pages by "a math quality classifier" besides its tag,
symbol and domain filters. This is that classifier, built with the quality classifier's machinery
(classifiers/quality.py): the same training (fastText supervised, word bigrams, one thread and a
fixed seed, so deterministic; `.ftz` quantized), the same scoring rule (DCLM's
`classify_fasttext_hq_prob`: the top label's probability, or 1 minus it when the other label wins)
and the same evaluation (precision, recall, F1, ROC AUC, a threshold sweep). Labels: `math` and
`other`.

One difference, `math_line`: before fastText reads a document (in training and in scoring alike),
TeX commands, TeX and ASCII math punctuation and Unicode math symbols are set apart by spaces, so
`\\frac{\\partial X}{\\partial u}` is read as the words `\\frac { \\partial X } { \\partial u }`
instead of `\\frac{\\partial`, `X}{\\partial`, `u}`. fastText splits words on whitespace only, and
without this a formula is a handful of one-off "words" the model has never seen; with it the model
learns `\\frac`, `\\sum`, `^`, `_`, `=` whatever the delimiters (`$..$`, `\\(..\\)`, MathML turned
into TeX by the extractor) and spacing of the page. It is measured in perf/math_classifier_eval.py.

The shipped model `classifiers/models/math-web.ftz` is trained on classifiers/data/math/ (see its
SOURCES.md): pages of the mpmath, SciPy, SymPy and scikit-learn documentation (mathematical sections,
at least 3 formulas a page, interactive sessions removed) as `math`; general web text in many
languages (news and blog articles, Common Crawl text, whole web pages, page boilerplate, tweets) and
the documentation of non-mathematical software as `other`. It finds mathematics written with
formulas; arithmetic in plain words (GSM8K-style word problems) mostly scores low (perf/RESULTS.md).

Commands (also `winnow classifiers train math ...` / `evaluate math ...` / `build-default math`):

    python -m classifiers.math train --positive MATH.jsonl.gz [...] --negative OTHER.jsonl.gz [...] --output M.ftz
    python -m classifiers.math evaluate [--model M.ftz] [--positive ... --negative ...] [--label math]
    python -m classifiers.math build-default [--output classifiers/models/math-web.ftz]

Input files as for the quality classifier: `.jsonl[.gz]` with a `text` field, or `.txt[.gz]` with one
document a line.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from classifiers import quality
from classifiers.model_files import shipped_model_path
from classifiers.quality import (
    DEFAULT_THRESHOLDS, Evaluation, Hyperparameters, QualityModel, dclm_line, evaluate_scores, read_all, read_texts,
)

DEFAULT_MODEL = "math-web.ftz"
POSITIVE_LABEL = "math"
NEGATIVE_LABEL = "other"
DEFAULT_THRESHOLD = 0.5

DATA_DIR = Path(__file__).resolve().parent / "data" / "math"
MODELS_DIR = quality.MODELS_DIR

# The shipped model (build-default): the quality model's recipe (150-word windows, dim 16, 200k buckets),
# 10 epochs, 30k rows after quantization (798 KB). Leave-one-project-out cross-validation on the training
# split (perf/math_classifier_eval.py --cv) could not tell 5 from 10 epochs (pooled AUC 0.999 both); 10
# gave wider margins on pages never trained on (MathJax demo pages min 0.96, not 0.91; tests' web pages
# max 0.12, not 0.33). The held-back split was not used to choose.
DEFAULT_MODEL_HYPERPARAMETERS = Hyperparameters(epoch=10, lr=0.1, dim=16, bucket=200_000, cutoff=30_000,
                                                window_words=150)

# What the model reads as one word: a TeX command (\frac, \alpha) or escaped character (\{, \(, \\); one
# character of TeX/ASCII math punctuation or Unicode mathematics (arrows, operators, technical symbols,
# Greek, super- and subscripts, ± × ÷ · ¬ ° ² ³ ¹ ¼ ½ ¾); or a run of anything else up to whitespace.
_MATH_CHARS = (r"{}()\[\]^_$&=+<>|~*/\u2190-\u21ff\u2200-\u22ff\u2300-\u23ff\u27c0-\u27ef\u2980-\u2aff"
               r"\u0391-\u03c9\u2070-\u209f\u00b1\u00d7\u00f7\u00b7\u00ac\u00b0\u00b2\u00b3\u00b9\u00bc-\u00be")
_TOKEN = re.compile(r"\\(?:[A-Za-z]+|[^\sA-Za-z])?|[" + _MATH_CHARS + r"]|[^\s\\" + _MATH_CHARS + r"]+")
# Math delimiters \( \) \[ \] (and $$, replaced before) are all read as `$`, so that a page's choice of
# delimiters (MathJax configurations differ; the extractor writes MathML as $...$) does not matter. A TeX
# line break `\\` is one token, so `\\[3px]` is not read as `\` and `\[`.
_DELIMITER = re.compile(r"(?<!\S)\\[()\[\]](?!\S)")


def math_line(text: str) -> str:
    """The line the model reads: DCLM's one line (`dclm_line`) cut into math-aware words, joined by single spaces.

    One regular-expression pass (~4,000 4-KB documents a second, perf/math_classifier_eval.py).
    """
    line = " ".join(_TOKEN.findall(dclm_line(text).replace("$$", "$")))
    return _DELIMITER.sub("$", line) if "\\" in line else line


# ---------------------------------------------------------------- scoring


class MathModel(QualityModel):
    """`score(text) -> P(math)`: QualityModel's DCLM rule on `math_line(text)`.

    `path`: a local path or a gs:// / s3:// URL; default: the shipped math-web.ftz. `label`: the
    model's math label ("math" for ours).
    """

    def __init__(self, path: Optional[str] = None, label: str = POSITIVE_LABEL):
        super().__init__(path or shipped_model_path(DEFAULT_MODEL), label=label)

    def score(self, text: str) -> float:
        labels, probabilities = self.model.predict(math_line(text), k=self.k)
        return self._probability(labels, probabilities)

    def scores(self, texts: Sequence[str]) -> List[float]:
        if not texts:
            return []
        labels, probabilities = self.model.predict([math_line(t) for t in texts], k=self.k)
        return [self._probability(names, probs) for names, probs in zip(labels, probabilities)]


# ---------------------------------------------------------------- training and evaluation


def train(positive_texts: Sequence[str], negative_texts: Sequence[str], output: str,
          params: Hyperparameters = DEFAULT_MODEL_HYPERPARAMETERS, *, quantize: Optional[bool] = None,
          positive_label: str = POSITIVE_LABEL, negative_label: str = NEGATIVE_LABEL) -> Dict[str, int]:
    """quality.train on the documents' `math_line`s (deterministic; .ftz quantized)."""
    return quality.train([math_line(t) for t in positive_texts], [math_line(t) for t in negative_texts], output,
                         params, quantize=quantize, positive_label=positive_label, negative_label=negative_label)


def evaluate(model, positive_texts: Sequence[str], negative_texts: Sequence[str],
             threshold: float = DEFAULT_THRESHOLD, thresholds: Sequence[float] = DEFAULT_THRESHOLDS,
             label: str = POSITIVE_LABEL) -> Evaluation:
    """Precision/recall/F1 of `label` at `threshold`, ROC AUC and a sweep; `model` a MathModel or a path."""
    if not isinstance(model, MathModel):
        model = MathModel(model, label=label)
    return evaluate_scores(model.scores(positive_texts), model.scores(negative_texts), threshold, thresholds)


def table(result: Evaluation, label: str = POSITIVE_LABEL) -> str:
    """Evaluation.table() with this model's label names (it names the quality model's hq and cc)."""
    return (result.table().replace("kept hq/cc", "kept pos/neg").replace("kept hq", "kept pos")
            .replace("kept cc", "kept neg").replace("precision and recall of hq", f"precision and recall of {label}"))


def shipped_data(split: str, label: str) -> str:
    """A file of classifiers/data/math/: split "train" or "heldout", label "math" or "other"."""
    return str(DATA_DIR / f"{split}-{label}.jsonl.gz")


def build_default(output: Optional[str] = None) -> Dict[str, int]:
    """Rebuild classifiers/models/math-web.ftz from the shipped training split (byte for byte)."""
    return train(read_texts(shipped_data("train", POSITIVE_LABEL)), read_texts(shipped_data("train", NEGATIVE_LABEL)),
                 output or str(MODELS_DIR / DEFAULT_MODEL), DEFAULT_MODEL_HYPERPARAMETERS)


# ---------------------------------------------------------------- command line (quality.main's, for this model)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m classifiers.math", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train a bigram fastText model on math and other documents")
    t.add_argument("--positive", nargs="+", required=True, help="math documents (.jsonl[.gz] or .txt[.gz])")
    t.add_argument("--negative", nargs="+", required=True, help="other documents")
    t.add_argument("--output", required=True, help="model path: .ftz is quantized, .bin is not")
    quality._add_hyperparameters(t)  # fastText's/DCLM's defaults, as `classifiers.quality train`
    t.set_defaults(positive_label=POSITIVE_LABEL, negative_label=NEGATIVE_LABEL)
    e = sub.add_parser("evaluate", help="precision, recall, F1, ROC AUC and a threshold sweep")
    e.add_argument("--model", default=None, help="a fastText model (default: the shipped math-web.ftz)")
    e.add_argument("--positive", nargs="+", default=[shipped_data("heldout", POSITIVE_LABEL)],
                   help="default: the shipped held-back math pages")
    e.add_argument("--negative", nargs="+", default=[shipped_data("heldout", NEGATIVE_LABEL)],
                   help="default: the shipped held-back web text and software documentation")
    e.add_argument("--label", default=POSITIVE_LABEL, help="the model's math label")
    e.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    e.add_argument("--thresholds", default=",".join(f"{t:g}" for t in DEFAULT_THRESHOLDS))
    b = sub.add_parser("build-default", help="rebuild the shipped model from the shipped training data")
    b.add_argument("--output", default=str(MODELS_DIR / DEFAULT_MODEL))
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "train":
        quality.train_command(args, train)
    elif args.command == "evaluate":
        model = MathModel(args.model, label=args.label)
        result = evaluate(model, read_all(args.positive), read_all(args.negative), args.threshold,
                          [float(x) for x in args.thresholds.split(",")])
        print(f"model: {model.path}  label: {args.label}")
        print(table(result, args.label))
    else:
        quality.print_trained(build_default(args.output), POSITIVE_LABEL, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
