"""Which stop words the Gopher stop-word rule counts for a document's language.

English (and a document whose language is unknown: None or "und") keeps Gopher's eight words: the
rule and its threshold of 2 are Gopher's. Another language gets spaCy's stop-word list for it
(spacy.lang.<code>.stop_words, shipped with spaCy, 76 languages), read on first use and cached;
the rule there reads "at least `min_stop_words` tokens from that language's list", as FineWeb-2
does. A language without a spaCy list gets None: the rule is skipped rather than guessed, because
an English list would reject every page of that language.
"""
from __future__ import annotations

import functools
import importlib
import importlib.util
from pathlib import Path
from typing import FrozenSet, Optional

GOPHER_ENGLISH_STOP_WORDS = frozenset({"the", "be", "to", "of", "and", "that", "have", "with"})
ENGLISH_OR_UNKNOWN = (None, "en", "und")
# langid (fastText lid.176) codes whose spaCy module has another name.
_SPACY_CODE = {"no": "nb"}


def stop_words_for(language: Optional[str]) -> Optional[FrozenSet[str]]:
    """The lowercase stop words of `language` (ISO 639-1), or None when there is no list for it."""
    if language in ENGLISH_OR_UNKNOWN:
        return GOPHER_ENGLISH_STOP_WORDS
    return _spacy_stop_words(_SPACY_CODE.get(language, language))


@functools.lru_cache(maxsize=None)
def _spacy_stop_words(code: str) -> Optional[FrozenSet[str]]:
    if not code.isascii() or not code.isalpha():  # a code becomes a path: never anything else
        return None
    words = _read_stop_words_module(code)
    return frozenset(w.lower() for w in words) if words else None


def _read_stop_words_module(code: str):
    """STOP_WORDS of spacy/lang/<code>/stop_words.py, or None if spaCy has no such module.

    Importing it imports spaCy itself (~0.5 s and ~80 MB per worker) for a word list; the module is
    plain data (a set literal, no imports), so it is executed on its own. Should a spaCy version
    give it imports, the ordinary import is the fallback.
    """
    spec = importlib.util.find_spec("spacy")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(spec.submodule_search_locations[0]) / "lang" / code / "stop_words.py"
    if not path.is_file():
        return None
    namespace: dict = {}
    try:
        exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    except Exception:
        namespace = vars(importlib.import_module(f"spacy.lang.{code}.stop_words"))
    return namespace.get("STOP_WORDS")
