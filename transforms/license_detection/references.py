"""The reference texts the matcher compares against: the 47 licences shipped in data/ and 7 standard notices.

data/*.txt are choosealicense.com's licence files, verbatim (data/SOURCES.md): YAML front matter with
`spdx-id:`, then the licence text after the second `---`. Read through importlib.resources, once per
process, so the package works wherever it is installed (a Dataflow worker included).

Two kinds of reference:

  text    a licence's full text. Its template fields (`[year]`, `[fullname]`, `[project]`, `[email]`,
          `[projecturl]`) hold a year or a name in a real file: the shingles that span a field are
          left out of the reference, so a filled-in name costs only the few words it adds
  notice  the short notice a licence asks projects to put in their files, cut verbatim from that
          licence's own appendix ("How to apply ..."/Exhibit A): Apache-2.0, ECL-2.0, GPL-2.0,
          GPL-3.0, AGPL-3.0, LGPL-2.1, MPL-2.0. A LICENSE file holding only such a notice (as
          google/python-fire's does for Apache-2.0) names its licence without carrying its text.

Reported ids. choosealicense.com writes the GNU licences with the SPDX ids that SPDX has since
deprecated (`GPL-3.0`, which SPDX now reads as GPL-3.0-only). A GNU licence's text alone cannot say
"only" or "or later": that choice is made in the notice a project puts on its files. The detector
reports the full text as `-or-later` (TEXT_IDS): it is what the licence's own "How to Apply" notice
recommends and what most projects that ship the text choose, and the licence itself (GPL-3.0 §14,
GPL-2.0 §9) lets a recipient choose any version when the program names none. A matched GNU *notice*
does say it, and is reported as `-or-later` when it has the clause "either version N of the License,
or (at your option) any later version" (any phrase of it), else `-only`. The
repository level may refine a full-text detection from the repository's SPDX headers (repository.py).
Every policy outcome is the same either way: no GNU licence is on the allow-list.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Dict, FrozenSet, Iterator, List, Sequence, Tuple

from transforms.license_detection.normalize import normalize_words

_PACKAGE = "transforms.license_detection"
_FOLDER = "data"
SHINGLE = 3  # words per shingle: enough word order to tell MIT from MIT-0, few enough to survive an edit

_FRONT_MATTER_ID = re.compile(r"^spdx-id:\s*(\S+)\s*$", re.MULTILINE)
TEMPLATE_FIELDS = ("[year]", "[fullname]", "[project]", "[email]", "[projecturl]")
_FIELD_WORD = "templatefield"  # stands in for a field while a reference is read; never a real word

# choosealicense id -> the id reported for that licence's full text (see the module docstring)
TEXT_IDS: Dict[str, str] = {
    "GPL-2.0": "GPL-2.0-or-later",
    "GPL-3.0": "GPL-3.0-or-later",
    "LGPL-2.1": "LGPL-2.1-or-later",
    "LGPL-3.0": "LGPL-3.0-or-later",
    "AGPL-3.0": "AGPL-3.0-or-later",
    "GFDL-1.3": "GFDL-1.3-or-later",
}

# choosealicense id -> (first words, last words) of its standard notice, verbatim in its own text
NOTICES: Dict[str, Tuple[str, str]] = {
    "Apache-2.0": ("Licensed under the Apache License, Version 2.0", "limitations under the License."),
    "ECL-2.0": ("Licensed under the Educational", "limitations under\nthe License."),
    "GPL-2.0": ("This program is free software; you can", "02110-1301 USA."),
    "GPL-3.0": ("This program is free software: you can", "<https://www.gnu.org/licenses/>."),
    "AGPL-3.0": ("This program is free software: you can", "<https://www.gnu.org/licenses/>."),
    "LGPL-2.1": ("This library is free software; you can", "02110-1301\n    USA"),
    "MPL-2.0": ("This Source Code Form is subject to the terms of the Mozilla Public",
                "http://mozilla.org/MPL/2.0/."),
}
# GNU notices say "only" or "or later" themselves; their id gets the suffix at match time
GNU_NOTICES = frozenset({"GPL-2.0", "GPL-3.0", "AGPL-3.0", "LGPL-2.1"})


@dataclass(frozen=True)
class Reference:
    name: str              # data file stem, "#notice" appended for a notice: "apache-2.0#notice"
    source_id: str         # the spdx-id of its front matter
    spdx_id: str           # the id reported on a match (a GNU notice: without -only/-or-later)
    kind: str              # "text" or "notice"
    shingles: FrozenSet[int]

    @property
    def gnu_notice(self) -> bool:
        return self.kind == "notice" and self.source_id in GNU_NOTICES


def _word_grams(words: Sequence[str]) -> Iterator[Tuple[str, ...]]:
    return zip(*(words[i:] for i in range(SHINGLE)))


def shingles(words: Sequence[str]) -> List[int]:
    """A text's shingles (word SHINGLE-grams) in order, each as its hash: hashed once, then compared
    as ints (a tuple recomputes its hash at every set lookup). Only compared within one process, so
    Python's per-process string hash salt is the same on both sides."""
    return list(map(hash, _word_grams(words)))


def split_front_matter(raw: str) -> Tuple[str, str]:
    """(spdx id, licence text) of a choosealicense file: the text is what follows the second `---`."""
    _, front, body = raw.split("---", 2)
    found = _FRONT_MATTER_ID.search(front)
    if not found:
        raise ValueError("no spdx-id in the front matter")
    return found.group(1), body.lstrip("\n")


def text_shingles(licence_text: str) -> FrozenSet[int]:
    """The shingles of a licence text, less those spanning a template field."""
    for field in TEMPLATE_FIELDS:
        licence_text = licence_text.replace(field, f" {_FIELD_WORD} ")
    return frozenset(hash(g) for g in _word_grams(normalize_words(licence_text)) if _FIELD_WORD not in g)


def notice_text(licence_text: str, first: str, last: str) -> str:
    start = licence_text.index(first)
    return licence_text[start:licence_text.index(last, start) + len(last)]


def reference_files() -> Dict[str, str]:
    """{file stem: raw file text} of the shipped licences (data/*.txt)."""
    folder = resources.files(_PACKAGE).joinpath(_FOLDER)
    return {entry.name[:-4]: entry.read_text(encoding="utf-8")
            for entry in sorted(folder.iterdir(), key=lambda e: e.name) if entry.name.endswith(".txt")}


def reported_id(source_id: str) -> str:
    """The id the detector reports for the full text of choosealicense licence `source_id`."""
    return TEXT_IDS.get(source_id, source_id)


@functools.lru_cache(maxsize=None)
def load_references() -> Tuple[Reference, ...]:
    """Every reference (47 full texts, then the notices), built once per process."""
    texts, notices = [], []
    for stem, raw in reference_files().items():
        source_id, body = split_front_matter(raw)
        texts.append(Reference(stem, source_id, reported_id(source_id), "text", text_shingles(body)))
        if source_id in NOTICES:
            notice = notice_text(body, *NOTICES[source_id])
            notice_id = source_id if source_id in GNU_NOTICES else reported_id(source_id)
            notices.append(Reference(f"{stem}#notice", source_id, notice_id, "notice",
                                     frozenset(shingles(normalize_words(notice)))))
    return tuple(texts + notices)


def gnu_id(spdx_base: str, or_later: bool) -> str:
    return f"{spdx_base}-or-later" if or_later else f"{spdx_base}-only"
