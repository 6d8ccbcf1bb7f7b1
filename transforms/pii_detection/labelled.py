"""NeMo Curator's inline-tagged PII test format ("call <phone_number>555-0100</phone_number>"), read
into (plain text, gold spans) for evaluating the detector; shared by tests/test_pii.py and perf/pii_eval.py."""
from __future__ import annotations

import re
from typing import Set, Tuple

# NeMo's tag -> our entity type; other tags (names, addresses) are not entities we detect.
NEMO_TAGS = {"email": "EMAIL_ADDRESS", "phone_number": "PHONE_NUMBER", "ssn": "US_SSN",
             "credit_card_number": "CREDIT_CARD", "ip_address": "IP_ADDRESS"}
_TAG = re.compile(r"<(\w+)>(.*?)</\1>")


def parse_tagged_line(line: str) -> Tuple[str, Set[Tuple[str, int, int]]]:
    """(the line without its tags, {(entity type, start, end)} of the tagged spans of our types)."""
    text, gold, last = "", set(), 0
    for match in _TAG.finditer(line):
        text += line[last:match.start()]
        start = len(text)
        text += match.group(2)
        if match.group(1) in NEMO_TAGS:
            gold.add((NEMO_TAGS[match.group(1)], start, len(text)))
        last = match.end()
    return text + line[last:], gold
