#!/usr/bin/env python3
"""Stage `quality` (heuristic rules, DEFAULT configuration): what it keeps and what it rejects.

    .venv/bin/python perf/quality_eval.py \\
        --aeb ../shared/data/extraction/scrapinghub_aeb \\
        --davidson classifiers/data/davidson/labeled_data_train80.csv.gz \\
        --boilerplate-html ../shared/data/extraction [--rounds 3] [--show 3]

Three sets, each document judged by `Quality().judge` exactly as in a run, with meta.language set
by langid's model (its answer whatever its confidence: the langid stage's own rejections are not
counted here, so every rejection below is the quality stage's):

1. KEPT share of the Scrapinghub AEB ground-truth article bodies (`articleBody` of
   ground-truth.json): real, well-edited news and blog articles; they should pass.
2. REJECTED share of short social-media posts: the `tweet` column of the Davidson et al. CSV
   (all rows of the file given, hate, offensive and neither alike; text as in the file).
3. REJECTED share of boilerplate pages, one per real HTML page under --boilerplate-html (every
   `html/*.html.gz` and `source.html.gz` below it: AEB, trafilatura's evaluation set, Mozilla
   Readability's test pages; not Readability's `expected.html.gz`, the article alone). A page's boilerplate is built by `boilerplate_page`:
     - parse with lxml; drop <script>, <style>, <noscript>, <template>, <svg>, <select> (option
       lists) and HTML comments;
     - regions: every <nav>, <header>, <footer> and <aside> element, and every link-dense block
       (<ul>, <ol>, <div>, <table>, <section>, <p>, <dl> with at least 3 links whose link text
       is at least 70% of its text); only outermost regions are taken (a region inside another
       is not counted twice);
     - each region is rendered as an extractor would: a line break at every block-level
       element and <br>, whitespace inside a line collapsed, blank lines dropped;
     - the page is the regions' lines in document order. Pages whose boilerplate has fewer than
       3 lines are left out (reported).
   No text is written by us: every line is text of the real page.
Also printed: the share rejected per reason for each set, and docs/s of the heuristics per core
(`judge_text` on each set, one process, best of --rounds), next to the Gopher families alone (the
stage before C4 and FineWeb were added) and a `str.split()` pass over the same texts (the machine
is shared: compare ratios).
"""
from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Iterable, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classifiers.langid import LanguageIdentifier  # noqa: E402
from transforms.document import Document  # noqa: E402
from transforms.ingest.decode import decode_html  # noqa: E402
from transforms.quality import Quality, QualityParams, judge_text  # noqa: E402

REGION_TAGS = {"nav", "header", "footer", "aside"}
LINK_DENSE_TAGS = {"ul", "ol", "div", "table", "section", "p", "dl"}
DROPPED_TAGS = ("script", "style", "noscript", "template", "svg", "select")
BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "fieldset", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
    "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul", "button",
}
MIN_LINKS = 3
MIN_LINK_TEXT_SHARE = 0.7
MIN_BOILERPLATE_LINES = 3
_SPACES = re.compile(r"\s+")


# ---------------------------------------------------------------- the three sets

def read_aeb_bodies(aeb_dir: Path) -> List[Tuple[str, str]]:
    truth = json.loads((aeb_dir / "ground-truth.json").read_text(encoding="utf-8"))
    return [(key, case["articleBody"]) for key, case in sorted(truth.items())]


def read_tweets(csv_gz: Path) -> List[Tuple[str, str]]:
    with gzip.open(csv_gz, "rt", encoding="utf-8", newline="") as handle:
        return [(f"davidson:{row['']}", row["tweet"]) for row in csv.DictReader(handle)]


def html_pages(root: Path) -> Iterable[Path]:
    """The raw pages: `html/*.html.gz` (AEB, trafilatura) and `source.html.gz` (Readability), not
    Readability's `expected.html.gz`, which is the article alone."""
    yield from sorted(p for p in root.rglob("*.html.gz") if p.parent.name == "html" or p.name == "source.html.gz")


def _text_of(element) -> str:
    return "".join(element.itertext())


def _link_text_share(element) -> Tuple[int, float]:
    links = element.findall(".//a")
    text = _SPACES.sub("", _text_of(element))
    if not links or not text:
        return len(links), 0.0
    link_text = sum(len(_SPACES.sub("", _text_of(a))) for a in links)
    return len(links), link_text / len(text)


def _is_region(element) -> bool:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in REGION_TAGS:
        return True
    if tag in LINK_DENSE_TAGS:
        n_links, share = _link_text_share(element)
        return n_links >= MIN_LINKS and share >= MIN_LINK_TEXT_SHARE
    return False


def _render_lines(element) -> List[str]:
    """Text of `element` with a line break at each block-level element, as an extractor renders it."""
    pieces: List[str] = []

    def walk(node):
        tag = node.tag if isinstance(node.tag, str) else ""
        block = tag in BLOCK_TAGS
        if block:
            pieces.append("\n")
        if node.text and tag:
            pieces.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                pieces.append(child.tail)
        if block:
            pieces.append("\n")

    walk(element)
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(pieces).split("\n"))
    return [line for line in lines if line]


def boilerplate_page(html: str) -> List[str]:
    """The lines of the page's navigation/header/footer/aside and link-dense blocks (see the module doc)."""
    import lxml.html

    try:
        tree = lxml.html.fromstring(html)
    except Exception:  # an empty or unparsable page has no boilerplate to give
        return []
    for bad in tree.xpath("//" + " | //".join(DROPPED_TAGS) + " | //comment()"):
        if bad.getparent() is not None:  # a comment before <html> has no parent and no text
            bad.drop_tree()
    lines: List[str] = []

    def collect(node):
        if _is_region(node):
            lines.extend(_render_lines(node))
            return  # outermost only
        for child in node:
            if isinstance(child.tag, str):
                collect(child)

    body = tree.find(".//body")
    collect(body if body is not None else tree)
    return lines


def read_boilerplate_pages(root: Path) -> Tuple[List[Tuple[str, str]], int]:
    pages, too_small = [], 0
    for path in html_pages(root):
        html = decode_html(gzip.decompress(path.read_bytes()))[0]
        lines = boilerplate_page(html)
        if len(lines) < MIN_BOILERPLATE_LINES:
            too_small += 1
            continue
        pages.append((str(path.relative_to(root)), "\n".join(lines)))
    return pages, too_small


# ---------------------------------------------------------------- judging and reporting

def with_languages(items: List[Tuple[str, str]], identify) -> List[Document]:
    return [Document(key, "eval", "public", key, text=text, meta={"language": identify(text)[0]})
            for key, text in items]


def judge_all(docs: List[Document], stage: Quality) -> List[Optional[str]]:
    return [stage.judge(d).reason for d in docs]


def report(name: str, reasons: List[Optional[str]], want: str) -> float:
    kept = sum(r is None for r in reasons)
    share = kept / len(reasons) if want == "kept" else 1 - kept / len(reasons)
    print(f"\n{name}: {len(reasons)} documents, {want} {share:.1%}")
    counts = Counter(r or "(kept)" for r in reasons)
    for reason, count in counts.most_common():
        print(f"    {reason:32s} {count:6d}  {count / len(reasons):6.1%}")
    return share


def show_examples(name: str, docs: List[Document], reasons: List[Optional[str]], want: str, n: int) -> None:
    """The first `n` documents that went the wrong way, to read."""
    wrong = [(d, r) for d, r in zip(docs, reasons) if (r is None) == (want == "rejected")]
    for doc, reason in wrong[:n]:
        verdict = Quality().judge(doc)
        print(f"  [{name}] {doc.id} ({doc.meta.get('language')}) -> {reason}: {dict(verdict.measurements)}")
        print("     " + doc.text[:300].replace("\n", " | "))


def docs_per_second(docs: List[Document], rounds: int, params: Optional[QualityParams] = None) -> float:
    """Documents per second of the heuristics (`judge_text`, no Beam) on one core, best of `rounds`."""
    params = params or QualityParams()
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for d in docs:
            judge_text(d.text, params, d.meta.get("language"))
        best = min(best, time.perf_counter() - start)
    return len(docs) / best


def split_baseline(docs: List[Document], rounds: int) -> float:
    """Documents per second of one `str.split()` pass over the same texts: the machine's yardstick."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for d in docs:
            d.text.split()
        best = min(best, time.perf_counter() - start)
    return len(docs) / best


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--aeb", type=Path, required=True, help="scrapinghub_aeb directory (ground-truth.json)")
    parser.add_argument("--davidson", type=Path, required=True, help="Davidson tweets CSV (.csv.gz)")
    parser.add_argument("--boilerplate-html", type=Path, required=True, help="directory searched for *.html.gz")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--show", type=int, default=0, help="print this many wrongly judged documents per set")
    args = parser.parse_args(argv)

    identify = LanguageIdentifier().identify
    boilerplate, too_small = read_boilerplate_pages(args.boilerplate_html)
    sets = {
        "AEB article bodies": (with_languages(read_aeb_bodies(args.aeb), identify), "kept"),
        "Davidson tweets": (with_languages(read_tweets(args.davidson), identify), "rejected"),
        "boilerplate pages": (with_languages(boilerplate, identify), "rejected"),
    }
    print(f"boilerplate pages: {len(boilerplate)} built, {too_small} pages left out "
          f"(fewer than {MIN_BOILERPLATE_LINES} boilerplate lines)")
    stage = Quality()
    for name, (docs, want) in sets.items():
        reasons = judge_all(docs, stage)
        report(name, reasons, want)
        if args.show:
            show_examples(name, docs, reasons, want, args.show)

    print(f"\nspeed of the heuristics, one core, best of {args.rounds} rounds (docs/s):")
    print(f"    {'set':24s} {'mean chars':>10s} {'default':>9s} {'Gopher only':>12s} {'str.split':>10s} "
          f"{'default/split':>13s}")
    for name, (docs, _) in sets.items():
        rate = docs_per_second(docs, args.rounds)
        gopher_only = docs_per_second(docs, args.rounds, QualityParams(c4=False, fineweb=False))
        baseline = split_baseline(docs, args.rounds)
        mean_chars = sum(len(d.text) for d in docs) / len(docs)
        print(f"    {name:24s} {mean_chars:10,.0f} {rate:9,.0f} {gopher_only:12,.0f} {baseline:10,.0f} "
              f"{rate / baseline:13.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
