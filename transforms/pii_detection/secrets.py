"""Credentials in code: presidio PatternRecognizers for private keys, tokens and URL passwords.

Every pattern is case-sensitive where the format is (AKIA..., ghp_...) and starts from a fixed
marker, listed in SECRET_TRIGGERS: the pre-filter sends a code document to these recognizers only
if one of the markers occurs in it. Patterns that could fire on ordinary code (an assignment to
`api_key`, a password in a URL) are checked for what real credentials look like, and templated or
masked values (${DB_PASSWORD}, <token>, ****) are left alone: they are not secrets.
"""
from __future__ import annotations

from typing import Dict, List

import regex
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult

_CASE_SENSITIVE = regex.MULTILINE  # presidio's default flags add IGNORECASE, wrong for token formats
_BASE64_LINE_BREAK = r"(?:\\n|\\r|[\s\"'+,])"  # a PEM body inside a string literal: "\n" + "..."

# Necessary substrings: every match of a type's patterns contains one of its trigger's matches.
SECRET_TRIGGERS: Dict[str, str] = {
    "PRIVATE_KEY": r"PRIVATE KEY",
    "AWS_ACCESS_KEY_ID": r"AKIA|ASIA",
    "GITHUB_TOKEN": r"gh[pousr]_|github_pat_",
    "SLACK_TOKEN": r"xox[abeoprs]-|hooks\.slack\.com/services/",
    "GOOGLE_API_KEY": r"AIza",
    "API_KEY": r"(?i:api[_-]?key|apikey|secret|access[_-]?key|token)",
    "URL_PASSWORD": r"://",
}


class _SecretRecognizer(PatternRecognizer):
    def __init__(self, entity: str, patterns: List[Pattern], flags: int = _CASE_SENSITIVE):
        super().__init__(supported_entity=entity, patterns=patterns, global_regex_flags=flags,
                         name=f"{entity.title().replace('_', '')}Recognizer")


class _ValueRecognizer(_SecretRecognizer):
    """A pattern whose named group `value` is the secret: only that part is reported and replaced.

    (Presidio reports whole matches; a lookbehind for the prefix would make the regex engine try
    it at every character of the file.)
    """

    def __init__(self, entity: str, pattern: Pattern, flags: int = _CASE_SENSITIVE):
        super().__init__(entity, [pattern], flags)
        self._regex = regex.compile(pattern.regex, flags)

    def is_secret(self, value: str) -> bool:
        return not _looks_templated_or_masked(value)

    def analyze(self, text: str, entities, nlp_artifacts=None, regex_flags=None) -> List[RecognizerResult]:
        results = []
        for match in self._regex.finditer(text):
            start, end = match.span("value")
            if self.is_secret(match.group("value")):
                results.append(RecognizerResult(
                    entity_type=self.supported_entities[0], start=start, end=end, score=self.patterns[0].score,
                    recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                          RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id},
                ))
        return results


def _looks_templated_or_masked(value: str) -> bool:
    """${VAR}, {{var}}, <token>, %(password)s, $PASSWORD, ***** or xxxxx: a placeholder, not a secret."""
    return value[0] in "${<%" or set(value) <= set("*xX.")


class UrlPasswordRecognizer(_ValueRecognizer):
    """URL_PASSWORD: the password (only) in scheme://user:password@host."""

    def __init__(self):
        super().__init__("URL_PASSWORD", Pattern(
            "password in URL",
            r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@\"'<>]{1,128}:(?P<value>[^\s/@\"'<>]{1,256})@[A-Za-z0-9\[]",
            0.9,
        ))


class ApiKeyAssignmentRecognizer(_ValueRecognizer):
    """API_KEY: a quoted random-looking literal assigned to a name ending in key, secret or token."""

    NAMES = r"api[_-]?key|apikey|secret(?:[_-]?key)?|access[_-]?key(?:[_-]?id)?|token"

    def __init__(self):
        super().__init__("API_KEY", Pattern(
            "key assignment",
            # name = "value", name: 'value', "name": "value", name := "value", name => "value"
            r"(?i:" + self.NAMES + r")[\"']?\s*(?::=|=>|[:=])\s*[\"'](?P<value>[A-Za-z0-9+/=_\-.]{16,256})[\"']",
            0.7,
        ))

    def is_secret(self, value: str) -> bool:
        # A real key is random: letters and digits mixed. A constant name (MY_API_KEY_V2), a
        # placeholder (your-api-key-here, xxxxxxxx...) or a number is not a key.
        has_letter = any(c.isalpha() for c in value)
        has_digit = any(c.isdigit() for c in value)
        constant_name = regex.fullmatch(r"[A-Z0-9_]+", value) is not None
        return has_letter and has_digit and not constant_name and super().is_secret(value)


def secret_recognizers() -> List[PatternRecognizer]:
    header = r"-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----"
    footer = r"-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----"
    return [
        _SecretRecognizer("PRIVATE_KEY", [
            # The whole block, base64 body and encryption headers (Proc-Type: 4,ENCRYPTED) included.
            Pattern("private key block", header + r"[A-Za-z0-9+/=\s\\\"',:.\-]{0,16384}?" + footer, 1.0),
            # A block cut before its footer (truncated file): the header and the base64 lines after it.
            Pattern("private key without footer",
                    header + _BASE64_LINE_BREAK + r"*[A-Za-z0-9+/=]{40,}(?:" + _BASE64_LINE_BREAK
                    + r"+[A-Za-z0-9+/=]{16,})*", 1.0),
        ]),
        _SecretRecognizer("AWS_ACCESS_KEY_ID", [
            Pattern("AWS access key id", r"(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])", 1.0),
        ]),
        _SecretRecognizer("GITHUB_TOKEN", [
            Pattern("GitHub token",
                    r"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})(?![A-Za-z0-9_])",
                    1.0),
        ]),
        _SecretRecognizer("SLACK_TOKEN", [
            Pattern("Slack token", r"(?<![A-Za-z0-9.])(?:xoxe\.)?xox[abeoprs]-[0-9]+-[0-9A-Za-z\-]{10,}", 1.0),
            Pattern("Slack webhook",
                    r"https://hooks\.slack\.com/services/T[0-9A-Z]{8,}/B[0-9A-Z]{8,}/[0-9A-Za-z]{20,}", 1.0),
        ]),
        _SecretRecognizer("GOOGLE_API_KEY", [
            Pattern("Google API key", r"(?<![A-Za-z0-9_\-])AIza[0-9A-Za-z_\-]{35}(?![A-Za-z0-9_\-])", 1.0),
        ]),
        ApiKeyAssignmentRecognizer(),
        UrlPasswordRecognizer(),
    ]
