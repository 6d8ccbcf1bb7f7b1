#!/usr/bin/env python3
"""Stage `math_filter`'s tag and symbol filters on real pages: recall on math pages, false positives
on the others, per-filter breakdown, throughput.

    python perf/math_filter_eval.py [--shared ../shared/data] [--rounds 3]

Math pages (expected kept): every MathJax demo page of `math_html/mathjax_demos/` and the pages of
`math_html/pages_with_math_markup_in_extraction_sets.json` (the readability MathJax blog, an AEB page
loading MathJax). Non-math pages (expected rejected): every other page of `extraction/` (Scrapinghub's
AEB, trafilatura's evaluation set, Mozilla readability's test pages). Each page is read as the math
source has it: the HTML for the tag filter, the text `extract` leaves (TeX kept) for the symbol filter,
the page's URL where the set records one (AEB, trafilatura), so the domain filter sees it as well.
Default parameters (transforms/math_rules/filters.py MathRuleParams).

Printed: recall and false-positive rate (exit status 1 if the rate reaches 5%), which filter kept
each page, what each filter would keep on its own, the false positives by name, the non-math pages
each tag string hits, the densest non-math pages (what min_symbol_density has to stay above), and
pages per second on one core (best of --rounds, text extraction not timed): the whole rule, the tag
filter with its core gating and as a plain search of every string, the symbol filter, and
`html.count("<")` as the same-run baseline.

The data is not shipped with winnow; the shared folder of the project holds it (see its SOURCES.md).
"""
from __future__ import annotations

import argparse
import gzip
import json
import logging
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "perf"))

from timing import best_seconds  # noqa: E402
from transforms.extraction.extractors import extract_body  # noqa: E402
from transforms.ingest.decode import decode_html  # noqa: E402
from transforms.math_rules.filters import MathRuleParams, build_rules, count_symbols  # noqa: E402

MAX_FALSE_POSITIVE_RATE = 0.05


def read_page(path: Path) -> str:
    data = path.read_bytes()
    return decode_html(gzip.decompress(data) if path.suffix == ".gz" else data)[0]


def load_pages(shared: Path):
    """([(name, path, url)] math pages, [(name, path, url)] non-math pages)."""
    pointer_file = shared / "math_html" / "pages_with_math_markup_in_extraction_sets.json"
    # the list's paths start with "shared/data/": resolve them against the --shared folder
    pointer = {shared / entry["path"].split("shared/data/", 1)[1] for entry in json.loads(pointer_file.read_text())}
    extraction = shared / "extraction"
    candidates = []
    aeb = json.loads((extraction / "scrapinghub_aeb" / "ground-truth.json").read_text())
    candidates += [(f"aeb/{page[:12]}", extraction / "scrapinghub_aeb" / "html" / f"{page}.html.gz", case["url"])
                   for page, case in sorted(aeb.items())]
    traf = json.loads((extraction / "trafilatura_eval" / "evaldata.json").read_text())
    candidates += [(f"trafilatura/{case['file']}", extraction / "trafilatura_eval" / "html" / case["file"], url)
                   for url, case in sorted(traf.items())]
    readability = sorted((extraction / "mozilla_readability").iterdir())
    candidates += [(f"readability/{d.name}", d / "source.html.gz", None) for d in readability
                   if (d / "source.html.gz").exists()]
    candidates = [c for c in candidates if c[1].exists()]
    demos = sorted((shared / "math_html" / "mathjax_demos").glob("*.html"))
    math = [(f"mathjax_demos/{p.name}", p, None) for p in demos]
    math += [c for c in candidates if c[1] in pointer]
    non_math = [c for c in candidates if c[1] not in pointer]
    missing = pointer - {c[1] for c in candidates}
    if missing:
        raise SystemExit(f"pointer-list pages not found: {sorted(map(str, missing))}")
    return math, non_math


def prepare(entries):
    pages = []
    for name, path, url in entries:
        html = read_page(path)
        pages.append((name, html, extract_body(html, url).text, url))
    return pages


def alone(p: MathRuleParams, m: dict) -> dict:
    """What each filter would keep on its own, from the measurements."""
    return {
        "tag filter": m.get("tag_hits", 0) >= (p.min_tag_hits or 10**9),
        "symbol filter": m["math_signals"] >= p.min_math_signals and m["symbol_density"] >= p.min_symbol_density,
        "domain filter": m.get("math_domain_list") == "always",
    }


def evaluate(rules, pages, expect_math: bool):
    rows = []
    for name, html, text, url in pages:
        reason, m = rules.judge(text, html, url)
        rows.append((name, reason, m))
    kept = [r for r in rows if r[1] is None]
    label = "math pages kept (recall)" if expect_math else "non-math pages kept (false positives)"
    print(f"{label}: {len(kept)} of {len(rows)} = {len(kept) / len(rows):.1%}")
    print("  kept by:", dict(Counter(m["math_rule"] for _, _, m in kept)) or "-",
          "| rejected as:", dict(Counter(reason for _, reason, _ in rows if reason)) or "-")
    p = rules.params
    each = Counter(name for _, _, m in rows for name, hit in alone(p, m).items() if hit)
    filters = ("tag filter", "symbol filter", "domain filter")
    print("  each filter alone would keep:", {f: each.get(f, 0) for f in filters})
    misses = [r for r in rows if (r[1] is None) != expect_math]
    for name, reason, m in misses:
        print(f"  {'missed' if expect_math else 'FALSE POSITIVE'}: {name} reason={reason} tags={m.get('tags')} "
              f"signals={m['math_signals']} density={m['symbol_density']} domain={m.get('math_domain')}")
    return rows, kept


def throughput(rules, pages, rounds: int):
    htmls = [html for _, html, _, _ in pages]
    texts = [text for _, _, text, _ in pages]
    matcher = rules.tags
    plain = matcher.tags

    def plain_search(html):
        lowered = html.lower()
        return tuple(tag for tag in plain if tag in lowered)

    def rate(fn, items):
        return len(items) / best_seconds(lambda: [fn(item) for item in items], rounds)

    megabytes = sum(map(len, htmls)) / 1e6
    baseline = rate(lambda h: h.count("<"), htmls)
    rows = [
        ("whole rule: MathRules.judge(text, html, url)",
         len(pages) / best_seconds(lambda: [rules.judge(t, h, u) for _, h, t, u in pages], rounds)),
        ("tag filter: TagMatcher.find(html)", rate(matcher.find, htmls)),
        ("tag filter, every string searched", rate(plain_search, htmls)),
        ("symbol filter: count_symbols(text)", rate(lambda t: count_symbols(t, rules.symbols), texts)),
        ("baseline: html.count('<')", baseline),
    ]
    print(f"\nthroughput, one core, best of {rounds}: {len(pages)} pages, {megabytes:.1f} MB of HTML "
          f"(mean {megabytes * 1000 / len(pages):.0f} KB), text {sum(map(len, texts)) / 1e6:.1f} MB")
    print(f"  {'':<46}{'pages/s':>10}{'vs count(<)':>13}")
    for name, value in rows:
        print(f"  {name:<46}{value:>10,.0f}{value / baseline:>12.3f}x")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data",
                        help="the shared data folder (default: ../shared/data beside the repository)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    logging.disable(logging.WARNING)

    math_entries, non_math_entries = load_pages(args.shared)
    math_pages, non_math_pages = prepare(math_entries), prepare(non_math_entries)
    rules = build_rules(MathRuleParams())
    p = rules.params
    print(f"{len(math_pages)} math pages, {len(non_math_pages)} non-math pages; {len(rules.tags.tags)} tag strings, "
          f"min_tag_hits={p.min_tag_hits}, min_math_signals={p.min_math_signals}, "
          f"min_symbol_density={p.min_symbol_density}\n")
    evaluate(rules, math_pages, expect_math=True)
    print()
    rows, false_positives = evaluate(rules, non_math_pages, expect_math=False)

    per_tag = {}
    for name, _, m in rows:
        for tag in m.get("tags", ()):
            per_tag.setdefault(tag, []).append(name)
    print("\nnon-math pages hit by each tag string:", "none" if not per_tag else "")
    for tag, names in sorted(per_tag.items(), key=lambda kv: -len(kv[1])):
        print(f"  {tag!r}: {len(names)} {names[:5]}")
    print("densest non-math pages (symbol filter):")
    for name, _, m in sorted(rows, key=lambda r: -r[2]["symbol_density"])[:5]:
        print(f"  {m['symbol_density']:.4f}  signals={m['math_signals']:<3} words={m['words']:<6} {name}")

    throughput(rules, math_pages + non_math_pages, args.rounds)
    rate = len(false_positives) / len(rows)
    if rate >= MAX_FALSE_POSITIVE_RATE:
        print(f"\nFAIL: false-positive rate {rate:.1%} reaches {MAX_FALSE_POSITIVE_RATE:.0%}")
        sys.exit(1)


if __name__ == "__main__":
    main()
