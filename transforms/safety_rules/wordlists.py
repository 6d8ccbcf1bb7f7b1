"""The LDNOOBW word lists shipped in this package (ldnoobw/<code>.txt, CC-BY-4.0), by language.

The "List of Dirty, Naughty, Obscene, and Otherwise Bad Words" is the list C4 filtered with (en.txt);
its 28 files are copied verbatim, see ldnoobw/SOURCES.md. A document gets the list of its language
(meta.language, written by the langid stage), so a German page is read with the German list and an
English-only obscenity such as "dick" (German: "thick") does not fire on it.
"""
from __future__ import annotations

import functools
from importlib import resources
from typing import Optional, Tuple

FALLBACK_LANGUAGE = "en"  # documents with no (or an unknown) language: C4's behaviour
_PACKAGE = "transforms.safety_rules"

# lid.176 (the langid stage's model) says "tl" for Filipino/Tagalog and "nn" for Nynorsk; the list
# files are named "fil" and "no" (Bokmål, close enough for swear words).
ALIASES = {"tl": "fil", "nn": "no", "nb": "no"}


@functools.lru_cache(maxsize=None)
def available_languages() -> Tuple[str, ...]:
    folder = resources.files(_PACKAGE).joinpath("ldnoobw")
    return tuple(sorted(p.name[: -len(".txt")] for p in folder.iterdir()
                        if p.name.endswith(".txt") and p.name != "LICENSE.txt"))


def list_language(language: Optional[str]) -> Optional[str]:
    """The list to read a document of `language` with.

    Exact code first ("fr-CA-u-sd-caqc" has its own file), then aliases, then the primary subtag
    ("pt-BR" -> "pt"). None when the language is known but has no list: reading, say, Swahili with
    the English list would only find English loanwords, so such documents get no word check.
    Unknown language (None, "und", "") falls back to English.
    """
    if not language or language == "und":
        return FALLBACK_LANGUAGE
    available = available_languages()
    for code in (language, ALIASES.get(language), language.split("-")[0].lower()):
        code = ALIASES.get(code, code) if code else code
        if code in available:
            return code
    return None


@functools.lru_cache(maxsize=None)
def load_wordlist(code: str) -> Tuple[str, ...]:
    """The entries of one list, stripped, without blank lines, in file order."""
    if code not in available_languages():
        raise ValueError(f"no LDNOOBW list for {code!r} (have: {', '.join(available_languages())})")
    text = resources.files(_PACKAGE).joinpath("ldnoobw", f"{code}.txt").read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip())
