#!/usr/bin/env python3
"""Throughput of stage `url_filter` per core, in URLs/s, against `urllib.parse.urlsplit` in the same run.

    python perf/url_filter_throughput.py [--rounds 5] [--repeat 20]

URLs: every http(s) href/src in the real pages shipped in the repository (the bundled sample's
WARCs and tests/data/extraction), plus the sample documents' own URLs: about 3,000 distinct real
URLs, a few of them ad servers that EasyList lists. The set is repeated `repeat` times with a
distinct query appended per copy (`?r=<n>` or `&r=<n>`) so no cache can answer from a previous copy.

Timed, one thread, no Beam, best of `rounds` passes:
  stage judge     UrlFilter.judge on a Document per URL (default parameters: every shipped list)
  rules only      UrlRules.check(url): what judge adds is the URL lookup and the Verdict
  domains only    only the EasyList domain lists (word lists off)
  words only      only FineWeb's three word lists (domain lists off)
  baseline        urlsplit(url).hostname, cache cleared before each pass: the least any URL rule does
and, for the choice of subword matcher, on the squashed URLs: the trie regex the stage uses, one
plain alternation regex, and a loop of `in` tests over the 134 subwords.
"""
from __future__ import annotations

import argparse
import gzip
import json
import logging
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "perf"))

from timing import best_seconds  # noqa: E402
from transforms.document import Document  # noqa: E402
from transforms.url_filter import UrlFilter, UrlFilterParams, build_rules  # noqa: E402
from transforms.url_rules import lists  # noqa: E402
from transforms.url_rules.matching import SubwordMatcher, squash, url_text  # noqa: E402

_LINK = re.compile(rb"""(?:href|src)\s*=\s*["'](https?://[^"'\s<>]+)""", re.IGNORECASE)


def real_urls() -> list:
    from warcio.archiveiterator import ArchiveIterator

    pages = [gzip.decompress(p.read_bytes()) for p in sorted((ROOT / "tests" / "data" / "extraction").rglob("*.html.gz"))]
    urls = set()
    for path in sorted((ROOT / "pipeline" / "sample" / "web").glob("*.warc.gz")):
        try:
            with open(path, "rb") as handle:
                for record in ArchiveIterator(handle, arc2warc=True):
                    target = record.rec_headers.get_header("WARC-Target-URI") or ""
                    if target.startswith("http"):
                        urls.add(target)
                    if record.rec_type == "response":
                        pages.append(record.content_stream().read())
        except Exception:  # the sample's deliberately broken files
            pass
    for page in pages:
        urls.update(m.group(1).decode("utf-8", "replace") for m in _LINK.finditer(page))
    for path in sorted((ROOT / "pipeline" / "sample" / "cc_text").glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                url = (row.get("metadata") or {}).get("url") or row.get("id")
                if isinstance(url, str) and url.startswith("http"):
                    urls.add(url)
    return sorted(urls)


def spread(urls: list, repeat: int) -> list:
    out = []
    for n in range(repeat):
        for url in urls:
            base, _, fragment = url.partition("#")
            out.append(f"{base}{'&' if '?' in base else '?'}r={n}" + (f"#{fragment}" if fragment else ""))
    return out


def rate(fn, items, rounds, before=None) -> float:
    def one_pass():
        if before is not None:
            before()
        for item in items:
            fn(item)
    return len(items) / best_seconds(one_pass, rounds)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    logging.disable(logging.WARNING)

    base = real_urls()
    urls = spread(base, args.repeat)
    docs = [Document(str(i), "web", "web", url, html="") for i, url in enumerate(urls)]
    stage = UrlFilter()
    stage.setup()
    rules = stage._rules
    domains_only = build_rules(UrlFilterParams(banned_words=False, soft_banned_words=False, banned_subwords=False))
    words_only = build_rules(UrlFilterParams(easylist_adservers=False, easylist_adult=False))
    blocked = sum(1 for url in base if rules.check(url).reason)
    print(f"{len(base):,} distinct real URLs x {args.repeat} = {len(urls):,} URLs; {blocked} of the distinct "
          f"ones rejected by the default lists; best of {args.rounds} rounds, one core\n")

    clear = getattr(urlsplit, "cache_clear", None)
    baseline = rate(lambda u: urlsplit(u).hostname, urls, args.rounds, before=clear)
    rows = [
        ("stage judge (default lists)", rate(stage.judge, docs, args.rounds)),
        ("rules only: UrlRules.check", rate(rules.check, urls, args.rounds)),
        ("domains only (EasyList)", rate(domains_only.check, urls, args.rounds)),
        ("words only (FineWeb lists)", rate(words_only.check, urls, args.rounds)),
        ("baseline: urlsplit().hostname", baseline),
    ]
    print(f"{'':<34}{'URLs/s':>12}{'vs urlsplit':>13}")
    for name, value in rows:
        print(f"{name:<34}{value:>12,.0f}{value / baseline:>12.2f}x")

    subwords = sorted(lists.shipped_word_list("banned_subwords"))
    squashed = [squash(url_text(u)) for u in urls]
    trie = SubwordMatcher(subwords)
    alternation = re.compile("|".join(map(re.escape, subwords)))

    def loop(text):
        for word in subwords:
            if word in text:
                return word
        return None

    print(f"\nbanned subwords ({len(subwords)}) on the squashed URLs:")
    for name, fn in (("trie regex (the stage's)", trie.find), ("one alternation regex", alternation.search),
                     ("loop of `in` tests", loop)):
        print(f"  {name:<32}{rate(fn, squashed, args.rounds):>12,.0f} URLs/s")


if __name__ == "__main__":
    main()
