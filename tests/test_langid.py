"""Stage `langid` with the shipped fastText lid.176 model, on real pages labelled by their authors."""
import gzip
import json

import pytest

from classifiers.langid import LanguageIdentifier
from tests.conftest import DATA
from transforms.document import Document
from transforms.extraction.extractors import extract_body
from transforms.ingest.decode import decode_html
from transforms.langid import LangIdParams, LanguageId

TRAF = DATA / "extraction" / "trafilatura_eval"


@pytest.fixture(scope="module")
def identifier():
    return LanguageIdentifier()


def _labelled_pages():
    """(text, language) from trafilatura's eval pages. The label is the page's <html lang>, checked by
    reading: simplyscience.ch declares "en" but is written in German, so its label says "de"."""
    evaldata = json.loads((TRAF / "evaldata.json").read_text())
    for url, case in evaldata.items():
        html = decode_html(gzip.decompress((TRAF / "html" / case["file"]).read_bytes()))[0]
        yield extract_body(html, url).text, case["language"]


def test_identifies_the_language_of_real_pages(identifier):
    pages = list(_labelled_pages())
    assert {lang for _, lang in pages} >= {"de", "en", "es", "fr", "it", "pl"}
    for text, expected in pages:
        language, confidence = identifier.identify(text)
        assert language == expected, (expected, language, text[:80])
        assert confidence > 0.5


def test_common_crawl_english_is_english(identifier, cc_documents):
    results = [identifier.identify(row["text"]) for row in cc_documents]
    assert sum(lang == "en" for lang, _ in results) >= 0.9 * len(results)


def test_empty_text_is_undetermined(identifier):
    assert identifier.identify("   \n ") == ("und", 0.0)


def _doc(text):
    return Document(id="x", source="web", kind="web", origin="u", text=text)


def test_stage_annotates_language_and_rejects_by_allow_list(cc_documents):
    text = cc_documents[0]["text"]
    stage = LanguageId(LangIdParams(languages=("en",)))
    stage.setup()
    verdict = stage.judge(_doc(text))
    assert verdict.kept and verdict.document.meta["language"] == "en"
    assert 0.5 < verdict.measurements["confidence"] <= 1.0

    german, _ = next((t, l) for t, l in _labelled_pages() if l == "de")
    rejected = stage.judge(_doc(german))
    assert rejected.reason == "language_not_allowed" and rejected.measurements["language"] == "de"


def test_stage_rejects_low_confidence():
    stage = LanguageId(LangIdParams(min_confidence=0.9))
    stage.setup()
    verdict = stage.judge(_doc("int main(void) { return 0; } // 42 0x2A"))
    assert verdict.reason == "low_confidence"
