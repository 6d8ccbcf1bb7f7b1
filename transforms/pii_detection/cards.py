"""Payment card numbers: issuer ranges (IIN), lengths per network, and the Luhn check digit.

Presidio's CreditCardRecognizer matches 13 to 17 digits starting with 1, 3, 4, 5 or 6 and checks
Luhn. That misses real card numbers (19-digit Visa, 12-digit Maestro, Mastercard's 2-series,
JCB's 2131 range) and accepts any Luhn-valid 1xxx number (a one-in-ten chance for any 14-17 digit
id). This recognizer matches 12-19 digits, then requires a published issuer range with a length
that network issues, and the Luhn check (ISO/IEC 7812). 12-digit numbers (only Maestro issues
them) collide with too many ids to stand alone, so they need a card word before them.
"""
from __future__ import annotations

from typing import List, Optional, Tuple


from presidio_analyzer import Pattern, PatternRecognizer

# (first digits: inclusive range over a prefix of that many digits, allowed lengths), from the
# networks' published IIN tables. Ranges overlap on purpose (a number only needs one match).
_NETWORKS: Tuple[Tuple[str, str, Tuple[int, ...]], ...] = (
    ("4", "4", (13, 16, 19)),                          # Visa
    ("51", "55", (16,)),                               # Mastercard
    ("2221", "2720", (16,)),                           # Mastercard 2-series
    ("34", "34", (15,)), ("37", "37", (15,)),          # American Express
    ("6011", "6011", (16, 17, 18, 19)),                # Discover
    ("644", "649", (16, 17, 18, 19)), ("65", "65", (16, 17, 18, 19)),
    ("300", "305", (14, 15, 16, 17, 18, 19)),          # Diners Club
    ("36", "36", (14, 15, 16, 17, 18, 19)), ("38", "39", (14, 15, 16, 17, 18, 19)),
    # JCB: its own table says 3528-3589, but the widely used validation rule (regular-expressions.info,
    # many form validators and card generators) takes the whole 35 block, so numbers from that
    # rule exist in text; Luhn and the length still apply.
    ("35", "35", (16, 17, 18, 19)),
    ("2131", "2131", (15,)), ("1800", "1800", (15,)),  # JCB, legacy ranges
    ("62", "62", (16, 17, 18, 19)),                    # UnionPay
    ("2200", "2204", (16, 17, 18, 19)),                # Mir
    ("50", "50", tuple(range(12, 20))),                # Maestro
    ("56", "69", tuple(range(12, 20))),
)
MIN_STANDALONE_DIGITS = 13  # shorter (12-digit Maestro) numbers need a context word

CARD_CONTEXT = ["card", "credit", "debit", "cc", "visa", "mastercard", "amex", "discover", "jcb",
                "diners", "maestro", "unionpay", "payment", "billing", "cardholder", "pan"]


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def issued_range(digits: str) -> bool:
    """True if some network issues numbers of this length starting with these digits."""
    for low, high, lengths in _NETWORKS:
        if len(digits) in lengths and low <= digits[: len(low)] <= high:
            return True
    return False


def card_number_check(candidate: str) -> Optional[bool]:
    """True: a card number by itself; None: a 12-digit one, a card only with context; False: not one."""
    digits = "".join(c for c in candidate if c.isdigit())
    if not (issued_range(digits) and luhn_valid(digits)):
        return False
    return True if len(digits) >= MIN_STANDALONE_DIGITS else None


class CardNumberRecognizer(PatternRecognizer):
    """CREDIT_CARD: 12-19 ASCII digits, plain or grouped by spaces or hyphens."""

    PATTERNS = [
        Pattern(
            "card number",
            # 12-19 digits, plain or grouped the ways cards are printed: 4-4-4-4(-3) with one kind
            # of separator throughout, or 4-6-5 / 4-6-4 (American Express, Diners). Not glued to a
            # word, a sign or a longer number on either side.
            r"(?<![\w+.\-/])"
            r"(?:[0-9]{12,19}"
            r"|[0-9]{4}([ -])[0-9]{4}(?:\1[0-9]{4}){1,2}(?:\1[0-9]{3,4})?"
            r"|[0-9]{4}([ -])[0-9]{6}\2[0-9]{4,5})"
            r"(?![\w]|[.\-/][0-9])",
            0.3,  # kept only for 12-digit numbers with context; validated numbers score 1.0
        ),
    ]

    def __init__(self):
        super().__init__(supported_entity="CREDIT_CARD", patterns=self.PATTERNS, context=CARD_CONTEXT,
                         name="CardNumberRecognizer")

    def validate_result(self, pattern_text: str) -> Optional[bool]:
        # Presidio's contract: True -> score 1.0, False -> dropped, None -> the pattern's score.
        return card_number_check(pattern_text)


def card_recognizers() -> List[PatternRecognizer]:
    return [CardNumberRecognizer()]
