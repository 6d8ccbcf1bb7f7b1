"""The profanity rule: enough listed words, dense enough, in the document's own language's list.

C4 rejects a page on any single listed word; on real web text that drops medical pages, news and
any long page quoting one insult. Here a document is rejected only when it has at least `min_hits`
hits AND at least `min_hits_per_1000_words` of them per 1,000 words: a 15-word tweet with one
obscenity is dense (~67 per 1,000), a 2,000-word article quoting one is not (0.5 per 1,000).
"""
from __future__ import annotations

import dataclasses
import functools
from typing import FrozenSet, Optional, Tuple

from transforms.safety_rules.allowlist import default_allow
from transforms.safety_rules.matcher import get_matcher
from transforms.safety_rules.wordlists import list_language

MAX_REPORTED_WORDS = 20  # measurements list the most frequent hits, not every one of a spam page


@functools.lru_cache(maxsize=256)
def _allow(list_code: str, use_default: bool, extra: FrozenSet[str]) -> FrozenSet[str]:
    base = default_allow(list_code) if use_default else frozenset()
    return frozenset(w.casefold() for w in base | extra)


@dataclasses.dataclass(frozen=True)
class ProfanityRule:
    min_hits: int = 1
    min_hits_per_1000_words: float = 0.0
    use_default_allow_list: bool = True
    allow_words: FrozenSet[str] = frozenset()  # extra entries (or inflected forms) never counted

    def allow_for(self, list_code: str) -> FrozenSet[str]:
        return _allow(list_code, self.use_default_allow_list, self.allow_words)

    def check(self, text: str, language: Optional[str]) -> Tuple[bool, dict]:
        """(fires, measurements): which list was read, the hits, their density, the words hit."""
        code = list_language(language)
        if code is None:  # a language with no list: nothing to count (see wordlists.list_language)
            return False, {"profanity_list": None}
        hits, words = get_matcher(code, self.allow_for(code)).find(text)
        total = sum(hits.values())
        density = round(1000.0 * total / words, 3) if words else 0.0
        measured = {"profanity_list": code, "profanity_hits": total, "profanity_per_1000_words": density}
        if total:
            measured["profanity_words"] = dict(hits.most_common(MAX_REPORTED_WORDS))
        fires = total > 0 and total >= self.min_hits and density >= self.min_hits_per_1000_words
        return fires, measured
