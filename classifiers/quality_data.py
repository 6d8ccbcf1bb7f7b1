"""Training and evaluation data of the quality classifier: how classifiers/data/quality/ was built.

The shipped files are the output of `build(shared_data, output_dir)`; nothing here runs at pipeline
or test time (they read the shipped files). To rebuild them from the shared data set:

    python -m classifiers.quality_data --shared-data ../shared/data [--output classifiers/data/quality]

High quality (`hq`): well-edited article bodies written by people.
- The Scrapinghub article-extraction benchmark's ground-truth `articleBody` texts (news and blog
  articles; MIT).
- The expected outputs of Mozilla Readability's test pages (`expected.html`: the article a
  reader view shows, by Readability's maintainers; Apache-2.0), as text, English cases only.

Low quality (`cc`), real text of the kinds a quality filter should drop:
- Boilerplate pages: the navigation and link text of the same benchmark pages and of trafilatura's
  evaluation pages (Apache-2.0), i.e. what an extractor returns when it misses the article. The
  recipe is `boilerplate_lines` below. Lines that belong to the article (the ground truth, or a
  trafilatura "must appear" snippet) are removed, so no article text is labelled low quality.
- Short social-media posts: a deterministic sample of the Davidson et al. tweets (MIT) already
  shipped in classifiers/data/davidson/.

English only: the positives are English, so a model trained on other languages' boilerplate would
learn "not English = low quality", which the langid stage already decides; pages are kept when
fastText lid.176 reads their whole visible text as English.

Split: a record is held back (20%) when the salted SHA-1 of its `group` falls below 0.2. The group is
the site (`site_of`: the page's domain) for everything derived from a page, so an article and the
boilerplate of its page, and the pages of one site (which share their menus), are always on the
same side: the held-back pages come from sites never trained on. A tweet is its own group.
Nothing held back is trained on.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, NamedTuple, Optional, Sequence
from urllib.parse import urlsplit

HOLDOUT_SALT = "winnow-quality-holdout-v1"
HELD_OUT_SHARE = 0.2
TWEET_SHARE = 0.04  # of the 19,825 shipped Davidson tweets: ~800, as many as the boilerplate pages
MIN_POSITIVE_WORDS = 80  # Readability's test cases include stubs ("001", "base-url") that are not articles
MIN_BOILERPLATE_WORDS = 10  # a page whose furniture is a logo and a copyright line teaches nothing
MIN_ENGLISH_CONFIDENCE = 0.5

DATA_FILES = {  # (split, label) -> file name in classifiers/data/quality/
    ("train", "hq"): "train-hq.jsonl.gz",
    ("train", "cc"): "train-cc.jsonl.gz",
    ("heldout", "hq"): "heldout-hq.jsonl.gz",
    ("heldout", "cc"): "heldout-cc.jsonl.gz",
}


class Record(NamedTuple):
    id: str  # unique: source name and key
    group: str  # the split unit: the page's site (domain), or the tweet's id
    source: str  # aeb, readability, trafilatura, davidson
    kind: str  # article, boilerplate, tweet
    label: str  # hq or cc
    text: str


def is_held_out(group: str, share: float = HELD_OUT_SHARE) -> bool:
    """Deterministic test membership: the first 8 bytes of a salted SHA-1 of the group, as a fraction."""
    digest = hashlib.sha1(f"{HOLDOUT_SALT}:{group}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


def _sample(key: str, share: float) -> bool:
    """An independent hash draw (another salt) for subsampling, so the sample and the split don't correlate."""
    digest = hashlib.sha1(f"winnow-quality-sample-v1:{key}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


# ---------------------------------------------------------------- HTML to lines of text

# Never text a reader sees.
_SKIP = {"script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed", "canvas",
         "head", "title", "meta", "link"}
# Elements that start a new line; everything else (a, span, b ...) is inline.
_BLOCK = {"address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
          "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "menu", "nav",
          "ol", "option", "p", "pre", "section", "select", "table", "td", "th", "tr", "ul", "body", "html"}
_SPACE = re.compile(r"\s+")


def _tag(element) -> str:
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else ""  # comments and processing instructions: ""


def element_lines(element) -> List[str]:
    """The visible text of an element, one line per block (paragraph, list item, cell ...)."""
    pieces: List[str] = []

    def walk(node):
        tag = _tag(node)
        if tag in _SKIP or not tag:
            return
        if tag in _BLOCK:
            pieces.append("\n")
        if node.text:
            pieces.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                pieces.append(child.tail)
        if tag in _BLOCK:
            pieces.append("\n")

    walk(element)
    lines = (_SPACE.sub(" ", line).strip() for line in "".join(pieces).split("\n"))
    return [line for line in lines if line]


def parse_html(data: bytes):
    """lxml tree of a page; the charset is the page's own declaration, else UTF-8, else cp1252."""
    import lxml.html

    head = data[:4096].decode("ascii", "ignore")
    declared = re.search(r"charset=[\"']?([\w-]+)", head, re.I)
    text = None
    for encoding in ([declared.group(1)] if declared else []) + ["utf-8", "cp1252"]:
        try:
            text = data.decode(encoding)
            break
        except (UnicodeDecodeError, LookupError):
            continue
    if text is None:
        text = data.decode("utf-8", errors="replace")
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)  # lxml refuses str input that declares an encoding
    return lxml.html.document_fromstring(text)


# ---------------------------------------------------------------- the boilerplate recipe

FURNITURE_TAGS = {"nav", "header", "footer", "aside"}
FURNITURE_ROLES = {"navigation", "banner", "contentinfo", "complementary", "menu", "menubar", "search"}
LINK_DENSE_TAGS = {"ul", "ol", "dl", "menu", "table", "div", "section", "p", "form"}
LINK_DENSITY = 0.5  # share of a block's words that are link text
MIN_LINK_BLOCK_WORDS = 4  # "Read more" alone is not a block worth taking


def _words(lines: Iterable[str]) -> int:
    return sum(len(line.split()) for line in lines)


def _link_density(element) -> float:
    words = _words(element_lines(element))
    if not words:
        return 0.0
    link_words = sum(_words(element_lines(a)) for a in element.iter("a"))
    return link_words / words


def _inside_content(element) -> bool:
    """A <header> inside <article> or <main> holds the headline and byline: content, not furniture."""
    return any(_tag(a) in ("article", "main") for a in element.iterancestors())


def _is_furniture(element) -> bool:
    tag = _tag(element)
    if tag in FURNITURE_TAGS:
        return not (tag == "header" and _inside_content(element))
    return (element.get("role") or "").strip().lower() in FURNITURE_ROLES


def _is_link_block(element) -> bool:
    if _tag(element) not in LINK_DENSE_TAGS:
        return False
    return _words(element_lines(element)) >= MIN_LINK_BLOCK_WORDS and _link_density(element) >= LINK_DENSITY


def boilerplate_blocks(root) -> List:
    """The outermost furniture or link-dense elements of the body, in document order.

    Furniture: <nav>, <header> (not an article's own), <footer>, <aside>, or an ARIA landmark role
    of the same kinds. Link-dense: a list, table, div, section, paragraph or form of at least 4 words
    of which at least half are link text (menus, tag clouds, "related articles", link farms).
    An element taken is not searched further; an element not taken is searched in its children.
    """
    blocks = []

    def walk(node):
        tag = _tag(node)
        if not tag or tag in _SKIP:
            return
        if _is_furniture(node) or _is_link_block(node):
            blocks.append(node)
            return
        for child in node:
            walk(child)

    body = root.find("body")
    walk(body if body is not None else root)
    return blocks


# Second-level labels under which a country's domains are registered (bbc.co.uk, uol.com.br).
_SECOND_LEVEL = {"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or", "go"}


def site_of(url: Optional[str], root=None, fallback: str = "") -> str:
    """The site of a page: the domain of its URL, else of its canonical/og:url link, else `fallback`.

    The domain is the last two labels of the host name, three under a country's "co"/"com"/...
    (www.bbc.co.uk -> bbc.co.uk). Some pages of the sets have no URL, only a case name.
    """
    if (not url or "://" not in url) and root is not None:
        links = root.xpath('//link[@rel="canonical"]/@href | //meta[@property="og:url"]/@content')
        url = next((link for link in links if "://" in link), url)
    host = (urlsplit(url).hostname or "") if url and "://" in url else ""
    labels = [label for label in host.lower().split(".") if label]
    if len(labels) < 2:
        return fallback
    keep = 3 if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


def _normalise(text: str) -> str:
    return _SPACE.sub(" ", text).strip().lower()


def boilerplate_lines(root, article_text: str = "", article_snippets: Sequence[str] = ()) -> List[str]:
    """The page's boilerplate, one line per block item: what an extractor returns when it misses the article.

    Lines of the blocks of `boilerplate_blocks`, each line once, minus article text:
    - with the page's full article (`article_text`, the ground truth): any line of 4 or more words
      that occurs in it. Shorter lines ("Home", "Share") stay even when the article uses the word.
    - with only snippets known to be article text (`article_snippets`: trafilatura's "must
      appear" list): the whole block that contains one, since its other article lines can't be told.
    """
    article = _normalise(article_text)
    snippets = [_normalise(s) for s in article_snippets if s.strip()]
    seen, out = set(), []
    for block in boilerplate_blocks(root):
        lines = element_lines(block)
        if snippets and any(s in _normalise(" ".join(lines)) for s in snippets):
            continue
        for line in lines:
            key = _normalise(line)
            if key in seen:
                continue
            seen.add(key)
            if article and len(key.split()) >= 4 and key in article:
                continue
            out.append(line)
    return out


def page_text(root) -> str:
    body = root.find("body")
    return "\n".join(element_lines(body if body is not None else root))


# ---------------------------------------------------------------- sources


class LanguageCheck:
    """English or not, by the shipped lid.176 model (the langid stage's model)."""

    def __init__(self):
        from classifiers.langid import LanguageIdentifier

        self.identifier = LanguageIdentifier()

    def english(self, text: str) -> bool:
        language, confidence = self.identifier.identify(text)
        return language == "en" and confidence >= MIN_ENGLISH_CONFIDENCE


def _read_gz(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def aeb_records(root: Path, lang: LanguageCheck) -> Iterator[Record]:
    """Article bodies (hq) and page boilerplate (cc) of the Scrapinghub benchmark pages."""
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    for key, case in sorted(truth.items()):
        body, site = case["articleBody"].strip(), site_of(case["url"], fallback=case["url"])
        if len(body.split()) >= MIN_POSITIVE_WORDS and lang.english(body):
            yield Record(f"aeb:{key}", site, "aeb", "article", "hq", body)
        page = root / "html" / f"{key}.html.gz"
        if page.is_file():
            tree = parse_html(_read_gz(page))
            if lang.english(page_text(tree)):
                yield from _boilerplate_record(f"aeb:{key}", site, "aeb", boilerplate_lines(tree, article_text=body))


def readability_records(root: Path, lang: LanguageCheck) -> Iterator[Record]:
    """Readability's expected article text (hq) and the boilerplate of its source page (cc)."""
    for case in sorted(p for p in root.iterdir() if (p / "source.html.gz").is_file()):
        article = "\n".join(element_lines(parse_html(_read_gz(case / "expected.html.gz"))))
        tree = parse_html(_read_gz(case / "source.html.gz"))
        record_id = f"readability:{case.name}"
        # the cases have no URL; most pages name theirs, else the case name without its number (webmd-1, webmd-2)
        site = site_of(None, tree, fallback="readability:" + re.sub(r"-\d+$", "", case.name))
        if len(article.split()) >= MIN_POSITIVE_WORDS and lang.english(article):
            yield Record(record_id, site, "readability", "article", "hq", article)
        if lang.english(page_text(tree)):
            lines = boilerplate_lines(tree, article_text=article)
            yield from _boilerplate_record(record_id, site, "readability", lines)


def trafilatura_records(root: Path, lang: LanguageCheck) -> Iterator[Record]:
    """Boilerplate (cc) of trafilatura's evaluation pages; their articles have no full ground truth."""
    cases = json.loads((root / "evaldata.json").read_text(encoding="utf-8"))
    for url, case in sorted(cases.items()):
        page = root / "html" / case["file"]
        if not page.is_file():
            continue
        tree = parse_html(_read_gz(page))
        if lang.english(page_text(tree)):
            lines = boilerplate_lines(tree, article_snippets=case.get("with", []))
            site = site_of(url, tree, fallback=url)  # a few keys are file names ("hard::pcgamer.com.skyrim.html")
            yield from _boilerplate_record(f"trafilatura:{url}", site, "trafilatura", lines)


def _boilerplate_record(record_id: str, group: str, source: str, lines: List[str]) -> Iterator[Record]:
    if _words(lines) >= MIN_BOILERPLATE_WORDS:
        yield Record(f"{record_id}#boilerplate", group, source, "boilerplate", "cc", "\n".join(lines))


def tweet_records(davidson_csv: Optional[str] = None) -> Iterator[Record]:
    """A hash sample of the shipped Davidson tweets (all classes: hate, offensive and neither), as cc."""
    from classifiers.safety_data import read_davidson

    seen = set()
    for tweet in read_davidson(davidson_csv):
        text = tweet.text.strip()
        # Davidson repeats retweets under new ids: one copy, or a text could sit on both sides of the split
        if _sample(tweet.id, TWEET_SHARE) and text and text not in seen:
            seen.add(text)
            yield Record(tweet.id, tweet.id, "davidson", "tweet", "cc", text)


def collect(shared_data: Path, davidson_csv: Optional[str] = None) -> List[Record]:
    lang = LanguageCheck()
    extraction = shared_data / "extraction"
    records = list(aeb_records(extraction / "scrapinghub_aeb", lang))
    records += readability_records(extraction / "mozilla_readability", lang)
    records += trafilatura_records(extraction / "trafilatura_eval", lang)
    records += tweet_records(davidson_csv)
    return records


def split(records: Iterable[Record]) -> Dict[tuple, List[Record]]:
    files: Dict[tuple, List[Record]] = {key: [] for key in DATA_FILES}
    for record in records:
        files[("heldout" if is_held_out(record.group) else "train", record.label)].append(record)
    return files


def write_jsonl_gz(path: Path, records: Sequence[Record]) -> None:
    """Byte-stable output: sorted records, sorted keys, gzip without a timestamp or file name."""
    lines = "".join(json.dumps(r._asdict(), ensure_ascii=False, sort_keys=True) + "\n"
                    for r in sorted(records, key=lambda r: r.id))
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as handle:
        handle.write(lines.encode("utf-8"))


def build(shared_data: str, output_dir: str, davidson_csv: Optional[str] = None) -> Dict[tuple, List[Record]]:
    files = split(collect(Path(shared_data), davidson_csv))
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    for key, name in DATA_FILES.items():
        write_jsonl_gz(out / name, files[key])
    return files


def counts_table(files: Dict[tuple, List[Record]]) -> str:
    """Records per split, label, source and kind, for the README."""
    from collections import Counter

    rows = [f"{'split':<8} {'label':<5} {'source':<12} {'kind':<12} {'records':>7} {'words':>8}"]
    for (split_name, label), records in files.items():
        counts = Counter((r.source, r.kind) for r in records)
        words = Counter()
        for r in records:
            words[(r.source, r.kind)] += len(r.text.split())
        for (source, kind), n in sorted(counts.items()):
            rows.append(f"{split_name:<8} {label:<5} {source:<12} {kind:<12} {n:>7} {words[(source, kind)]:>8}")
    return "\n".join(rows)


def read_records(path) -> List[Record]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [Record(**json.loads(line)) for line in handle if line.strip()]


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m classifiers.quality_data", description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared-data", required=True, help="the shared data directory (extraction/ inside)")
    parser.add_argument("--output", default=str(Path(__file__).parent / "data" / "quality"))
    parser.add_argument("--davidson", default=None, help="Davidson CSV(.gz); default: the shipped copy")
    args = parser.parse_args(argv)
    files = build(args.shared_data, args.output, args.davidson)
    print(counts_table(files))
    return 0


if __name__ == "__main__":
    sys.exit(main())
