"""Phone numbers: numbers phonenumbers validates, and phone-shaped numbers a phone word introduces.

Presidio's PhoneRecognizer accepts what python-phonenumbers validates for eight regions (US, GB,
DE, FR, IL, IN, CA, BR). Two gaps show on real and synthetic text:
  * it also accepts 5- and 6-digit German local numbers, which in text are house numbers and
    postcodes ("16469", "3369 24"), and on code it accepts decimals, dates and ids (SVG paths,
    "size = 16836506"): ValidPhoneRecognizer keeps its matches only from MIN_PHONE_DIGITS written
    digits up (the shortest subscriber number with an area code in practice), drops dates and
    decimals, and wants a phone word near a bare digit run;
  * it misses numbers of the other ~230 regions, and numbers in unallocated ranges ("+1 903 140
    4508" has an exchange starting with 1), which people still write and which still identify
    someone. PhoneFormatRecognizer matches the shape phone numbers are written in (digit groups,
    "(0)", "(area)", "+country", an extension) and trusts it in two cases only: an international
    "+country" number, a form other numbers rarely take; or any phone-shaped number preceded by a
    phone word ("Phone:", "call me on", "fax"). Dates, decimals and year ranges are rejected.
"""
from __future__ import annotations

import re
from typing import List

import phonenumbers
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.predefined_recognizers import PhoneRecognizer

MIN_PHONE_DIGITS = 7
MAX_PHONE_DIGITS = 16  # E.164 allows 15; a trunk "(0)" written after the country code adds one

# Words that introduce a phone number (read before it): English, and the word for "telephone" in
# the languages most common in Common Crawl, since a crawl is multilingual.
PHONE_CONTEXT = ["phone", "telephone", "tel", "mobile", "mob", "cell", "cellphone", "fax", "call",
                 "dial", "sms", "text", "whatsapp", "contact", "hotline", "helpline", "landline",
                 "voicemail", "ph",
                 "telefon", "telefono", "teléfono", "téléphone", "tél", "telefone", "telefoon",
                 "телефон", "тел", "电话", "電話", "手机", "携帯", "전화"]
# Words that label a number written before them (read after it): vCard's labels for numbers, as
# contact blocks write them ("416 60 039 office", "555-1234 (home)"). "office" and "home" are not
# read before a number, where they mostly introduce an address ("our office is at 17031 2202 ...").
PHONE_LABELS = ["phone", "tel", "mobile", "mob", "cell", "fax", "office", "home", "work", "landline"]

_EXTENSION = re.compile(r"\s?(?:x|ext\.?|extension)\s?[0-9]{1,6}$", re.IGNORECASE)
_DATE = re.compile(
    r"^(?:[0-9]{4}[-./][0-9]{1,2}[-./][0-9]{1,2}"   # 2021-05-12
    r"|[0-9]{1,2}[-./][0-9]{1,2}[-./][0-9]{2,4}"    # 12.05.2021, 5/12/21
    r"|(?:1[89]|20)[0-9]{2} ?[-/] ?(?:(?:1[89]|20)[0-9]{2}|[0-9]{2}))$"  # 1999-2004, 2020/21
)


_ASCENDING = "01234567890123456789"[:MAX_PHONE_DIGITS + 1]
_PREFIXES = re.compile(r"^\+[0-9]{1,3}[ .\-]?|\([0-9]{1,5}\)[ .\-]?")
_GROUP_SEPARATOR = re.compile(r"(?<=[0-9])[^0-9]+(?=[0-9])")


def written_digits(text: str) -> int:
    return sum(c.isdigit() for c in text)


def phone_shape_check(candidate: str) -> bool:
    """True if a candidate is plausible as a phone number: not a date, a decimal, a digit alphabet."""
    main = _EXTENSION.sub("", candidate).strip("()[]")
    digits = "".join(c for c in main if c.isdigit())
    if not MIN_PHONE_DIGITS <= len(digits) <= MAX_PHONE_DIGITS:
        return False
    if _DATE.match(main):
        return False
    if digits in _ASCENDING or len(set(digits)) == 1:
        return False  # "0123456789", "0000000": a digit alphabet or a filler, not a number
    # Separators between digit groups, leaving out "+country " and "(area)" prefixes.
    separators = set(_GROUP_SEPARATOR.findall(_PREFIXES.sub("", main)))
    if "." in separators and (len(separators) > 1 or main.count(".") == 1):
        # 3.14159265 or 1234567.89 (one dot), "0.825 -9.375" or "955.192 1100" (dots mixed with
        # other separators): decimal numbers. Phone numbers written with dots use only dots.
        return False
    return True


def bare_digit_run(candidate: str) -> bool:
    """A number written without any separator or "+": in code and tables, most such runs are ids."""
    return candidate.isdigit()


class PhoneFormatRecognizer(PatternRecognizer):
    """PHONE_NUMBER by shape: "+country" numbers by themselves, others only after a phone word."""

    _GROUPS = r"(?:[ .\-/]?(?:\([0-9]{1,5}\)|[0-9]{1,6})){1,6}"
    _EXT = r"(?:\s?(?:x|ext\.?|extension)\s?[0-9]{1,6})?"
    _LEFT = r"(?<![\w+(.\-/])"  # not glued to a word, a sign or another number
    _RIGHT = r"(?![\w]|[.\-/][0-9])"
    PATTERNS = [
        Pattern("international phone", _LEFT + r"\+[0-9]{1,3}(?:[ .\-]?\(0\))?" + _GROUPS + _EXT + _RIGHT, 0.4),
        Pattern("national phone (needs context)",
                _LEFT + r"(?:\([0-9]{1,5}\)[ .\-]?)?[0-9]{1,6}" + _GROUPS + _EXT + _RIGHT, 0.1),
    ]

    def __init__(self):
        super().__init__(supported_entity="PHONE_NUMBER", patterns=self.PATTERNS, context=PHONE_CONTEXT,
                         name="PhoneFormatRecognizer")
        self.context_after = PHONE_LABELS

    def invalidate_result(self, pattern_text: str) -> bool:
        return not phone_shape_check(pattern_text)


class ValidPhoneRecognizer(PhoneRecognizer):
    """Presidio's PhoneRecognizer, keeping what text shows to be a phone number.

    Its matches are kept from MIN_PHONE_DIGITS digits up and when phone_shape_check passes
    (phonenumbers validates "(04-29-2024", "955.192 1100" and "0123456789" for some region). A bare
    digit run (no separator, no "+") scores BARE_RUN_SCORE, below the threshold unless a phone
    word is near: on real code and tables such runs are sizes and ids ("size = 16836506").
    """

    BARE_RUN_SCORE = 0.1

    def __init__(self):
        super().__init__(name="ValidPhoneRecognizer")

    def analyze(self, text: str, entities: List[str], nlp_artifacts=None) -> List[RecognizerResult]:
        results = []
        for region in self.supported_regions:
            for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=self.leniency):
                raw = match.raw_string
                extension = match.number.extension or ""
                if written_digits(raw) - len(extension) < MIN_PHONE_DIGITS or not phone_shape_check(raw):
                    continue
                results.append(RecognizerResult(
                    entity_type="PHONE_NUMBER", start=match.start, end=match.end,
                    score=self.BARE_RUN_SCORE if bare_digit_run(raw) else self.SCORE,
                    recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                          RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id},
                ))
        return self.remove_duplicates(results)


def phone_recognizers() -> List:
    return [ValidPhoneRecognizer(), PhoneFormatRecognizer()]
