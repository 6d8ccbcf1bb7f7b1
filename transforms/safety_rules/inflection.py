"""Inflected forms a list entry also matches, for languages whose inflection is mostly suffixes.

LDNOOBW lists mostly give one form ("slut", "whore"); text says "sluts", "whored", "whoring". We
generate a few regular forms of the entry's last word instead of matching prefixes, because prefix
matching is what fires on substrings ("cocktail", "assessment"). Generated forms that are ordinary
words ("butter" from "butt", "scatter" from "scat", "cocked") are removed by NOT_PROFANE_FORMS: the
whole English table was printed and read once to build that set, and a test checks that every form
in it is one the tables really generate.

Languages with rich case systems or agglutination (fi, hu, tr, ru, pl, cs, ...) get no generated
forms: a short suffix table would be wrong as often as right there, and a missed form only costs
recall, which the model classifier covers for English.
"""
from __future__ import annotations

from typing import Callable, Dict, FrozenSet, Iterable, Set

_VOWELS = set("aeiouy")


def _english_plural(word: str) -> Set[str]:
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return {word + "es"}
    if word.endswith("y") and word[-2:-1] not in _VOWELS:
        return {word[:-1] + "ies"}
    return {word + "s"}


def _english(word: str, phrase: bool = False) -> Set[str]:
    # words that already carry a suffix ("fucking", "sadism", "nudity", "sexually") get nothing more
    if word.endswith(("ing", "ism", "ia", "ity", "ly", "ed", "es")):
        return set()
    forms = _english_plural(word)
    if phrase:  # "blow job" -> "blow jobs"; verb forms of a phrase's last word are rarely the phrase
        return forms
    if word.endswith("e"):  # rape -> raped, raping, raper
        stem = word[:-1]
        return forms | {word + "d", stem + "ing", word + "r", word + "rs"}
    if word.endswith("y"):
        return forms
    if (3 <= len(word) <= 4 and word[-1] not in _VOWELS | set("wx") and word[-2:-1] in _VOWELS
            and word[-3:-2] not in _VOWELS):  # short consonant-vowel-consonant stems double: shitting
        stem = word + word[-1]
    else:
        stem = word
    return forms | {stem + "ed", stem + "ing", stem + "er", stem + "ers"}


def _german(word: str) -> Set[str]:
    # noun plurals and case endings; verb infinitives in -en/-ern/-eln also get 3rd person, past
    # and past participle (ficken -> fickt, fickte, gefickt)
    forms = {word + suffix for suffix in ("e", "en", "er", "es", "n", "s", "ern", "em")}
    if word.endswith(("ern", "eln")):
        stem = word[:-1]
        forms |= {stem + "t", stem + "te", stem + "ten", "ge" + stem + "t"}
    elif word.endswith("en"):
        stem = word[:-2]
        forms |= {stem + "t", stem + "st", stem + "te", stem + "ten", "ge" + stem + "t"}
    return forms


def _dutch(word: str) -> Set[str]:
    return {word + "en", word + "s", word + "e"}


def _french(word: str) -> Set[str]:
    # plural and feminine only: first-group verb forms collide with ordinary nouns
    # (bander -> "bande", a band/strip; tringler -> "tringle", a curtain rod)
    return {word + "s", word + "e", word + "es"}


def _spanish_portuguese(word: str) -> Set[str]:
    return {word + "s", word + "es"}


def _italian(word: str) -> Set[str]:
    # plural: -o -> -i, -a -> -e, -e -> -i (cazzo -> cazzi, puttana -> puttane)
    ending = {"o": "i", "a": "e", "e": "i"}.get(word[-1:])
    return {word[:-1] + ending} if ending else set()


def _scandinavian(word: str) -> Set[str]:
    # definite and plural suffixes of sv/no/da nouns, and the genitive -s
    return {word + suffix for suffix in ("en", "et", "er", "ar", "na", "ene", "a", "s")}


SUFFIX_RULES: Dict[str, Callable[[str], Set[str]]] = {
    "en": _english,
    "de": _german,
    "nl": _dutch,
    "fr": _french,
    "es": _spanish_portuguese,
    "pt": _spanish_portuguese,
    "it": _italian,
    "sv": _scandinavian,
    "no": _scandinavian,
    "da": _scandinavian,
}

# Generated forms that are ordinary words of the language: never matched unless listed themselves.
# Every form here is one the tables above really generate (a test checks it).
NOT_PROFANE_FORMS: Dict[str, FrozenSet[str]] = {
    "en": frozenset({
        "butter", "butters", "butted", "butting",  # butt
        "cocked", "cocking", "cocker", "cockers",  # a cocked gun or hat, the spaniel
        "dicker", "dickers",  # to haggle
        "scatter", "scatters", "scatted", "scatting",  # scat, scat singing
        "titter", "titters",  # to giggle
        "sucker", "suckers",  # sucker punch, a plant's suckers
        "snatcher", "snatchers",  # body snatchers
        "fagged",  # British: exhausted
        "skeeter", "skeeters",  # mosquito
        "twinkies",  # the snack cake
    }),
    "sv": frozenset({"fans"}),  # fan ("devil") + genitive s = the English loanword "fans"
    "no": frozenset({"fans"}),
}


def inflected_forms(entry: str, language: str) -> FrozenSet[str]:
    """The entry and its generated forms (casefolded); only the last word of a phrase is inflected."""
    entry = entry.casefold()
    rule = SUFFIX_RULES.get(language)
    if rule is None:
        return frozenset({entry})
    head, _, last = entry.rpartition(" ")
    if not last.isalpha() or len(last) < 3:  # "xx", "2g1c", "s&m": no inflection to guess
        return frozenset({entry})
    if head:  # a phrase: only English plurals ("blow jobs"); other phrases are matched as listed
        if language != "en":
            return frozenset({entry})
        generated = {head + " " + form for form in _english(last, phrase=True)}
    else:
        generated = rule(last) - NOT_PROFANE_FORMS.get(language, frozenset())
    return frozenset({entry} | generated)


def all_forms(entries: Iterable[str], language: str) -> Dict[str, str]:
    """{form: the list entry it came from}; a listed entry is never shadowed by a generated form."""
    forms: Dict[str, str] = {}
    entries = list(entries)
    for entry in entries:
        for form in inflected_forms(entry, language):
            forms.setdefault(form, entry.casefold())
    for entry in entries:  # listed words map to themselves ("bitches" is listed, not only "bitch"+es)
        forms[entry.casefold()] = entry.casefold()
    return forms
