"""Which text presidio needs to see: cheap triggers, safe cut points, and candidate windows.

Presidio costs ~3 ms per KB (phonenumbers runs one matcher per region), and most documents hold
no personal data. Two savings, both exact (the tests compare them with analysing the whole text):

1. Triggers. Every match of every recognizer contains a match of its entity's trigger, a regex
   derived from the recognizer's own pattern: an "@" for emails, 7 digits joined by phone
   punctuation for phone numbers, and so on (PII_TRIGGERS). A document with no trigger cannot
   produce a result, so it never reaches presidio.

2. Windows. A document with triggers is cut at *safe cut points*, positions no match can cross,
   and only the pieces around triggers are analysed. A safe cut point is the start of the word
   after a whitespace run that follows a word W where W
     - is letters only: the only matches that span whitespace are phone numbers and grouped
       card, SSN and IBAN numbers (emails and IP addresses never do), and of those only phone
       extensions and IBAN groups hold letters, which the next two rules cover;
     - is not an extension word or a run of x's ("ext", "x"): phonenumbers treats those as part of
       a number ("555 1234 ext 12", and "x" is phone punctuation);
     - has a length that is not a multiple of 4: an IBAN written in groups ("GB82 WEST 1234 ...")
       is the only match with letter-only pieces between spaces, and those pieces are 4 (or 8, 12
       ...) letters long, since an IBAN starts with two letters and two digits.
   A window runs from the cut point CONTEXT_CHARS before the start of the piece holding a trigger
   to the cut point CONTEXT_CHARS_AFTER after its end, so the context words the enhancer reads
   (context.py) are inside.
   Windows are joined into one string for one presidio call: each junction is itself a safe cut,
   so no match can form across it; offsets are mapped back.
"""
from __future__ import annotations

import bisect
from typing import Iterable, List, NamedTuple, Sequence, Tuple

import regex
from phonenumbers.phonenumberutil import _VALID_PUNCTUATION  # the gap characters phonenumbers allows

from transforms.pii_detection.context import CONTEXT_CHARS, CONTEXT_CHARS_AFTER
from transforms.pii_detection.phones import MIN_PHONE_DIGITS

# Presidio compiles pattern recognizers with the `regex` module and IGNORECASE; triggers use the
# same engine and flags so that "[A-Z]" means the same characters in both. Each trigger starts at a
# character that is rare in prose ("@", ".", ":", a digit), so scanning a document stays cheap.
_FLAGS = regex.IGNORECASE | regex.MULTILINE | regex.DOTALL

PII_TRIGGERS = {
    # EmailRecognizer's pattern has a literal [@].
    "EMAIL_ADDRESS": r"@",
    # IpRecognizer: a dotted IPv4 a.b.c.d holds ".b.c." (also inside its IPv4-mapped/embedded IPv6
    # patterns); every IPv6 pattern has "::" except the full eight-group form, which holds ":h:h:".
    "IP_ADDRESS": r"\.[0-9]{1,3}\.[0-9]{1,3}\.|::|:[0-9A-F]{1,4}:[0-9A-F]{1,4}:",
    # IbanRecognizer: two letters, two digits, then at least two groups of four (the trigger
    # starts at the digits; the letters are checked behind).
    "IBAN_CODE": r"(?<=[A-Z]{2})[0-9]{2}(?:[ -]?[A-Z0-9]{4}){2}",
    # UsSsnRecognizer: nine digits with at most one of "- ." between any two.
    "US_SSN": r"[0-9](?:[- .]?[0-9]){8}",
    # CardNumberRecognizer: at least 12 digits with at most one of " -" between any two.
    "CREDIT_CARD": r"[0-9](?:[ -]?[0-9]){11}",
    # ValidPhoneRecognizer keeps numbers of MIN_PHONE_DIGITS digits or more, and phonenumbers'
    # candidates are digit blocks joined by up to 4 of its punctuation characters; the extension
    # is not counted. PhoneFormatRecognizer's separators ( .-/() ) are all phone punctuation.
    # (_VALID_PUNCTUATION is written to go inside brackets, as phonenumbers itself uses it.)
    "PHONE_NUMBER": r"\d(?:[" + _VALID_PUNCTUATION + r"]{0,4}\d){" + str(MIN_PHONE_DIGITS - 1) + "}",
}
# A text matching these triggers also matches the phone trigger, so with phones on they add nothing.
_IMPLIED_BY_PHONE = ("US_SSN", "CREDIT_CARD")

# A safe cut follows a word of letters whose length is not a multiple of 4 and that is not a word
# phonenumbers reads as part of a number; the cut point is the end of the whitespace after it.
_CUT = regex.compile(
    r"(?<!\S)(?!(?:e?xt(?:ensi[oó]?)?n?|ｅ?ｘｔｎ?|доб|anexo|int|ｉｎｔ|[xｘ]+)\s)(?:\p{L}{4})*\p{L}{1,3}\s+",
    regex.IGNORECASE,
)


def compile_triggers(entities: Iterable[str]) -> Tuple:
    """The compiled triggers of `entities`, one regex each (an alternation of all scans 5x slower)."""
    entities = set(entities)
    if "PHONE_NUMBER" in entities:
        entities -= set(_IMPLIED_BY_PHONE)
    return tuple(regex.compile(PII_TRIGGERS[e], _FLAGS) for e in sorted(entities))


def seeds(text: str, triggers: Sequence) -> List[Tuple[int, int]]:
    """Spans of trigger matches, sorted by start."""
    return sorted(match.span() for trigger in triggers for match in trigger.finditer(text))


class _ForwardCuts:
    """First safe cut at or after a position, remembering the last search.

    Seeds come in text order, so a later seed usually falls before the cut already found; without
    the memory a page with no safe cut at all (Chinese or Japanese text has no spaces) would be
    searched to its end once per seed.
    """

    def __init__(self, text: str):
        self.text = text
        self._searched_from = self._found = -1

    def at_or_after(self, pos: int) -> int:
        # Any cut at or after `pos` keeps windows exact; the remembered one is also the nearest.
        if not self._searched_from <= pos <= self._found:
            match = _CUT.search(self.text, pos)
            self._searched_from, self._found = pos, match.end() if match else len(self.text)
        return self._found


def cut_at_or_before(text: str, pos: int) -> int:
    """The last safe cut point at or before `pos` (0 if none), searching back in growing steps."""
    low, step = pos, 256
    while low > 0:
        low = max(0, low - step)
        last = None
        for match in _CUT.finditer(text, low, pos):
            last = match.end()
        if last is not None:
            return last
        step *= 4
    return 0


def safe_cuts(text: str) -> List[int]:
    """Every safe cut point of `text`, with 0 and len(text) (for tests and inspection)."""
    return [0] + [match.end() for match in _CUT.finditer(text)] + [len(text)]


def candidate_windows(text: str, triggers: Sequence, before: int = CONTEXT_CHARS,
                      after: int = CONTEXT_CHARS_AFTER) -> List[Tuple[int, int]]:
    """Disjoint, sorted [start, end) windows that hold every possible match and its context."""
    windows: List[Tuple[int, int]] = []
    forward = _ForwardCuts(text)
    for seed_start, seed_end in seeds(text, triggers):
        piece_end = forward.at_or_after(seed_end)
        end = forward.at_or_after(piece_end + after) if piece_end + after < len(text) else len(text)
        if windows and seed_start < windows[-1][1]:
            # Same or overlapping window: a later seed's start reaches back no further (its piece
            # starts at or after the previous seed's), so only the end can grow.
            windows[-1] = (windows[-1][0], max(windows[-1][1], end))
            continue
        reach = cut_at_or_before(text, seed_start) - before
        start = cut_at_or_before(text, reach) if reach > 0 else 0
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(windows[-1][1], end))
        else:
            windows.append((start, end))
    return windows


class Joined(NamedTuple):
    """Windows joined into one string, with what maps its offsets back to the original text."""

    text: str
    joined_starts: Sequence[int]  # where each window starts in `text`
    original_starts: Sequence[int]  # where it starts in the original

    def to_original(self, start: int, end: int) -> Tuple[int, int]:
        index = bisect.bisect_right(self.joined_starts, start) - 1
        shift = self.original_starts[index] - self.joined_starts[index]
        return start + shift, end + shift


def join_windows(text: str, windows: Sequence[Tuple[int, int]]) -> Joined:
    joined_starts, original_starts, pieces, length = [], [], [], 0
    for start, end in windows:
        joined_starts.append(length)
        original_starts.append(start)
        pieces.append(text[start:end])
        length += end - start
    return Joined("".join(pieces), joined_starts, original_starts)
