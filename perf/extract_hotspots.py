#!/usr/bin/env python3
"""Two hotspots of the extract stage, before and after the profile-driven changes (issue 13).

    python perf/extract_hotspots.py [--shared ../shared/data] [--rounds 5]

py-spy on the 5,000-page end-to-end run (perf/e2e_vs_datatrove.py) found
- `has_math_markup` (11% of extract's time): seven substring scans of every page; now four first
  ("math" and "atex" are rare in pages);
- `text.translate(_INVISIBLE)` on every extracted text (2.0 s of 36): a dict lookup per character;
  now only when one of the four characters is there.
Same answers (checked here); time per page on the real pages of the shared extraction sets (their
extracted texts for the second), the old forms as the baselines in the same run.
"""
import argparse
import glob
import gzip
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from timing import best_seconds  # noqa: E402
from transforms.extraction.extractors import _INVISIBLE, drop_invisible, extract_body  # noqa: E402
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
    print(f"  has_math_markup   before (seven scans)   {before * 1e3 / len(pages):7.4f} ms/page")
    print(f"                    after                  {after * 1e3 / len(pages):7.4f} ms/page   ({before / after:.2f}x)")
    texts = [extract_body(page, None, "fast").text for page in pages]
    assert [drop_invisible(t) for t in texts] == [t.translate(_INVISIBLE) for t in texts]
    before = best_seconds(lambda: [t.translate(_INVISIBLE) for t in texts], args.rounds)
    after = best_seconds(lambda: [drop_invisible(t) for t in texts], args.rounds)
    print(f"  drop invisible    before (translate)     {before * 1e3 / len(texts):7.4f} ms/text "
          f"(texts: {sum(map(len, texts)) / 1e6:.1f} M characters)")
    print(f"                    after                  {after * 1e3 / len(texts):7.4f} ms/text   ({before / after:.0f}x)")


if __name__ == "__main__":
    main()
