"""The entity types stage `pii` detects, and the placeholder that replaces a found value."""
from __future__ import annotations

# Personal data, with presidio's entity names (so presidio's recognizers and datasets line up).
PII_ENTITIES = ("EMAIL_ADDRESS", "PHONE_NUMBER", "IP_ADDRESS", "CREDIT_CARD", "IBAN_CODE", "US_SSN")

# Credentials, searched in code documents only: in prose these shapes are rare and mostly examples,
# while in code a committed key is a real leak that a model could learn to reproduce.
SECRET_ENTITIES = (
    "PRIVATE_KEY",        # -----BEGIN ... PRIVATE KEY----- blocks
    "AWS_ACCESS_KEY_ID",  # AKIA... / ASIA...
    "GITHUB_TOKEN",       # ghp_, gho_, ghu_, ghs_, ghr_, github_pat_
    "SLACK_TOKEN",        # xoxb-, xoxp-, ... and incoming-webhook URLs
    "GOOGLE_API_KEY",     # AIza...
    "API_KEY",            # api_key = "..." style assignments of a random-looking literal
    "URL_PASSWORD",       # the password in scheme://user:password@host
)


def placeholder(entity_type: str) -> str:
    """The text that replaces a found value: its type in angle brackets, e.g. <EMAIL_ADDRESS>."""
    return f"<{entity_type}>"
