"""`UrlRules`: every list of the `url_filter` stage behind one check, URL in, verdict out.

The rules run in datatrove's order, cheapest and surest first; the first that fires names the
rejection reason, and what it matched goes into the measurements:

  blocked_domain:<list>  the host or a parent domain of it is on a domain list
  blocked_url:<list>     host and path start with an entry of a URL list (user lists only)
  banned_word            a URL token equals a banned word
  soft_banned_words      at least `soft_threshold` distinct soft-banned words are URL tokens
  banned_subword         a banned subword occurs in the squashed URL

A host on the allow list (itself or a parent domain) is never rejected; the check still runs and
says which rule the allow list overrode, so allow lists can be audited.
"""
from __future__ import annotations

from typing import Any, Dict, FrozenSet, Iterable, NamedTuple, Optional, Tuple

from transforms.url_rules.matching import (
    SubwordMatcher, UrlPrefixes, match_domain, split_url, url_text, url_words,
)

BLOCKED_DOMAIN = "blocked_domain"
BLOCKED_URL = "blocked_url"
BANNED_WORD = "banned_word"
SOFT_BANNED_WORDS = "soft_banned_words"
BANNED_SUBWORD = "banned_subword"


class UrlCheck(NamedTuple):
    checked: bool  # False: not an http(s) URL with a host
    reason: Optional[str]  # None: nothing fired (or the allow list overrode it)
    measurements: Dict[str, Any]


class UrlRules:
    """Built once per worker from the loaded lists (see transforms/url_filter.py); `check` is pure."""

    def __init__(
        self,
        domain_lists: Iterable[Tuple[str, Iterable[str]]] = (),
        url_lists: Iterable[Tuple[str, Iterable[str]]] = (),
        banned_words: FrozenSet[str] = frozenset(),
        soft_banned_words: FrozenSet[str] = frozenset(),
        banned_subwords: Iterable[str] = (),
        soft_threshold: int = 2,
        allow_domains: Iterable[str] = (),
    ):
        # one table for every domain list: a single lookup per parent domain, whatever the number
        # of lists; a domain on several lists is reported under the first
        self.domains: Dict[str, str] = {}
        self.domain_list_sizes: Dict[str, int] = {}
        for name, domains in domain_lists:
            count = 0
            for domain in domains:
                self.domains.setdefault(domain, name)
                count += 1
            self.domain_list_sizes[name] = count
        self.urls = UrlPrefixes()
        for name, entries in url_lists:
            for entry in entries:
                self.urls.add(entry, name)
        self.banned_words = frozenset(banned_words)
        self.soft_banned_words = frozenset(soft_banned_words)
        self.subwords = SubwordMatcher(banned_subwords)
        self._find_subword = self.subwords.find if self.subwords else None
        self._any_words = bool(self.banned_words or self.soft_banned_words or self.subwords)
        self.soft_threshold = soft_threshold
        self.allow: Dict[str, bool] = {domain: True for domain in allow_domains}

    def check(self, url: str) -> UrlCheck:
        split = split_url(url)
        if split is None:
            return UrlCheck(False, None, {})
        allowed = match_domain(split.host, self.allow) if self.allow else None
        reason, measured = self._first_rule(url, split.host, split.rest)
        if allowed is not None:
            if reason is None:
                return UrlCheck(True, None, {})
            return UrlCheck(True, None, {"allow_listed": allowed[0], "overridden": reason, **measured})
        if reason is None and measured:  # soft-banned words below the threshold: worth keeping
            return UrlCheck(True, None, measured)
        return UrlCheck(True, reason, measured)

    def _first_rule(self, url: str, host: str, rest: str) -> Tuple[Optional[str], Dict[str, Any]]:
        if self.domains:
            hit = match_domain(host, self.domains)
            if hit is not None:
                return f"{BLOCKED_DOMAIN}:{hit[1]}", {"host": host, "matched": hit[0]}
        if self.urls:
            hit = self.urls.match(host, rest)
            if hit is not None:
                return f"{BLOCKED_URL}:{hit[1]}", {"host": host, "matched": hit[0]}
        if not self._any_words:
            return None, {}
        tokens, squashed = url_words(url_text(url))
        if self.banned_words and not self.banned_words.isdisjoint(tokens):
            return BANNED_WORD, {"matched": sorted(self.banned_words & tokens)}
        soft = None
        if self.soft_banned_words and not self.soft_banned_words.isdisjoint(tokens):
            soft = sorted(self.soft_banned_words & tokens)
            if len(soft) >= self.soft_threshold:
                return SOFT_BANNED_WORDS, {"matched": soft, "threshold": self.soft_threshold}
        if self._find_subword is not None:
            found = self._find_subword(squashed)
            if found is not None:
                return BANNED_SUBWORD, {"matched": found}
        # soft-banned words below the threshold: kept, and noted
        return None, ({"soft_banned_words": soft} if soft else {})
