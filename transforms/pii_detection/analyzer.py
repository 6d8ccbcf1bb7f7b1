"""The offline presidio AnalyzerEngine, and the detector that runs it on what the pre-filter keeps.

Offline by construction, not by luck:
  * presidio's default engine loads (and downloads) en_core_web_lg. Here the NLP engine is
    presidio's SpacyNlpEngine on `spacy.blank(lang)`, built in memory when the engine is built (once
    per worker, in the stage's setup). spacy.blank needs only the language data inside the spaCy
    package: no model to download, no pipeline directory to ship in package_data or to write to a
    temporary directory, and no saved pipeline whose spaCy version can drift from the worker's.
    No recognizer here reads the NLP output (no NER; context is read by context.py from the text),
    so the detector hands presidio empty NLP artifacts and spaCy never runs per document (it was a
    quarter of presidio's time on web text).
  * presidio's EmailRecognizer validates domains with tldextract, which downloads the public
    suffix list on first use. OfflineEmailRecognizer gives it an extractor that uses the snapshot
    bundled in tldextract and no disk cache; TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS="" is also set
    before presidio is imported, for any other tldextract user in the process.
"""
from __future__ import annotations

import os

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

import dataclasses  # noqa: E402
from typing import Iterable, List, Optional, Sequence  # noqa: E402

import regex  # noqa: E402
import spacy  # noqa: E402
import tldextract  # noqa: E402
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry  # noqa: E402
from presidio_analyzer.nlp_engine import NlpArtifacts, SpacyNlpEngine  # noqa: E402
from presidio_analyzer.predefined_recognizers import (  # noqa: E402
    EmailRecognizer,
    IbanRecognizer,
    IpRecognizer,
    UsSsnRecognizer,
)

from transforms.pii_detection.cards import card_recognizers  # noqa: E402
from transforms.pii_detection.context import ContextWindowEnhancer  # noqa: E402
from transforms.pii_detection.entities import PII_ENTITIES, SECRET_ENTITIES  # noqa: E402
from transforms.pii_detection.phones import phone_recognizers  # noqa: E402
from transforms.pii_detection.prefilter import candidate_windows, compile_triggers, join_windows  # noqa: E402
from transforms.pii_detection.secrets import SECRET_TRIGGERS, secret_recognizers  # noqa: E402
from transforms.pii_detection.spans import Span, resolve_overlaps  # noqa: E402

_URL_AUTHORITY_BEFORE = regex.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s/@]*$")
_REMOTE_PATH_AFTER = regex.compile(r":[\w~./\-]")
LANGUAGE = "en"  # the recognizers are patterns; "en" only selects the English context words
DEFAULT_MIN_SCORE = 0.4
# Above this share of the text in windows, one call on the whole text is cheaper than joining.
MAX_WINDOW_SHARE = 0.8


class BlankSpacyNlpEngine(SpacyNlpEngine):
    """Presidio's spaCy engine on spacy.blank(lang): a tokenizer only, nothing loaded from disk."""

    def load(self) -> None:
        self.nlp = {model["lang_code"]: spacy.blank(model["lang_code"]) for model in self.models}


class OfflineEmailRecognizer(EmailRecognizer):
    """EmailRecognizer whose domain check uses tldextract's bundled suffix list, never the network.

    It also drops two kinds of match that are not mailboxes: inside a URL's authority
    (postgres://bob:s3cret@db.example.com holds a password and a host, the URL_PASSWORD secret), and
    an scp-style remote followed by ":path" (git clone git@github.com:ranger/ranger.git).
    """

    def __init__(self):
        super().__init__()
        self._extract = tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)

    def validate_result(self, pattern_text: str) -> bool:
        return self._extract(pattern_text).fqdn != ""

    def analyze(self, text: str, entities, nlp_artifacts=None, regex_flags=None):
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        # Both looks stop at whitespace, so they stay inside the token (and the window) of the match.
        return [r for r in results
                if not _URL_AUTHORITY_BEFORE.search(text, max(0, r.start - 256), r.start)
                and not _REMOTE_PATH_AFTER.match(text, r.end)]


def pii_recognizers() -> List:
    return [
        OfflineEmailRecognizer(),
        IpRecognizer(),
        # Case-insensitive, as presidio's default registry configures it ("my iban is gb82...").
        IbanRecognizer(regex_flags=regex.DOTALL | regex.MULTILINE | regex.IGNORECASE),
        UsSsnRecognizer(),
        *card_recognizers(),
        *phone_recognizers(),
    ]


def build_analyzer(secrets: bool = True) -> AnalyzerEngine:
    """An AnalyzerEngine with our recognizers that never touches the network. Build once per worker."""
    nlp_engine = BlankSpacyNlpEngine(models=[{"lang_code": LANGUAGE, "model_name": f"blank:{LANGUAGE}"}])
    nlp_engine.load()
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    for recognizer in pii_recognizers() + (secret_recognizers() if secrets else []):
        registry.add_recognizer(recognizer)
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=[LANGUAGE],
                          context_aware_enhancer=ContextWindowEnhancer())


@dataclasses.dataclass(frozen=True)
class Detection:
    spans: Sequence[Span]  # non-overlapping, in text order, offsets into the analysed text
    scanned_chars: int  # characters presidio analysed (0: the pre-filter found nothing to look at)


class PiiDetector:
    """Finds PII (and, in code, secrets) in a text: pre-filter, presidio on windows, overlap resolution."""

    def __init__(self, entities: Iterable[str] = PII_ENTITIES, secrets: bool = True,
                 min_score: float = DEFAULT_MIN_SCORE, prefilter: bool = True, windows: bool = True,
                 analyzer: Optional[AnalyzerEngine] = None):
        self.entities = tuple(entities)
        unknown = set(self.entities) - set(PII_ENTITIES)
        if unknown:
            raise ValueError(f"unknown entities: {sorted(unknown)} (known: {', '.join(PII_ENTITIES)})")
        self.secrets = secrets
        self.min_score = min_score
        self.prefilter = prefilter
        self.windows = windows
        self.analyzer = analyzer if analyzer is not None else build_analyzer(secrets)
        self._triggers = compile_triggers(self.entities)
        self._secret_trigger = regex.compile("|".join(f"(?:{t})" for t in SECRET_TRIGGERS.values()))
        self._no_nlp = NlpArtifacts(entities=[], tokens=[], tokens_indices=[], lemmas=[],
                                    nlp_engine=self.analyzer.nlp_engine, language=LANGUAGE)

    def detect(self, text: str, code: bool = False) -> Detection:
        spans: List[Span] = []
        scanned = 0
        if self.entities:
            found, scanned = self._detect_pii(text)
            spans.extend(found)
        if code and self.secrets and (not self.prefilter or self._secret_trigger.search(text)):
            # Code files are small and secrets rare: when a marker is present, the secret patterns
            # (cheap regexes) read the whole file, since a key block spans many lines.
            spans.extend(self._analyze(text, SECRET_ENTITIES))
            scanned = len(text)
        return Detection(resolve_overlaps(spans), scanned)

    def _detect_pii(self, text: str):
        if not self.prefilter:
            return self._analyze(text, self.entities), len(text)
        windows = candidate_windows(text, self._triggers)
        if not windows:
            return [], 0
        covered = sum(end - start for start, end in windows)
        if not self.windows or covered > MAX_WINDOW_SHARE * len(text):
            return self._analyze(text, self.entities), len(text)
        joined = join_windows(text, windows)
        spans = [span._replace(start=start, end=end)
                 for span in self._analyze(joined.text, self.entities)
                 for start, end in [joined.to_original(span.start, span.end)]]
        return spans, covered

    def _analyze(self, text: str, entities: Sequence[str]) -> List[Span]:
        results = self.analyzer.analyze(text=text, language=LANGUAGE, entities=list(entities),
                                        score_threshold=self.min_score, nlp_artifacts=self._no_nlp)
        return [Span(r.entity_type, r.start, r.end, round(r.score, 4)) for r in results]
