"""Found spans: deterministic overlap resolution, redaction with typed placeholders, density."""
from __future__ import annotations

from typing import Iterable, List, NamedTuple, Sequence

from transforms.pii_detection.entities import placeholder


class Span(NamedTuple):
    """A detected value: [start, end) offsets into the text as it was before any replacement."""

    type: str
    start: int
    end: int
    score: float

    def as_record(self) -> dict:
        """What meta["pii"] holds for each span (the score stays out: it is a detector detail)."""
        return {"type": self.type, "start": self.start, "end": self.end}


def resolve_overlaps(spans: Iterable[Span]) -> List[Span]:
    """Keep a set of non-overlapping spans, in text order.

    Two recognizers may claim overlapping text (a card number is also phone-shaped, an IP address
    is also a dotted digit run). Spans are taken greedily by higher score, then longer, then earlier
    start, then type name, and a span is dropped if it overlaps one already taken; the full sort key
    makes the result independent of the order the recognizers reported in.
    """
    ranked = sorted(set(spans), key=lambda s: (-s.score, -(s.end - s.start), s.start, s.type, s.end))
    taken: List[Span] = []
    for span in ranked:
        if span.end <= span.start:
            continue
        if all(span.end <= other.start or other.end <= span.start for other in taken):
            taken.append(span)
    return sorted(taken, key=lambda s: s.start)


def redact(text: str, spans: Sequence[Span]) -> str:
    """`text` with every span replaced by its placeholder; spans must not overlap (resolve first)."""
    pieces = []
    last = 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.start < last:
            raise ValueError(f"overlapping spans at {span.start}: resolve_overlaps first")
        pieces.append(text[last:span.start])
        pieces.append(placeholder(span.type))
        last = span.end
    pieces.append(text[last:])
    return "".join(pieces)


def spans_per_1000_chars(n_spans: int, n_chars: int) -> float:
    """Density of found values: spans per 1,000 characters, a text shorter than that counted as 1,000.

    Counting spans (not covered characters) measures how many separate records a text holds, which
    is what makes a contact list or a leaked dump: a single private key block covers thousands of
    characters but is one secret, already redacted. The floor of 1,000 characters keeps one email in
    a two-line snippet from reading as a dense dump: below 1,000 characters the total count decides.
    """
    return round(n_spans * 1000.0 / max(n_chars, 1000), 3)
