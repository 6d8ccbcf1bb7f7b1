"""How the training and evaluation data of the math classifier (classifiers/data/math/) was built.

The shipped files are the output of `build(...)`; nothing here runs at pipeline or test time. To
rebuild them (Debian's `dpkg-deb` unpacks the packages; the shared data set gives the web pages):

    mkdir /tmp/debs && cd /tmp/debs && apt-get download python-mpmath-doc python-scipy-doc \\
        python-sympy-doc python-sklearn-doc python-flask-doc python-requests-doc python-click-doc \\
        python-pytest-doc sphinx-doc python-django-doc python-scrapy-doc
    python classifiers/data/math/make_data.py --debs /tmp/debs --shared-data ../shared/data

`math` (positives): pages of the documentation of four libraries of mathematics, as the pipeline's
own extractor (`transforms.extraction.extractors.extract_body`) reads them: mpmath, SciPy, SymPy and
scikit-learn's user guide (all BSD-3-Clause), from Debian's `python-*-doc` packages (the HTML their
projects publish on the web). Only the mathematical sections (mpmath's functions and calculus chapters,
SciPy's tutorials and the reference pages of scipy.special, scipy.stats, scipy.integrate ..., SymPy's
modules and tutorials, scikit-learn's user guide), and only pages of at least 80 words with at least 3
TeX formulas: definitions, identities, derivations, worked examples and their explanations.
Debian builds SymPy's pages with imgmath (a PNG per formula, the TeX in its `alt`); the project's web
site uses MathJax, so the TeX is put back as `\\(...\\)` / `\\[...\\]` text before extraction, as
MathJax pages carry it.

Documentation pages (positives and negatives alike) lose their interactive Python sessions
(`strip_doctests`: `>>>` lines, continuations, output): with them, the model learnt numbers and
`array([...])` output as mathematics, and scored a Portuguese sports table as math. A document is cut
to its first lines of at most 2,000 words (`first_words`).

`other` (negatives): general web text, and software documentation as hard negatives:
- the article texts, page boilerplate and tweets of the quality classifier's data
  (classifiers/data/quality/, see its README; tweets a 1-in-4 hash sample), with their split;
  the one math page among them (Readability's `mathjax` test case) is left out;
- the 30 Dolma Common Crawl documents of classifiers/data/clean_web_text.jsonl.gz;
- the pages of the trafilatura evaluation set (shared data; German, English, French, Polish ...),
  extracted by the pipeline's extractor (whole pages as the pipeline sees them: article plus whatever
  boilerplate survives), and the non-English article bodies of the Scrapinghub benchmark (the
  positives are English: without other languages as negatives, a page of unknown words, a sports
  table in Portuguese, scored as mathematics);
- pages of the documentation of seven non-mathematical Python projects (Flask, Requests, Click,
  pytest, Sphinx, Django, Scrapy; BSD/MIT/Apache) and the non-mathematical pages of the same math
  libraries (SciPy's and scikit-learn's developer guides, SymPy's contributing guide, mpmath's setup
  page): the same page templates, code samples and API prose as the positives, without the
  mathematics, so the model cannot score "documentation" instead of "mathematics". Release notes and
  announcements are left out; at most 60 pages a project (a hash sample).

Decontamination: a record that shares any n-gram with a benchmark of benchmarks_ngrams (the
decontaminate stage's index) is left out, on either side of the split, so no benchmark item is trained
on; the collisions were all common phrases or digit runs ("0 1 2 3 ... 12", "can be used to calculate
the", "the number of trees in the"), 15 records of this build.

Split: a record is held back when `classifiers.quality_data.is_held_out(group)` (the quality data's
salted hash, 20%), so records shared with the quality data keep their side. The group is the unit
that may share text: a web page's site, a tweet's id, and for documentation a section of one
project's docs (`scipy:scipy.stats` holds every scipy.stats reference page, whose method tables
repeat; `sympy:modules/polys`; an mpmath chapter page is its own group).

The files are written sorted by id, with sorted keys and a zero gzip timestamp (byte-stable).
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, Iterator, List, NamedTuple, Optional, Sequence

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

MIN_WORDS = 80
MIN_FORMULAS = 3
MAX_WORDS = 2000  # a longer document is cut to its first lines of at most this many words
MAX_DOC_PAGES = 60  # negatives: pages per documentation project
TWEET_SHARE = 0.25
SAMPLE_SALT = "winnow-math-sample-v1"

DATA_FILES = {
    ("train", "math"): "train-math.jsonl.gz",
    ("train", "other"): "train-other.jsonl.gz",
    ("heldout", "math"): "heldout-math.jsonl.gz",
    ("heldout", "other"): "heldout-other.jsonl.gz",
}

# Debian package -> (version used, short name, licence of the documentation)
DEBIAN_PACKAGES = {
    "python-mpmath-doc": ("1.2.1-2", "mpmath", "BSD-3-Clause"),
    "python-scipy-doc": ("1.10.1-2", "scipy", "BSD-3-Clause"),
    "python-sympy-doc": ("1.11.1-1", "sympy", "BSD-3-Clause"),
    "python-sklearn-doc": ("1.2.1+dfsg-1", "sklearn", "BSD-3-Clause"),
    "python-flask-doc": ("2.2.2-3", "flask", "BSD-3-Clause"),
    "python-requests-doc": ("2.28.1+dfsg-1", "requests", "Apache-2.0"),
    "python-click-doc": ("8.1.3-2", "click", "BSD-3-Clause"),
    "python-pytest-doc": ("7.2.1-2", "pytest", "MIT"),
    "sphinx-doc": ("5.3.0-4", "sphinx", "BSD-2-Clause"),
    "python-django-doc": ("3:3.2.25-0+deb12u7", "django", "BSD-3-Clause"),
    "python-scrapy-doc": ("2.8.0-2", "scrapy", "BSD-3-Clause"),
}
MATH_PROJECTS = ("mpmath", "scipy", "sympy", "sklearn")

# A TeX formula in extracted text: MathJax's \( \[ delimiters, $$, or an environment.
_FORMULA = re.compile(r"\\\(|\\\[|\$\$|\\begin\{")


class Record(NamedTuple):
    id: str
    group: str
    source: str
    kind: str
    label: str  # math or other
    text: str


_DISTRIBUTION = re.compile(r"As an instance of the rv_(continuous|discrete) class")


def first_words(text: str, limit: int) -> str:
    """The first lines of `text` holding at most `limit` words (at least the first line)."""
    kept, words = [], 0
    for line in text.splitlines():
        n = len(line.split())
        if kept and words + n > limit:
            break
        kept.append(line)
        words += n
    return "\n".join(kept)


def strip_doctests(text: str) -> str:
    """A documentation page without its interactive Python sessions: every `>>>` line, its `...`
    continuations and output lines up to the next blank line (text before a `>>>` on a line is kept)."""
    out, in_session = [], False
    for line in text.split("\n"):
        if not line.strip():
            in_session = False
            out.append("")
            continue
        at = line.find(">>>")
        if at >= 0:
            in_session = True
            if line[:at].strip():
                out.append(line[:at].rstrip())
            continue
        if not in_session:
            out.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


def formulas(text: str) -> int:
    return len(_FORMULA.findall(text))


def _sample(key: str, share: float) -> bool:
    digest = hashlib.sha1(f"{SAMPLE_SALT}:{key}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


# ---------------------------------------------------------------- documentation pages

def _sympy_mathjax(raw: str) -> str:
    """SymPy's imgmath pages -> the MathJax form of docs.sympy.org: formula TeX as \\( \\) / \\[ \\] text."""
    raw = re.sub(r'<div class="math">\s*<p><img src="[^"]*" alt="([^"]*)"/></p>\s*</div>',
                 lambda m: '<div class="math">\\[' + m.group(1) + "\\]</div>", raw)
    return re.sub(r'<img class="math" src="[^"]*" alt="([^"]*)"/>', lambda m: "\\(" + m.group(1) + "\\)", raw)


def doc_role(project: str, page: str) -> Optional[tuple]:
    """(label, group) of a documentation page (path relative to html/), or None when not used."""
    parts = page.split("/")
    stem = page[:-len(".html")]
    if parts[-1] in ("genindex.html", "search.html", "py-modindex.html", "index.html") or "/_" in "/" + page:
        return None
    if project == "mpmath":
        if page in ("setup.html",):
            return "other", "mpmath:setup"
        if page in ("references.html",):
            return None
        return "math", f"mpmath:{stem}"
    if project == "scipy":
        if parts[0] == "tutorial":
            return "math", "scipy:tutorial/" + (parts[1] if len(parts) > 2 else stem.split("/")[1])
        if parts[0] == "reference" and len(parts) == 3 and parts[1] == "generated":
            module = ".".join(parts[2].split(".")[:2])
            unit = ".".join(parts[2][:-len(".html")].split(".")[:3])  # a function, or a class with its methods
            if module in ("scipy.special", "scipy.stats", "scipy.integrate", "scipy.optimize", "scipy.interpolate",
                          "scipy.signal", "scipy.fft", "scipy.fftpack", "scipy.spatial", "scipy.linalg",
                          "scipy.cluster", "scipy.odr", "scipy.ndimage", "scipy.sparse"):
                return "math", f"scipy:{unit}"
            return None
        if parts[0] == "dev":
            return "other", "scipy:dev/" + (parts[1] if len(parts) > 2 else "guide")
        return None
    if project == "sympy":
        if "contributing" in parts:
            return "other", "sympy:contributing"
        if parts[0] in ("modules", "tutorials", "explanation") or page.startswith("guides/solving"):
            group = "/".join(parts[:-1]) if len(parts) > 2 else stem
            return "math", f"sympy:{group}"
        return None
    if project == "sklearn":
        if parts[0] == "modules" and len(parts) == 2:  # the user guide; not the generated API pages
            return "math", f"sklearn:{stem}"
        if parts[0] == "developers":
            return "other", "sklearn:developers"
        return None
    # the non-mathematical projects: everything but release notes and announcements
    if any(p in ("releases", "announce", "changelog") for p in parts) or parts[-1].startswith(("release", "changelog",
                                                                                               "changes")):
        return None
    group = "/".join(parts[:-1]) or stem
    return "other", f"{project}:{group}"


def unpack(debs: Path, target: Path) -> Dict[str, Path]:
    """Unpack every known package found in `debs` with dpkg-deb; package name -> its html/ folder."""
    roots = {}
    for deb in sorted(debs.glob("*.deb")):
        package = deb.name.split("_")[0]
        if package not in DEBIAN_PACKAGES:
            continue
        version = deb.name.split("_")[1].replace("%3a", ":")
        expected = DEBIAN_PACKAGES[package][0]
        if version != expected:
            print(f"warning: {deb.name}: version {version}, the shipped data used {expected}", file=sys.stderr)
        out = target / package
        subprocess.run(["dpkg-deb", "-x", str(deb), str(out)], check=True)
        html = sorted(out.glob("usr/share/doc/*/html"))
        if html:
            roots[package] = html[0]
    return roots


def doc_records(html_roots: Dict[str, Path]) -> Iterator[Record]:
    from transforms.extraction.extractors import extract_body

    for package, root in sorted(html_roots.items()):
        project = DEBIAN_PACKAGES[package][1]
        kept_other = []
        for path in sorted(root.rglob("*.html")):
            page = path.relative_to(root).as_posix()
            role = doc_role(project, page)
            if role is None:
                continue
            label, group = role
            raw = path.read_text(encoding="utf-8", errors="replace")
            if project == "sympy":
                raw = _sympy_mathjax(raw)
            text = first_words(strip_doctests(extract_body(raw, None).text), MAX_WORDS)
            if len(text.split()) < MIN_WORDS:
                continue
            if project == "scipy" and _DISTRIBUTION.search(text):
                group = "scipy:scipy.stats-distributions"  # one page a distribution, all with the same method tables
            record = Record(f"{project}:{page}", group, project, "math-docs" if label == "math" else "software-docs",
                            label, text)
            if label == "math":
                if formulas(text) >= MIN_FORMULAS:
                    yield record
            else:
                kept_other.append(record)
        if len(kept_other) > MAX_DOC_PAGES:  # a hash sample: the lowest hashes of the page ids
            kept_other.sort(key=lambda r: hashlib.sha1(f"{SAMPLE_SALT}:{r.id}".encode()).digest())
            kept_other = kept_other[:MAX_DOC_PAGES]
        yield from kept_other


# ---------------------------------------------------------------- web text

def quality_records() -> Iterator[Record]:
    """The quality classifier's data (articles, boilerplate, tweets), as negatives; its side of the split kept."""
    from classifiers.quality_data import read_records

    for split in ("train", "heldout"):
        for label in ("hq", "cc"):
            for r in read_records(ROOT / "classifiers" / "data" / "quality" / f"{split}-{label}.jsonl.gz"):
                if r.id == "readability:mathjax":  # a MathJax demo page: mathematics, not general web text
                    continue
                if r.kind == "tweet" and not _sample(r.id, TWEET_SHARE):
                    continue
                yield Record(r.id, r.group, r.source, r.kind, "other", first_words(r.text, MAX_WORDS))


def dolma_records() -> Iterator[Record]:
    from classifiers.quality_data import site_of

    with gzip.open(ROOT / "classifiers" / "data" / "clean_web_text.jsonl.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row["dataset"].startswith("dolma-cc"):
                yield Record(f"dolma:{row['id']}", site_of(row["id"], fallback=row["id"]), "dolma", "cc-text", "other",
                             first_words(row["text"].strip(), MAX_WORDS))


def trafilatura_records(shared_data: Path) -> Iterator[Record]:
    """Every page of the trafilatura evaluation set (all languages), extracted as the pipeline does."""
    from classifiers.quality_data import _read_gz, parse_html, site_of
    from transforms.extraction.extractors import extract_body

    root = shared_data / "extraction" / "trafilatura_eval"
    cases = json.loads((root / "evaldata.json").read_text(encoding="utf-8"))
    for url, case in sorted(cases.items()):
        page = root / "html" / case["file"]
        if not page.is_file():
            continue
        data = _read_gz(page)
        html = data.decode("utf-8", errors="replace")
        text = first_words(extract_body(html, url if "://" in url else None).text.strip(), MAX_WORDS)
        if len(text.split()) >= MIN_WORDS:
            site = site_of(url, parse_html(data), fallback=url)
            yield Record(f"trafilatura:{url}#page", site, "trafilatura", "web-page", "other", text)


def aeb_other_language_records(shared_data: Path) -> Iterator[Record]:
    """The article bodies of the non-English pages of the Scrapinghub benchmark (the English ones come with
    the quality data)."""
    from classifiers.quality_data import LanguageCheck, site_of

    lang = LanguageCheck()
    truth = json.loads((shared_data / "extraction" / "scrapinghub_aeb" / "ground-truth.json").read_text("utf-8"))
    for key, case in sorted(truth.items()):
        body = case["articleBody"].strip()
        if len(body.split()) >= MIN_WORDS and not lang.english(body):
            yield Record(f"aeb:{key}", site_of(case["url"], fallback=case["url"]), "aeb", "article", "other",
                         first_words(body, MAX_WORDS))


# ---------------------------------------------------------------- assembly

def collect(debs: Path, shared_data: Path) -> List[Record]:
    with tempfile.TemporaryDirectory() as tmp:
        records = list(doc_records(unpack(debs, Path(tmp))))
    records += quality_records()
    records += dolma_records()
    records += trafilatura_records(shared_data)
    records += aeb_other_language_records(shared_data)
    seen, unique = set(), []
    for r in sorted(records, key=lambda r: r.id):  # one copy of a text (mirrored pages, retweets)
        key = " ".join(r.text.split())
        if key not in seen:
            seen.add(key)
            unique.append(r)
    return unique


def decontaminate(records: Sequence[Record]) -> List[Record]:
    """Leave out every record that shares an n-gram with a benchmark of benchmarks_ngrams (the decontaminate
    stage's rule, without its common-usage exception: here no n-gram is common enough to be excused)."""
    from benchmarks_ngrams.index import BenchmarkIndex

    index = BenchmarkIndex.default()
    kept = []
    for r in records:
        hits = index.collisions(r.text)
        if hits:
            print(f"left out {r.id}: {len(hits)} benchmark n-grams, e.g. {hits[0].benchmarks} {hits[0].text!r}",
                  file=sys.stderr)
        else:
            kept.append(r)
    return kept


def split(records: Sequence[Record]) -> Dict[tuple, List[Record]]:
    from classifiers.quality_data import is_held_out

    files: Dict[tuple, List[Record]] = {key: [] for key in DATA_FILES}
    for r in records:
        files[("heldout" if is_held_out(r.group) else "train", r.label)].append(r)
    return files


def read_records(path) -> List[Record]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [Record(**json.loads(line)) for line in handle if line.strip()]


def counts_table(files: Dict[tuple, List[Record]]) -> str:
    from collections import Counter

    rows = [f"{'split':<8} {'label':<6} {'source':<12} {'kind':<14} {'records':>7} {'words':>8} {'groups':>6}"]
    for (split_name, label), records in files.items():
        counts, words, groups = Counter(), Counter(), {}
        for r in records:
            counts[(r.source, r.kind)] += 1
            words[(r.source, r.kind)] += len(r.text.split())
            groups.setdefault((r.source, r.kind), set()).add(r.group)
        for key, n in sorted(counts.items()):
            rows.append(f"{split_name:<8} {label:<6} {key[0]:<12} {key[1]:<14} {n:>7} {words[key]:>8} "
                        f"{len(groups[key]):>6}")
    return "\n".join(rows)


def build(debs: str, shared_data: str, output_dir: str = str(HERE)) -> Dict[tuple, List[Record]]:
    from classifiers.quality_data import write_jsonl_gz  # byte-stable: sorted, no gzip timestamp

    files = split(decontaminate(collect(Path(debs), Path(shared_data))))
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    for key, name in DATA_FILES.items():
        write_jsonl_gz(out / name, files[key])
    return files


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--debs", required=True, help="a folder with the Debian packages' .deb files")
    parser.add_argument("--shared-data", required=True, help="the shared data directory (extraction/ inside)")
    parser.add_argument("--output", default=str(HERE))
    args = parser.parse_args(argv)
    print(counts_table(build(args.debs, args.shared_data, args.output)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
