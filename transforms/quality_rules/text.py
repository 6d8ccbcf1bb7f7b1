"""One document's text, split into lines and words once and shared by every rule family.

Each split is computed on first use and cached, so a family that is switched off costs nothing and
two families that need the same split (Gopher and FineWeb both want the words, C4 and FineWeb both
want the non-blank lines) pay for it once.
"""
from __future__ import annotations

import re
import string
from functools import cached_property
from typing import List, Optional, Sequence, Tuple, Union

# Languages whose text has no spaces between words: whitespace word counts mean nothing there.
NO_SPACE_LANGUAGES = frozenset({"zh", "ja", "th", "lo", "km", "my", "bo", "wuu", "yue"})

PUNCTUATION_CHARS = string.punctuation + "«»“”‘’…–—·•"

# A line "ends a sentence" when its last character is one of these: C4's and FineWeb's
# . ! ? " ' plus their typographic and non-Latin forms, so a line closed by a curly quote, an
# ideographic full stop or an Arabic/Devanagari stop counts.
TERMINAL_PUNCTUATION = (
    ".", "!", "?", '"', "'",
    "”", "’", "“",  # closing quotes: English ” ’, German “ (guillemets are left out: "Read more »",
                    # "Home » News" end navigation lines more often than a quotation ends a paragraph)
    "。", "！", "？", "．", "｡",  # CJK full-width forms
    "؟", "۔", "।", "॥", "։", "።",  # Arabic ?, Urdu stop, Devanagari danda, Armenian, Ethiopic
)
ELLIPSES = ("...", "…")
# Wikipedia-style citation marks ("[12]", "[edit]", "[citation needed]") that C4 removes before it
# looks at how a line ends; only matched at the end of a line, which is where they hide the stop.
_TRAILING_CITATION = re.compile(r"(?:\s*(?:\[\d*\]|\[edit\]|\[citation needed\]))+$", re.IGNORECASE)


def word_forms(words: Sequence[str]) -> List[str]:
    """Words without the punctuation glued to them ("the," -> "the"); punctuation-only tokens dropped.

    A word tokenizer (datatrove uses NLTK's) splits punctuation off; stripping it gives the same
    words for the stop-word, word-count and mean-length rules without a tokenizer per language.
    """
    return list(filter(None, [w.strip(PUNCTUATION_CHARS) for w in words]))


def strip_trailing_citations(line: str) -> str:
    """"a claim.[3][4]" -> "a claim." (cheap for the usual line, which does not end in "]")."""
    if not line.endswith("]"):
        return line
    return _TRAILING_CITATION.sub("", line)


class DocumentText:
    """The text of one document and the splits the rules share; `language` is meta.language."""

    def __init__(self, text: str, language: Optional[str] = None):
        self.text = text
        self.language = language

    @classmethod
    def of(cls, text: Union[str, "DocumentText"], language: Optional[str] = None) -> "DocumentText":
        """Accept a plain string (tests, one-off calls) or an already-split document."""
        return text if isinstance(text, DocumentText) else cls(text, language)

    @property
    def has_spaces(self) -> bool:
        """False for languages written without spaces: word-based rules are skipped for them."""
        return self.language not in NO_SPACE_LANGUAGES

    @cached_property
    def lower(self) -> str:
        return self.text.lower()

    @cached_property
    def words(self) -> List[str]:
        """Whitespace-separated tokens, punctuation still attached."""
        return self.text.split()

    @cached_property
    def content_words(self) -> List[str]:
        return word_forms(self.words)

    @cached_property
    def lines(self) -> List[str]:
        """Every line, blank ones included (Gopher's line ratios count them)."""
        return self.text.splitlines()

    @cached_property
    def filled_lines(self) -> List[str]:
        """Lines with any character, unstripped (Gopher's duplicate-line rule compares them as is)."""
        return [line for line in self.lines if line]

    @cached_property
    def nonblank_lines(self) -> List[str]:
        """Lines stripped of surrounding whitespace, blank ones dropped.

        C4 and FineWeb measure these: whether paragraphs are separated by one newline (trafilatura)
        or two (our extract, the AEB ground truth) must not change a share of lines.
        """
        stripped = (line.strip() for line in self.lines)
        return [line for line in stripped if line]

    @cached_property
    def terminal_line_counts(self) -> Tuple[int, int]:
        """(non-blank lines ending in terminal punctuation, those that C4 also counts).

        FineWeb counts every line ending in a stop character, "..." included. C4 first drops a
        trailing citation mark and does not count a line that ends in an ellipsis.
        """
        any_stop = c4_stop = 0
        for line in self.nonblank_lines:
            if line.endswith(TERMINAL_PUNCTUATION):
                any_stop += 1
            line = strip_trailing_citations(line)
            if line.endswith(TERMINAL_PUNCTUATION) and not line.endswith(ELLIPSES):
                c4_stop += 1
        return any_stop, c4_stop
