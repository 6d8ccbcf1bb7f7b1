"""Stage `safety`: profanity (LDNOOBW word lists, per language) and a fastText unsafe-content model.

The rule (DESIGN.md: "profanity, unsafe content ... removed from public data"):
  1. `profanity`: the word list of the document's language (meta.language from langid; English when
     unknown) finds at least `profanity_min_hits` listed words, at least
     `profanity_min_per_1000_words` of them per 1,000 words, not counting the allow-list;
  2. else `unsafe_model`: the model's document score (word-weighted mean of window scores, see
     classifiers/safety.py) is at least `model_threshold`, for languages in `model_languages`.
Either one rejects (OR): they catch different things. The list catches obscenity in 28 languages
and porn spam the tweet-trained model never saw; the model catches abuse written in ordinary words
that no list has. On the 4,007 held-back tweets (perf/safety_eval.py --sweep) the word rule alone
has precision 0.993 and recall 0.790, the model alone 0.983 and 0.933, the OR 0.980 and 0.965
(unsafe F1 0.972; "neither" F1 0.86 against 0.63 and 0.80), and of 592 clean pages never trained on
the OR rejects one, the same one as the word rule alone. Requiring both ("AND") would cap recall
at the word rule's 0.79. The word rule runs first because it is about three times cheaper than the
model; a document it rejects never reaches the model.

The model was trained on English tweets and English web text, so by default it only judges English
(and language-unknown) documents. Let loose on every language it rejected none of the 408
non-English clean pages either, but nothing was measured about what it catches there.
"""
from __future__ import annotations

import dataclasses
from typing import Optional, Tuple

from transforms.document import Document
from transforms.params import param
from transforms.safety_rules.profanity import ProfanityRule
from transforms.stage import Stage, Verdict


@dataclasses.dataclass(frozen=True)
class SafetyParams:
    # word lists
    profanity: bool = param(True, help="run the LDNOOBW word-list rule")
    profanity_min_hits: int = param(1, ge=1, help="listed words a document needs to be rejected")
    profanity_min_per_1000_words: float = param(
        5.0, ge=0, help="and at least this many per 1,000 words (0: any count, C4's rule with min_hits 1)")
    use_default_allow_list: bool = param(
        True, help="skip entries that are ordinary words (transforms/safety_rules/allowlist.py)")
    allow_words: Tuple[str, ...] = param((), help="more entries or forms never counted, in any language")
    # model
    model: bool = param(True, help="run the fastText unsafe-content model")
    model_path: Optional[str] = param(
        None, help="a fastText supervised model; default: the shipped safety-davidson-web.ftz")
    model_label: str = param("unsafe", help="the model's label for unsafe text, without __label__")
    # 0.7, calibrated on clean text: the shipped sample's English pages score at most 0.55 (a forum
    # listing in informal English, archive.org), the next 0.39; on tweets 0.5 and 0.7 give the same F1
    model_threshold: float = param(0.7, ge=0.0, le=1.0, help="documents scoring at least this are rejected")
    model_languages: Optional[Tuple[str, ...]] = param(
        ("en",), help="languages the model judges (documents without a language count as English); null: all")
    window_words: int = param(40, ge=5, help="words per scored window (the model was trained on tweets)")
    max_windows: int = param(500, ge=1, help="windows scored per document: bounds the cost of huge documents")

    def check(self):
        if not self.profanity and not self.model:
            return "model", "profanity and model are both off: the stage would keep everything"
        return None


class Safety(Stage):
    name = "safety"
    Params = SafetyParams

    def setup(self):
        p = self.params
        self._rule = ProfanityRule(p.profanity_min_hits, p.profanity_min_per_1000_words,
                                   p.use_default_allow_list, frozenset(p.allow_words))
        self._classifier = None
        if p.model:
            from classifiers.safety import SafetyClassifier

            self._classifier = SafetyClassifier(p.model_path, p.model_label, window_words=p.window_words,
                                                max_windows=p.max_windows)

    def _model_applies(self, language: Optional[str]) -> bool:
        languages = self.params.model_languages
        if languages is None:
            return True
        return (language or "en") in languages or language == "und"

    def judge(self, doc: Document) -> Verdict:
        language = doc.meta.get("language")
        measured: dict = {}
        if self.params.profanity:
            fires, measured = self._rule.check(doc.text, language)
            if fires:
                return Verdict.reject("profanity", **measured)
        if self._classifier is not None and self._model_applies(language):
            scores = self._classifier.score(doc.text)
            measured["unsafe_score"] = scores["score"]
            measured["unsafe_max_window"] = scores["max_window"]
            measured["unsafe_windows"] = scores["windows"]
            if scores["score"] >= self.params.model_threshold:
                return Verdict.reject("unsafe_model", **measured)
        return Verdict.keep(doc, **measured)
