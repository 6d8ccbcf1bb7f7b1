#!/usr/bin/env python3
"""Accuracy and throughput of the `license` stage's detector (transforms/license_detection), one core.

    python perf/license_detection_eval.py [--rounds 5]

Accuracy
  references  the 47 shipped licence texts (transforms/license_detection/data, choosealicense.com)
              written as LICENSE files the way GitHub's licence picker writes them (front matter off,
              [year] [fullname] [project] [email] [projecturl] filled in), then each variation:
              re-wrapped to 40 and to 100 columns, CRLF line endings, a copyright line added,
              Markdown (heading, bold terms, "-" bullets, a rule), a one-line preamble, a trailing
              paragraph, a long name in the template fields. Right = the reference's own id
              (references.reported_id: the GNU texts as -or-later) and no other licence.
  random edits each of the 47 LICENSE files 6 times (seeds 0-5) with 10% of its paragraphs dropped,
              with a word inserted per 30, or with a word replaced per 25 (the words: foo, widget,
              Jane, Doe, 2019, project). Heavy edits are meant to end as unknown; a wrong id is the
              failure
  close pairs both licences of 11 pairs of close variants (ECL-2.0/Apache-2.0, GPL-3.0/AGPL-3.0,
              AFL-3.0/OSL-3.0, CC-BY-4.0/CC-BY-SA-4.0, EUPL-1.1/1.2, CERN-OHL-S/W-2.0, MS-PL/MS-RL,
              MIT/MIT-0, BSD-2/BSD-3-Clause, BSD-3-Clause/-Clear, 0BSD/ISC), each with one paragraph
              left out, every paragraph in turn; with step 5 of the matcher (close variants settled
              on their own text) and without it (CLOSE = 0: the ranking alone). "Other" = taken for
              the other licence of its pair, which is right when the paragraph left out was the one
              that told them apart (MIT's condition, MS-RL's reciprocal clause, BSD-3-Clause's third);
              BSD-3-Clause less its third clause is BSD-2-Clause, "other" in its pair with
              BSD-2-Clause and "wrong" in its pair with BSD-3-Clause-Clear
  repositories the 6 real repositories of tests/data/code (389 files): detect_repo_license against
              their repo_license_spdx, and is_allowed with the default allow-list
  non-licence every file of those repositories that is not a licence file and carries no Apache
              notice (the only licence notice their source files have): any id found is a false
              positive

Throughput (files/s, best of `rounds` passes, one thread): detect_license_text on the 47 LICENSE
files, on the 6 real licence files, and per licence for three of the most common on GitHub (MIT,
Apache-2.0, GPL-3.0); the baseline in the same run is `text.lower().split()` on the same texts, the
least any word-based matcher does. Also the first-call cost (reading the references, building the
index: once per worker process) and detect_repo_license per repository.
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import textwrap
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "perf"))

from timing import best_seconds  # noqa: E402

PICKER = {"[year]": "2024", "[fullname]": "Jane Doe", "[project]": "widget", "[email]": "jane@example.org",
          "[projecturl]": "https://example.org/widget"}
LONG_NAMES = {"[year]": "2009-2024", "[fullname]": "The Widget Project Authors and Contributors",
              "[project]": "Widget Toolkit for Python", "[email]": "dev@lists.example.org",
              "[projecturl]": "https://example.org/widget"}
REPO_FILE = ROOT / "tests" / "data" / "code" / "permissive_and_gpl_repo_files.jsonl.gz"


def rewrap(text: str, width: int) -> str:
    return "\n\n".join(textwrap.fill(" ".join(p.split()), width) for p in re.split(r"\n\s*\n", text))


def as_markdown(text: str) -> str:
    first, rest = text.strip().split("\n", 1)
    rest = re.sub(r"(?m)^(\s*)\d+\.", r"\1-", rest)
    rest = re.sub(r'"([^"\n]{2,30})"', r"**\1**", rest)
    return f"# {first}\n{rest}\n\n---\n"


VARIATIONS = {
    "as written": lambda t: t,
    "re-wrapped to 40 columns": lambda t: rewrap(t, 40),
    "re-wrapped to 100 columns": lambda t: rewrap(t, 100),
    "CRLF line endings": lambda t: t.replace("\n", "\r\n"),
    "copyright line added": lambda t: "Copyright (c) 2015 Foo Bar <foo@example.com>\nAll rights reserved.\n\n" + t,
    "Markdown": as_markdown,
    "preamble": lambda t: "The widget library is distributed under the following license:\n\n" + t,
    "trailing paragraph": lambda t: t + "\n\nThis license applies to every file in this repository "
                                        "except those under vendor/, which keep their own licenses.\n",
}


EDIT_WORDS = ("foo", "widget", "Jane", "Doe", "2019", "project")
CLOSE_PAIRS = (("ECL-2.0", "Apache-2.0"), ("GPL-3.0", "AGPL-3.0"), ("AFL-3.0", "OSL-3.0"),
               ("CC-BY-4.0", "CC-BY-SA-4.0"), ("EUPL-1.1", "EUPL-1.2"), ("CERN-OHL-S-2.0", "CERN-OHL-W-2.0"),
               ("MS-PL", "MS-RL"), ("MIT", "MIT-0"), ("BSD-2-Clause", "BSD-3-Clause"),
               ("BSD-3-Clause", "BSD-3-Clause-Clear"), ("0BSD", "ISC"))


def drop_paragraphs(text: str, rng) -> str:
    return "\n\n".join(p for p in re.split(r"\n\s*\n", text) if rng.random() >= 0.1)


def insert_words(text: str, rng) -> str:
    words = text.split()
    for _ in range(len(words) // 30):
        words.insert(rng.randrange(len(words)), rng.choice(EDIT_WORDS))
    return " ".join(words)


def replace_words(text: str, rng) -> str:
    words = text.split()
    for _ in range(len(words) // 25):
        words[rng.randrange(len(words))] = rng.choice(EDIT_WORDS)
    return " ".join(words)


def licence_files(fields) -> dict:
    """{choosealicense id: the licence as a LICENSE file} from the package's own copies."""
    from transforms.license_detection.references import reference_files, split_front_matter

    out = {}
    for raw in reference_files().values():
        source_id, text = split_front_matter(raw)
        for field, value in fields.items():
            text = text.replace(field, value)
        out[source_id] = text
    return out


def read_repos() -> tuple:
    with gzip.open(REPO_FILE, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    files, expected = defaultdict(dict), {}
    for row in rows:
        files[row["repo"]][row["path"]] = row["content"] or ""
        expected[row["repo"]] = row["repo_license_spdx"]
    return rows, files, expected


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    start = time.perf_counter()
    from transforms.license_detection import detect_license_text, detect_repo_license, is_allowed
    from transforms.license_detection.references import reported_id

    detect_license_text("Permission is hereby granted, free of charge, to any person obtaining a copy")
    first_call = time.perf_counter() - start

    picker, long_names = licence_files(PICKER), licence_files(LONG_NAMES)
    print(f"{'references (47 LICENSE files)':<34}{'right':>7}{'wrong':>7}{'unknown':>9}   wrong or unknown")
    total_right = total = 0
    cases = [(name, picker, change) for name, change in VARIATIONS.items()]
    cases.append(("long names in the fields", long_names, VARIATIONS["as written"]))
    for name, texts, change in cases:
        right, wrong, unknown, missed = 0, 0, 0, []
        for source_id, text in texts.items():
            found = detect_license_text(change(text))
            if found.ids == (reported_id(source_id),):
                right += 1
            else:
                wrong, unknown = wrong + bool(found.spdx_id), unknown + (not found.spdx_id)
                missed.append(f"{source_id}->{'+'.join(found.ids) or found.method}")
        total_right, total = total_right + right, total + len(texts)
        print(f"  {name:<32}{right:>7}{wrong:>7}{unknown:>9}   {', '.join(missed)}")
    print(f"  {'all':<32}{total_right:>7} of {total}")

    print(f"\n{'random edits (47 x 6 seeds)':<34}{'right':>7}{'wrong':>7}{'unknown':>9}   wrong")
    for edit in (drop_paragraphs, insert_words, replace_words):
        outcomes = [(source_id, detect_license_text(edit(text, random.Random(seed))))
                    for source_id, text in picker.items() for seed in range(6)]
        right = sum(found.spdx_id == reported_id(s) for s, found in outcomes)
        wrong = [f"{s}->{found.spdx_id}" for s, found in outcomes if found.spdx_id and found.spdx_id != reported_id(s)]
        print(f"  {edit.__name__:<32}{right:>7}{len(wrong):>7}{len(outcomes) - right - len(wrong):>9}   {', '.join(wrong)}")

    from transforms.license_detection import matcher

    print(f"\n{'close pairs, a paragraph left out':<34}{'right':>7}{'other':>7}{'wrong':>7}{'unknown':>9}   other or wrong")
    for step5, close in (("with step 5", matcher.CLOSE), ("without step 5", 0.0)):
        saved, matcher.CLOSE = matcher.CLOSE, close
        counts, noted = Counter(), []
        for pair in CLOSE_PAIRS:
            for this, other in (pair, pair[::-1]):
                paragraphs = re.split(r"\n\s*\n", picker[this])
                for left_out in range(len(paragraphs)):
                    found = detect_license_text("\n\n".join(paragraphs[:left_out] + paragraphs[left_out + 1:]))
                    outcome = ("right" if found.spdx_id == reported_id(this) else "unknown" if found.spdx_id is None
                               else "other" if found.spdx_id == reported_id(other) else "wrong")
                    counts[outcome] += 1
                    if outcome in ("other", "wrong"):
                        noted.append(f"{this} less #{left_out}->{found.spdx_id}")
        matcher.CLOSE = saved
        print(f"  {step5:<32}{counts['right']:>7}{counts['other']:>7}{counts['wrong']:>7}{counts['unknown']:>9}"
              f"   {', '.join(noted)}")

    rows, files, expected = read_repos()
    print(f"\n{'repository':<24}{'expected':<20}{'detected':<20}{'from':<14}{'kept':<6}{'ms':>6}")
    repo_right = 0
    for repo in files:
        t0 = time.perf_counter()
        found = detect_repo_license(files[repo])
        elapsed = (time.perf_counter() - t0) * 1000
        repo_right += found.expression == expected[repo]
        print(f"{repo:<24}{expected[repo]:<20}{found.expression or '-':<20}{found.source:<14}"
              f"{'yes' if is_allowed(found.expression) else 'no':<6}{elapsed:>6.1f}")
    print(f"  {repo_right} of {len(files)} right")

    others = [r for r in rows if not r["is_license_file"]
              and "Licensed under the Apache License" not in (r["content"] or "")]
    false_ids = [(r["repo"], r["path"], detect_license_text(r["content"] or "").spdx_id) for r in others]
    false_ids = [f for f in false_ids if f[2]]
    print(f"\nnon-licence files: {len(others)}, a licence found in {len(false_ids)} {false_ids or ''}")

    real = [files[r["repo"]][r["path"]] for r in rows if r["is_license_file"] and "/" not in r["path"]]
    sets = [("47 reference LICENSE files", list(picker.values())), ("6 real licence files", real)]
    sets += [(f"{source_id} only", [picker[source_id]]) for source_id in ("MIT", "Apache-2.0", "GPL-3.0")]
    print(f"\nimport and first call (read the 47 texts, build the index): {first_call:.2f} s, once per process")
    print(f"{'throughput, one core':<34}{'files/s':>10}{'split files/s':>15}{'ratio':>9}{'MB/s':>7}")
    for name, texts in sets:
        repeat = max(1, 200 // len(texts))
        batch = texts * repeat
        size = sum(len(t) for t in batch) / 1e6
        detect = best_seconds(lambda: [detect_license_text(t) for t in batch], args.rounds)
        split = best_seconds(lambda: [t.lower().split() for t in batch], args.rounds)
        print(f"  {name:<32}{len(batch) / detect:>10,.0f}{len(batch) / split:>15,.0f}"
              f"{split / detect:>9.3f}{size / detect:>7.1f}")


if __name__ == "__main__":
    main()
