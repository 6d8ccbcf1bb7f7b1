#!/usr/bin/env python3
"""The extract stage's math-markup test, before and after the profile-driven change (issue 13).

    python perf/math_markup_speed.py [--shared ../shared/data] [--rounds 5]

py-spy on the 5,000-page end-to-end run (perf/e2e_vs_datatrove.py) put 11% of extract's time in
`has_math_markup`: seven substring scans of every page. The current version scans four substrings
first ("math" and "atex" are rare in pages). Same answers (checked here), time per page measured on
the real pages of the shared extraction sets, the old form as the baseline in the same run.
"""
import argparse
import glob
import gzip
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from timing import best_seconds  # noqa: E402
from transforms.extraction.math import MATH_MARKERS, has_math_markup  # noqa: E402
from transforms.ingest.decode import decode_html  # noqa: E402


def seven_scans(html: str) -> bool:  # the version before
    return any(marker in html for marker in MATH_MARKERS)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    pages = []
    for path in sorted(glob.glob(f"{args.shared}/extraction/**/*.htm*", recursive=True)):
        raw = Path(path).read_bytes()
        pages.append(decode_html(gzip.decompress(raw) if path.endswith(".gz") else raw)[0])
    assert [has_math_markup(p) for p in pages] == [seven_scans(p) for p in pages]
    before = best_seconds(lambda: [seven_scans(p) for p in pages], args.rounds)
    after = best_seconds(lambda: [has_math_markup(p) for p in pages], args.rounds)
    mb = sum(map(len, pages)) / 1e6
    print(f"{len(pages)} pages, {mb:.1f} M characters; best of {args.rounds}, one core")
    print(f"  before (seven scans)   {before * 1e3 / len(pages):6.3f} ms/page")
    print(f"  after                  {after * 1e3 / len(pages):6.3f} ms/page   ({before / after:.2f}x)")


if __name__ == "__main__":
    main()
