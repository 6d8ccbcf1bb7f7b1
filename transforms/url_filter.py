"""Stage `url_filter`: reject pages by their URL alone, before anyone reads them (FineWeb's URL filter).

Rules and reasons (transforms/url_rules/rules.py), in the order they run:
  blocked_domain:<list>  the page's host, or a parent domain of it, is on a domain list. Shipped and
                         on by default: `easylist_adservers` (36,251 ad, tracker and pop-up server
                         domains) and `easylist_adult` (558 adult ad servers), both from EasyList's
                         whole-domain rules. More lists: `domain_list_paths` (plain domains, hosts
                         files or ||domain^ rules), one reason per file, named after it
  blocked_url:<list>     host and path start with an entry of a `url_list_paths` file (UT1 `urls`)
  banned_word            a URL token (run of a-z0-9 of the lower-cased, percent-decoded URL) is one
                         of FineWeb's banned words (datatrove's banned_words.txt)
  soft_banned_words      `soft_banned_threshold` or more distinct soft-banned words are URL tokens
  banned_subword         a banned subword ("2 girls 1 cup" -> "2girls1cup") occurs in the URL with
                         every character but a-z0-9 removed
The measurements of a rejection name the entry that matched (and the host, for list hits). The word
rules are FineWeb's, false positives included: "sex free" fires inside "essexfreepress", the banned
word "tit" on a page about the blue tit; the allow list is the remedy for such hosts.

The page URL is meta[`url_meta_key`] (set by the WARC and JSONL readers), else the origin; a
document with no http(s) URL (a code file, a dataset row) is kept, scored `url_checked: false` and
counted under winnow/url_filter/<source> `not_checked`. Hosts on the allow list (`allow_domains`,
`allow_domain_paths`; a parent domain counts) are never rejected: they are kept with
`allow_listed` and the reason they were spared (`overridden`).

FineWeb's domain and URL lists are UT1's adult blacklist (CC-BY-SA-4.0), which the project has no copy
of: give its `adult/domains` and `adult/urls` files as domain_list_paths / url_list_paths.
Throughput: perf/url_filter_throughput.py.
"""
from __future__ import annotations

import dataclasses
import functools
from typing import Optional, Tuple

from transforms.document import Document
from transforms.params import param
from transforms.stage import Stage, StageCounters, Verdict
from transforms.url_rules import lists
from transforms.url_rules.rules import UrlRules

NOT_CHECKED = "not_checked"


@dataclasses.dataclass(frozen=True)
class UrlFilterParams:
    # shipped lists, each on or off
    easylist_adservers: bool = param(
        True, help="EasyList's ad, tracker and pop-up server domains: blocked_domain:easylist_adservers")
    easylist_adult: bool = param(True, help="EasyList's adult ad-server domains: blocked_domain:easylist_adult")
    banned_words: bool = param(True, help="FineWeb's banned words, equal to a URL token: banned_word")
    soft_banned_words: bool = param(True, help="FineWeb's soft-banned words, counted: soft_banned_words")
    banned_subwords: bool = param(True, help="FineWeb's banned subwords, substrings of the squashed URL")
    soft_banned_threshold: int = param(2, ge=1, help="distinct soft-banned URL words that reject (FineWeb: 2)")
    # user lists: paths readable with Beam FileSystems (gs://, s3://, local), .gz etc. by extension
    domain_list_paths: Tuple[str, ...] = param(
        (), help="domain blocklists, each rejecting as blocked_domain:<file name> (UT1: <category>)")
    url_list_paths: Tuple[str, ...] = param(
        (), help="URL-prefix blocklists (host/path a line), each rejecting as blocked_url:<file name>")
    banned_word_paths: Tuple[str, ...] = param((), help="more banned words, one a line")
    soft_banned_word_paths: Tuple[str, ...] = param((), help="more soft-banned words, one a line")
    banned_subword_paths: Tuple[str, ...] = param((), help="more banned subwords, one a line")
    # never blocked
    allow_domains: Tuple[str, ...] = param((), help="domains (and their subdomains) never rejected")
    allow_domain_paths: Tuple[str, ...] = param((), help="files of domains never rejected, one a line")
    url_meta_key: str = param("url", help="meta key holding the page URL; the origin when absent")

    def check(self):
        any_list = (self.easylist_adservers or self.easylist_adult or self.banned_words or self.soft_banned_words
                    or self.banned_subwords or self.domain_list_paths or self.url_list_paths
                    or self.banned_word_paths or self.soft_banned_word_paths or self.banned_subword_paths)
        if not any_list:
            return "easylist_adservers", "every list is off: the stage would keep everything"
        for key, shipped in (("domain_list_paths", lists.SHIPPED_DOMAIN_LISTS), ("url_list_paths", ())):
            seen = {}
            for path in getattr(self, key):
                name = lists.list_name(path)
                if name in shipped:
                    return key, f"{path}: its name {name!r} is a shipped list's; rename the file"
                if name in seen:
                    return key, (f"{seen[name]} and {path} would both report as {name!r}; "
                                 "rename one (a list's reason is its file name)")
                seen[name] = path
        return None


@functools.lru_cache(maxsize=8)
def shared_rules(p: UrlFilterParams) -> UrlRules:
    """build_rules once per worker process and parameter set: every DoFn instance (one per SDK
    thread) shares the tables, which matters for big user lists (UT1's adult list: millions)."""
    return build_rules(p)


def build_rules(p: UrlFilterParams) -> UrlRules:
    """The stage's rules from its parameters: shipped lists from the package, user lists read here."""
    domain_lists = [(name, lists.shipped_domain_list(name)) for name in lists.SHIPPED_DOMAIN_LISTS
                    if getattr(p, name)]
    domain_lists += [(lists.list_name(path), lists.user_domain_list(path)) for path in p.domain_list_paths]
    url_lists = [(lists.list_name(path), lists.user_url_lines(path)) for path in p.url_list_paths]

    def words(kind: str, on: bool, paths: Tuple[str, ...]) -> frozenset:
        shipped = lists.shipped_word_list(kind) if on else frozenset()
        return shipped.union(*(lists.user_word_list(path) for path in paths))

    allow = {d for d in map(lists.domain_from_line, p.allow_domains) if d}
    for path in p.allow_domain_paths:
        allow |= lists.user_domain_list(path)
    return UrlRules(
        domain_lists=domain_lists,
        url_lists=url_lists,
        banned_words=words("banned_words", p.banned_words, p.banned_word_paths),
        soft_banned_words=words("soft_banned_words", p.soft_banned_words, p.soft_banned_word_paths),
        banned_subwords=words("banned_subwords", p.banned_subwords, p.banned_subword_paths),
        soft_threshold=p.soft_banned_threshold,
        allow_domains=allow,
    )


def document_url(doc: Document, meta_key: str = "url") -> Optional[str]:
    """The page URL: meta[meta_key] if it is an http(s) URL, else the origin if it is one, else None."""
    for candidate in (doc.meta.get(meta_key), doc.origin):
        if isinstance(candidate, str) and candidate.lstrip()[:8].lower().startswith(("http://", "https://")):
            return candidate
    return None


class UrlFilter(Stage):
    name = "url_filter"
    Params = UrlFilterParams
    needs_text = False  # judges the URL only: runs before or after extract alike

    def setup(self):
        self._rules = shared_rules(self.params)
        self._counters = StageCounters(self.name)

    def judge(self, doc: Document) -> Verdict:
        url = document_url(doc, self.params.url_meta_key)
        result = self._rules.check(url) if url is not None else None
        if result is None or not result.checked:
            self._counters.inc(doc.source, NOT_CHECKED)
            return Verdict.keep(doc, url_checked=False)
        if result.reason is not None:
            return Verdict.reject(result.reason, **result.measurements)
        return Verdict.keep(doc, **result.measurements)
