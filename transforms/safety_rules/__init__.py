"""Pure logic of the `safety` stage's profanity heuristic: word lists, matching and the rule.

Nothing here imports Beam; transforms/safety.py is the thin stage on top.

    wordlists   which LDNOOBW list a document's language gets, loaded from the package
    inflection  the inflected forms a list entry also matches (per language, where suffixes are simple)
    allowlist   the default allow-list: entries that are ordinary words in clean text
    matcher     one compiled matcher per language: words/phrases on word boundaries, or substrings
                with script boundaries for languages written without spaces
    profanity   the configurable rule: minimum hits and hits per 1,000 words
"""
