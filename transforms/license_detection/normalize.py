"""Licence text -> the list of words the matcher compares, normalised as the SPDX matching guidelines say.

SPDX License List Matching Guidelines
(https://spdx.github.io/spdx-spec/v2.3/license-matching-guidelines-and-templates/): two licence texts
match when they differ only in what the guidelines call non-substantive:

  case                        lower-cased (casefold)
  whitespace, line breaks     words are compared, never lines: re-wrapping and CRLF change nothing
  punctuation, quotes, dashes dropped: a word is a run of letters and digits (so `"AS IS"`, `''AS IS''`
                              and `“AS IS”` are the same, and `and/or` is `and or`)
  bullets and numbering       list markers standing alone (`1.`, `(a)`, `b)`, `iv.`, `2.1.`, `*`, `-`)
                              are dropped wherever they are, so re-wrapping cannot move one into a line
  copyright notice            a line that is a copyright statement (`Copyright (c) 2015 Foo`,
                              `(C) 2019 Bar`, `© Baz`, `Copyright [year] [fullname]`) is dropped, and
                              so is a line "All rights reserved." (the end of such a statement)
  varietal spellings          British and American words are equated (`licence` -> `license`,
                              `organisation` -> `organization` ...: the guidelines' equivalent-words list,
                              the single-word entries), and `https` is `http`
  markup                      Markdown emphasis, headings and rules are punctuation and go with it; a
                              Markdown link `[text](url)` keeps only its text

Template fields (`[year]`, `[fullname]` ...) are the references' business, not this module's: in a
real file they hold a name, and references.py leaves the shingles spanning them out of a reference.
"""
from __future__ import annotations

import re
import unicodedata
from typing import List

# A copyright statement line: "Copyright" followed by a symbol, a year, a template field or "by", a
# line that opens with (c)/©, or "All rights reserved." alone. "Copyright notice", "copyright
# holders" ... inside licence sentences are not statements and stay. Leading comment or list
# characters are allowed (a licence inside comments).
_COPYRIGHT_LINE = re.compile(
    r"^[ \t#*/;!>%|\-]*(?:(?:copyright\b[ \t]*(?:\(c\)|©|&copy;|\d|\[|<|by\b|:)|\(c\)[ \t]*\d|©).*"
    r"|all rights reserved\.?[ \t]*)$",
    re.IGNORECASE | re.MULTILINE,
)
_MARKDOWN_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\s]*\)")
# a list marker standing alone between whitespace: 1.  2)  (a)  b.  iv)  (iii)  2.1.  10.3)
_LIST_MARKER = re.compile(
    r"(?<!\S)(?:\(\w{1,4}\)|(?:\d{1,3}(?:\.\d{1,3})*|[a-z]|[ivxlc]{1,5})[.)])(?!\S)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W_]+")

# SPDX equivalent words (single-word entries) and http/https, as one lookup per word
EQUIVALENT_WORDS = {
    "acknowledgement": "acknowledgment", "analogue": "analog", "analyse": "analyze",
    "artefact": "artifact", "authorisation": "authorization", "authorised": "authorized",
    "calibre": "caliber", "cancelled": "canceled", "capitalisations": "capitalizations",
    "catalogue": "catalog", "categorise": "categorize", "centre": "center",
    "emphasised": "emphasized", "favour": "favor", "favourite": "favorite", "fulfil": "fulfill",
    "fulfilment": "fulfillment", "initialise": "initialize", "judgement": "judgment",
    "labelling": "labeling", "labour": "labor", "licence": "license", "licences": "licenses",
    "licenced": "licensed", "licencing": "licensing", "maximise": "maximize", "modelled": "modeled",
    "modelling": "modeling", "offence": "offense", "optimise": "optimize",
    "organisation": "organization", "organise": "organize", "practise": "practice",
    "programme": "program", "realise": "realize", "recognise": "recognize",
    "signalling": "signaling", "utilisation": "utilization", "whilst": "while", "wilful": "willful",
    "https": "http",
}
_EQUIVALENT_KEYS = frozenset(EQUIVALENT_WORDS)


def normalize_words(text: str) -> List[str]:
    """The words of `text` after the SPDX normalisations above, in order."""
    text = unicodedata.normalize("NFKC", text)
    text = _COPYRIGHT_LINE.sub(" ", text)
    if "](" in text:
        text = _MARKDOWN_LINK.sub(r"\1", text)
    text = _LIST_MARKER.sub(" ", text)
    words = _WORD.findall(text.casefold())
    if _EQUIVALENT_KEYS.isdisjoint(words):
        return words
    get = EQUIVALENT_WORDS.get
    return [get(word, word) for word in words]
