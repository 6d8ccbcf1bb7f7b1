"""Context words around a match raise its score: "SSN 853-37-1694", "Phone: 0490 75 40 81".

Presidio's default LemmaContextAwareEnhancer compares spaCy lemmas of the five words before a
match with each recognizer's context words. With the blank spaCy pipeline that keeps presidio
offline there is no lemmatizer, every lemma is "", and no context ever matches (so "SSN
853371694" stays at 0.05). This enhancer reads the words in fixed windows of characters around
the match instead, which needs no model and depends only on those characters; the latter is what
lets the detector analyse small windows of a document with results identical to the whole text
(see prefilter.py).

Besides the words before the match (presidio's only side), it reads the first words after it:
contact blocks label a number after it as often as before ("416 60 039 office", "555-1234 (fax)").
A recognizer may list other words for that side in `context_after` (default: its `context`).
A context word matches a word of the text as itself or with a plural "s"; a context word in a
script written without spaces (Chinese, Japanese) matches inside a longer run ("监督电话").
"""
from __future__ import annotations

import re
from typing import Iterable, List, Optional

import regex

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer

# How far before a match context words count: about six English words, the reach of presidio's
# five-keyword window, and enough to bridge a label to the second number of a contact line
# ("Mobile: 0490 39 07 81 Desk: +44 7700 921916").
CONTEXT_CHARS = 48
# How far after it: a label right behind the value ("-Office", " (fax)"), not the next sentence.
CONTEXT_CHARS_AFTER = 16
# Presidio's own defaults for LemmaContextAwareEnhancer, so recognizer scores keep their meaning.
CONTEXT_BOOST = 0.35
MIN_SCORE_WITH_CONTEXT = 0.4

_WORD = re.compile(r"[^\W_]+")
_NO_SPACE_SCRIPT = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]")


def words_before(text: str, start: int, chars: int = CONTEXT_CHARS) -> List[str]:
    """The lower-cased words (letters and digits) in the `chars` characters before `start`."""
    return [w.lower() for w in _WORD.findall(text, max(0, start - chars), start)]


def words_after(text: str, end: int, chars: int = CONTEXT_CHARS_AFTER) -> List[str]:
    """The lower-cased words (letters and digits) in the `chars` characters from `end`."""
    return [w.lower() for w in _WORD.findall(text, end, end + chars)]


def supporting_word(words: Iterable[str], context: Iterable[str]) -> Optional[str]:
    """The first context word that appears among `words` (see the module doc for how)."""
    present = set(words)
    for word in context:
        word = word.lower()
        if word in present or word + "s" in present:
            return word
        if _NO_SPACE_SCRIPT.search(word) and any(word in run for run in present):
            return word
    return None


class ContextWindowEnhancer(ContextAwareEnhancer):
    """Adds CONTEXT_BOOST to a result when one of its recognizer's context words is around it."""

    def __init__(self, before: int = CONTEXT_CHARS, after: int = CONTEXT_CHARS_AFTER):
        super().__init__(
            context_similarity_factor=CONTEXT_BOOST,
            min_score_with_context_similarity=MIN_SCORE_WITH_CONTEXT,
            context_prefix_count=0,  # counted in characters here, not in words
            context_suffix_count=0,
        )
        self.before = before
        self.after = after

    def enhance_using_context(self, text: str, raw_results: List[RecognizerResult], nlp_artifacts,
                              recognizers: List[EntityRecognizer],
                              context: Optional[List[str]] = None) -> List[RecognizerResult]:
        by_id = {recognizer.id: recognizer for recognizer in recognizers}
        for result in raw_results:
            metadata = result.recognition_metadata or {}
            recognizer = by_id.get(metadata.get(RecognizerResult.RECOGNIZER_IDENTIFIER_KEY))
            if recognizer is None or not recognizer.context:
                continue
            if metadata.get(RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY):
                continue
            after_context = getattr(recognizer, "context_after", None) or recognizer.context
            if (supporting_word(words_before(text, result.start, self.before), recognizer.context)
                    or supporting_word(words_after(text, result.end, self.after), after_context)):
                boosted = max(result.score + self.context_similarity_factor, self.min_score_with_context_similarity)
                result.score = min(boosted, self.MAX_SCORE)
                metadata[RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY] = True
        return raw_results
