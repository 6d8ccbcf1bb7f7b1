"""Stage `extract` on real pages: Scrapinghub's article-extraction benchmark and trafilatura's eval set."""
import gzip
import json
import re
import statistics
from collections import Counter

import pytest

from tests.conftest import DATA
from transforms.document import Document
from transforms.extract import Extract, ExtractParams, extract_main_text
from transforms.ingest.decode import decode_html

AEB = DATA / "extraction" / "scrapinghub_aeb"
TRAF = DATA / "extraction" / "trafilatura_eval"


def _page(path):
    return decode_html(gzip.decompress(path.read_bytes()))[0]


def _token_f1(predicted: str, truth: str) -> float:
    a, b = Counter(re.findall(r"\w+", predicted.lower())), Counter(re.findall(r"\w+", truth.lower()))
    overlap = sum((a & b).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(a.values()), overlap / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def test_article_bodies_match_ground_truth():
    truth = json.loads((AEB / "ground-truth.json").read_text())
    scores = []
    for page_id, expected in truth.items():
        extracted = extract_main_text(_page(AEB / "html" / f"{page_id}.html.gz"), expected["url"], ExtractParams())
        scores.append(_token_f1(extracted["text"] if extracted else "", expected["articleBody"]))
    # trafilatura (fast, favor_precision) scores ~0.98 on five of these six pages and fails on one
    # Korean portal page; the combined extractor of a later issue must raise the floor.
    assert statistics.median(scores) >= 0.95, scores
    assert statistics.mean(scores) >= 0.75, scores


def test_boilerplate_is_dropped_and_body_kept_across_languages():
    evaldata = json.loads((TRAF / "evaldata.json").read_text())
    found_with = total_with = leaked_without = total_without = 0
    for url, case in evaldata.items():
        extracted = extract_main_text(_page(TRAF / "html" / case["file"]), url, ExtractParams())
        text = extracted["text"] if extracted else ""
        found_with += sum(snippet in text for snippet in case["with"])
        total_with += len(case["with"])
        leaked_without += sum(snippet in text for snippet in case["without"])
        total_without += len(case["without"])
    assert found_with / total_with >= 0.9
    assert leaked_without / total_without <= 0.1


def _html_doc(html, origin="https://example.org/page"):
    return Document(id="d1", source="web", kind="web", origin=origin, html=html)


def test_stage_replaces_html_with_text_and_records_metadata():
    truth = json.loads((AEB / "ground-truth.json").read_text())
    page_id, expected = next(iter(truth.items()))
    stage = Extract(ExtractParams(with_metadata=True))
    stage.setup()
    verdict = stage.judge(_html_doc(_page(AEB / "html" / f"{page_id}.html.gz"), expected["url"]))
    assert verdict.kept
    doc = verdict.document
    assert doc.html is None and doc.text.startswith("(Reuters)")
    assert doc.meta["extractor"] == "trafilatura"
    assert "WeWork" in doc.meta["title"]
    assert verdict.measurements["chars"] == len(doc.text)


def test_stage_passes_clean_text_through_untouched():
    stage = Extract()
    stage.setup()
    doc = Document(id="t", source="cc", kind="public", origin="x", text="already clean")
    assert stage.judge(doc).document is doc


@pytest.mark.parametrize(
    "params, html, reason",
    [
        (ExtractParams(max_html_chars=1000), "<html><body>" + "<p>word</p>" * 500 + "</body></html>", "html_too_large"),
        (ExtractParams(), "<html><body><nav><a href='/'>Home</a></nav></body></html>", "no_content"),
    ],
)
def test_stage_rejections_name_their_reason(params, html, reason):
    stage = Extract(params)
    stage.setup()
    verdict = stage.judge(_html_doc(html))
    assert not verdict.kept and verdict.reason == reason


def test_short_extraction_is_rejected_with_its_length():
    stage = Extract(ExtractParams(min_chars=20_000))  # a real article, with the bar set above its length
    stage.setup()
    verdict = stage.judge(_html_doc(_page(TRAF / "html" / "luxuriousmagazine.com.polo.html.gz")))
    assert verdict.reason == "too_short" and 0 < verdict.measurements["chars"] < 20_000
