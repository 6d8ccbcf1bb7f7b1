"""Finding list entries in text: whole words and phrases, or bounded substrings where there are no spaces.

Spaced languages: the text is casefolded (so "FUCK", "Fuck" and German "SCHEISSE"/"Scheiße" meet
the list's forms) and cut into tokens, runs of letters and digits, and for Hindi, Arabic and Persian
also combining marks (Devanagari vowel signs are marks, not letters: without them Hindi words would
be cut in pieces; NFC makes that unnecessary for Latin, Greek and Cyrillic). A hit is a token
equal to a form of an entry, or a run of tokens equal to a multi-word entry, so "Scunthorpe",
"cocktail", "assessment" and "class" never contain a hit. Hyphens and apostrophes separate tokens:
"bull-shit" and "bitch's" still hit, as do "g-spot" and "op z'n hondjes", which are cut the same way.

Most clean documents contain no listed token at all, so the common case is one set intersection in C;
the token loop runs only on documents that have both words of a phrase somewhere.

Languages written without spaces (zh, ja, th): entries are found as substrings, one compiled
alternation per language; an entry that starts or ends in Latin letters or katakana must not touch
more of the same script there (ja "グロ" is not in "グローバル", "sm" is not in "small").
"""
from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections import Counter
from typing import Dict, FrozenSet, List, Tuple

from transforms.safety_rules.allowlist import MIN_SUBSTRING_ENTRY_CHARS
from transforms.safety_rules.inflection import all_forms
from transforms.safety_rules.wordlists import load_wordlist

SUBSTRING_LANGUAGES = frozenset({"zh", "ja", "th"})
CHARS_PER_WORD_NO_SPACES = 2  # for hits per 1,000 words where there are no words: ~2 characters each


@functools.lru_cache(maxsize=1)
def _mark_class() -> str:
    """A regex character class of every combining mark (Unicode categories Mn, Mc, Me)."""
    ranges: List[Tuple[int, int]] = []
    for code in range(sys.maxunicode + 1):
        if unicodedata.category(chr(code))[0] == "M":
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


# Scripts whose words carry combining marks even in NFC (Devanagari vowel signs, Arabic harakat).
# Only these lists pay for the mark-aware pattern: its huge character class makes tokenizing
# three times slower than the plain one.
MARK_LANGUAGES = frozenset({"hi", "ar", "fa"})
_PLAIN_TOKEN = re.compile(r"[^\W_]+")


@functools.lru_cache(maxsize=1)
def _mark_token() -> "re.Pattern[str]":
    # a letter or digit, then letters, digits and combining marks
    return re.compile(rf"[^\W_](?:[^\W_]|[{_mark_class()}])*")


def token_pattern(language: str = "en") -> "re.Pattern[str]":
    return _mark_token() if language in MARK_LANGUAGES else _PLAIN_TOKEN


def tokenize(text: str, language: str = "en") -> List[str]:
    """Casefolded word tokens of `text` (NFC first, so decomposed umlauts meet the list's forms)."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return token_pattern(language).findall(text.casefold())


def _is_word_entry(entry: str, language: str) -> bool:
    """True when the entry is made of word characters with spaces, hyphens or apostrophes between."""
    return bool(tokenize(entry, language)) and all(ch.isalnum() or ch in " -'’" or unicodedata.category(ch)[0] == "M"
                                         for ch in entry)


_KATAKANA = "\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"


def _bounded_literal(entry: str) -> str:
    """A regex for `entry` as a substring that does not continue a Latin or katakana word at its ends."""
    pattern = re.escape(entry)
    for ch, side in ((entry[0], "start"), (entry[-1], "end")):
        if ch.isascii() and ch.isalnum():
            guard = r"[^\W_]"
        elif re.match(f"[{_KATAKANA}]", ch):
            guard = f"[{_KATAKANA}]"
        else:
            continue
        pattern = f"(?<!{guard}){pattern}" if side == "start" else f"{pattern}(?!{guard})"
    return pattern


class WordMatcher:
    """Hits of one language's list in a text: `find(text) -> (Counter{entry: n}, words)`."""

    def __init__(self, language: str, allow: FrozenSet[str] = frozenset()):
        self.language = language
        allow = frozenset(word.casefold() for word in allow)
        entries = [e for e in load_wordlist(language) if e.casefold() not in allow]
        self.substring = language in SUBSTRING_LANGUAGES
        literals = []
        self._single: Dict[str, str] = {}
        self._multi: Dict[str, List[Tuple[Tuple[str, ...], str]]] = {}
        if self.substring:
            literals = [e for e in entries if len(e) >= MIN_SUBSTRING_ENTRY_CHARS]
        else:
            literals = [e for e in entries if not _is_word_entry(e, language)]  # "s&m", an emoji
            words = [e for e in entries if _is_word_entry(e, language)]
            for form, entry in all_forms(words, language).items():
                if form in allow:
                    continue
                tokens = tuple(tokenize(form, language))
                if len(tokens) == 1:
                    self._single[tokens[0]] = entry
                else:
                    self._multi.setdefault(tokens[0], []).append((tokens, entry))
            for candidates in self._multi.values():
                candidates.sort(key=lambda item: -len(item[0]))  # longest phrase first
        self._single_keys = frozenset(self._single)
        self._multi_keys = frozenset(self._multi)
        # the second words of the phrases starting with each first word: "big" is in most texts,
        # "big" with "tits" present is rare, and only then does the token loop run
        self._second = {first: frozenset(p[1] for p, _ in cands) for first, cands in self._multi.items()}
        # longest first, so "big tits" wins over "tits" at the same position
        literals = sorted({e.casefold() for e in literals}, key=len, reverse=True)
        self._literals = tuple(literals)
        self._literal_re = re.compile("|".join(map(_bounded_literal, literals))) if literals else None

    @property
    def size(self) -> int:
        """How many distinct forms and literals this matcher knows (for tests and logs)."""
        return len(self._single) + sum(map(len, self._multi.values())) + len(self._literals)

    def find(self, text: str) -> Tuple[Counter, int]:
        """(hits per list entry, number of words of the text)."""
        if self.substring:
            folded = unicodedata.normalize("NFC", text).casefold()
            hits = Counter(m.group(0) for m in self._literal_re.finditer(folded)) if self._literal_re else Counter()
            letters = sum(1 for ch in folded if not ch.isspace())
            return hits, max(1, letters // CHARS_PER_WORD_NO_SPACES) if folded.strip() else 0
        tokens = tokenize(text, self.language)
        hits = Counter()
        if self._literal_re is not None:
            folded = text.casefold()
            # a plain substring test per literal is C-speed; the bounded regex runs only on a candidate
            if any(literal in folded for literal in self._literals):
                hits.update(m.group(0) for m in self._literal_re.finditer(folded))
        present = set(tokens)
        if not any(self._second[first] & present for first in present & self._multi_keys):
            if present & self._single_keys:
                hits.update(self._single[t] for t in tokens if t in self._single)
            return hits, len(tokens)
        hits.update(self._scan(tokens))
        return hits, len(tokens)

    def _scan(self, tokens: List[str]) -> Counter:
        """The token loop, for texts that may hold a multi-word entry: longest match at each position."""
        hits = Counter()
        i, n = 0, len(tokens)
        while i < n:
            token = tokens[i]
            for phrase, entry in self._multi.get(token, ()):
                if tuple(tokens[i : i + len(phrase)]) == phrase:
                    hits[entry] += 1
                    i += len(phrase)
                    break
            else:
                if token in self._single:
                    hits[self._single[token]] += 1
                i += 1
        return hits


@functools.lru_cache(maxsize=256)
def get_matcher(language: str, allow: FrozenSet[str]) -> WordMatcher:
    """One compiled matcher per (list, allow-list) per process: built on first use, then shared."""
    return WordMatcher(language, allow)
