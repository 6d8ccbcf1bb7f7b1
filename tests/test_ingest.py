"""Ingestion on real files: WARC (per-record gzip, whole-file gzip, truncated, ARC), JSONL, Parquet, HTML."""
import gzip
import io
import json
from collections import Counter

import apache_beam as beam
import pytest
from apache_beam.testing.util import assert_that, equal_to
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from tests.conftest import BEAM_TEST_OPTIONS, DATA, SAMPLE
from transforms.document import Document
from transforms.ingest.decode import decode_html
from transforms.ingest.formats import common_base, detect_format, glob_base, relative_locator
from transforms.ingest.read import ReadSource
from transforms.ingest.readers import (
    CorruptInput,
    FileContext,
    ReadFailure,
    ReadParams,
    Skipped,
    read_jsonl,
    read_parquet,
    read_warc,
    read_whole_file,
)

WEB = SAMPLE / "web"


def _read(reader, path, source="web", params=ReadParams(), opener=open):
    ctx = FileContext(source, "web", str(path), path.name, params, {"license": "test"})
    with opener(path, "rb") as handle:
        items = list(reader(handle, ctx))
    docs = [i for i in items if isinstance(i, Document)]
    failures = [i for i in items if isinstance(i, ReadFailure)]
    skipped = Counter(i.reason for i in items if isinstance(i, Skipped))
    return docs, failures, skipped


def test_per_record_gzip_warc_yields_every_html_response():
    docs, failures, skipped = _read(read_warc, WEB / "dolma_sample-0000.warc.gz")
    assert len(docs) == 22 and not failures
    assert skipped == {"warc_request": 22, "warc_warcinfo": 1, "warc_metadata": 1, "non_web_resource": 2}
    doc = next(d for d in docs if d.origin == "https://dwadden.github.io/")
    assert doc.html.lstrip().lower().startswith("<!doctype html") and doc.text == ""
    assert doc.origin == doc.meta["url"] and doc.meta["domain"] == "dwadden.github.io"
    assert doc.meta["http_status"] == 200 and doc.meta["content_type"] == "text/html"
    assert doc.meta["fetch_date"] == "2024-04-25T16:24:47Z" and doc.meta["warc_record_id"].startswith("<urn:uuid:")
    assert doc.meta["license"] == "test"  # the source's metadata from the config travels with every document


def test_whole_file_gzip_warc_is_read_where_warcio_alone_refuses():
    path = DATA / "warc" / "iawebcommons_html-lang-attribute.warc.gz"
    with open(path, "rb") as handle, pytest.raises(ArchiveLoadFailed):
        list(ArchiveIterator(handle))
    docs, failures, _ = _read(read_warc, path)
    assert len(docs) == 5 and not failures


def test_truncated_warc_keeps_records_before_the_damage_and_reports_it():
    docs, failures, _ = _read(read_warc, WEB / "iawebcommons_link-extraction-test-truncated.warc.gz")
    assert len(docs) == 5  # complete records only: the page cut in half is not a document
    assert [type(f.error) for f in failures] == [CorruptInput, CorruptInput]
    assert "bytes of its declared Content-Length are missing" in str(failures[0].error)
    assert "truncated file" in str(failures[1].error)


def test_truncated_uncompressed_warc_and_jsonl_gz_are_reported(tmp_path):
    warc = gzip.decompress((WEB / "dolma_sample-0000.warc.gz").read_bytes())
    (tmp_path / "cut.warc").write_bytes(warc[: len(warc) // 2])
    docs, failures, _ = _read(read_warc, tmp_path / "cut.warc")
    assert len(docs) == 14 and len(failures) == 1 and "Content-Length" in str(failures[0].error)
    rows = (DATA / "web_text" / "cc_en_head-0174.jsonl.gz").read_bytes()
    (tmp_path / "cut.jsonl.gz").write_bytes(rows[: len(rows) // 2])
    docs, failures, _ = _read(read_jsonl, tmp_path / "cut.jsonl.gz")
    assert len(docs) == 6 and "truncated file" in str(failures[-1].error)


def test_arc_files_are_converted_and_read():
    docs, failures, _ = _read(read_warc, WEB / "warcio_example.arc.gz")
    assert [d.origin for d in docs] == ["http://example.com/"] and not failures
    assert "Example Domain" in docs[0].html


def test_non_text_responses_and_redirects_are_counted_not_read():
    docs, _, skipped = _read(read_warc, DATA / "warc" / "warcio_post-test.warc.gz")
    assert docs == [] and skipped == {"non_text_response": 3, "warc_request": 3}
    docs, _, skipped = _read(read_warc, WEB / "iawebcommons_IAH-urls-wget.warc.gz")
    assert skipped["http_status_3xx"] == 9 and skipped["non_text_response"] == 4
    assert {d.meta["content_type"] for d in docs} == {"text/html", "text/plain"}


def test_ids_are_stable_and_depend_on_source_and_record():
    first, _, _ = _read(read_warc, WEB / "resiliparse_warcfile.warc.gz")
    again, _, _ = _read(read_warc, WEB / "resiliparse_warcfile.warc.gz")
    other, _, _ = _read(read_warc, WEB / "resiliparse_warcfile.warc.gz", source="crawl2")
    assert [d.id for d in first] == [d.id for d in again]
    assert len({d.id for d in first}) == len(first) == 16
    assert not {d.id for d in first} & {d.id for d in other}


def test_jsonl_rows_keep_given_ids_and_metadata():
    params = ReadParams(meta_key="metadata")
    docs, failures, _ = _read(read_jsonl, DATA / "web_text" / "cc_en_head-0174.jsonl.gz", params=params)
    rows = [json.loads(line) for line in gzip.open(DATA / "web_text" / "cc_en_head-0174.jsonl.gz")]
    assert not failures and [d.id for d in docs] == [r["id"] for r in rows]
    assert docs[0].text == rows[0]["text"] and docs[0].html is None
    assert docs[0].meta["cc_segment"] == rows[0]["metadata"]["cc_segment"]
    assert docs[0].origin == rows[0]["metadata"]["url"]


def test_bad_jsonl_lines_are_dead_letters_and_reading_goes_on(tmp_path):
    rows = [json.loads(line) for line in gzip.open(DATA / "web_text" / "cc_en_head-0174.jsonl.gz")][:3]
    lines = [json.dumps(rows[0]), '{"text": "unterminated', json.dumps({"title": "no text"}), "", json.dumps(rows[1])]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n")
    docs, failures, _ = _read(read_jsonl, path)
    assert [d.id for d in docs] == [rows[0]["id"], rows[1]["id"]]
    assert [f.origin for f in failures] == ["mixed.jsonl:2", "mixed.jsonl:3"]
    assert "neither" in str(failures[1].error)


def test_html_rows_and_code_rows_map_by_configured_keys():
    params = ReadParams(text_key="content")
    docs, failures, _ = _read(read_jsonl, SAMPLE / "code" / "repo_files.jsonl.gz", params=params)
    assert len(docs) == 96 and not failures
    assert docs[0].meta["repo"] == "benhoyt/inih" and docs[0].meta["repo_license_spdx"] == "BSD-3-Clause"
    assert "content" not in docs[0].meta and docs[0].text


def test_parquet_is_read_in_batches(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [json.loads(line) for line in gzip.open(DATA / "web_text" / "cc_en_head-0174.jsonl.gz")]
    table = pa.table({"id": [r["id"] for r in rows], "text": [r["text"] for r in rows],
                      "url": [r["metadata"]["url"] for r in rows]})
    path = tmp_path / "cc.parquet"
    pq.write_table(table, path, row_group_size=3)
    docs, failures, _ = _read(read_parquet, path, params=ReadParams(parquet_batch_rows=2))
    assert [d.text for d in docs] == [r["text"] for r in rows] and not failures
    assert docs[0].origin == rows[0]["metadata"]["url"]


def test_html_file_is_one_document_decoded_by_its_meta_charset():
    docs, _, _ = _read(lambda fh, ctx: read_whole_file(fh, ctx, as_html=True), SAMPLE / "math" / "readability-mathjax-blog.html.gz")
    assert len(docs) == 1 and "<math" in docs[0].html
    assert docs[0].origin == "readability-mathjax-blog.html.gz"


def test_decode_html_follows_header_then_meta_then_detection():
    page = "<html><head><meta charset='windows-1252'></head><body>Café – naïve</body></html>"
    assert decode_html(page.encode("cp1252")) == (page, "cp1252")
    assert decode_html(page.encode("utf-8"), "utf-8") == (page, "utf-8")
    text, used = decode_html(b"\xff\xfe\x00broken \x81\x8d bytes")
    assert isinstance(text, str) and used  # never raises


@pytest.mark.parametrize("path, fmt", [
    ("a/CC-MAIN-1.warc.gz", "warc"), ("x.arc.gz", "warc"), ("x.warc.wet.gz", "warc"), ("d.jsonl.zst", "jsonl"),
    ("d.json.gz", "jsonl"), ("t.parquet", "parquet"), ("p.HTML", "html"), ("p.html.gz", "html"),
    ("book.txt", "text"), ("x.pdf", None),
])
def test_format_from_extension(path, fmt):
    assert detect_format(path) == fmt


def test_locators_are_relative_to_the_sources_base():
    assert glob_base("gs://bucket/crawl/*/part-*.warc.gz") == "gs://bucket/crawl/"
    base = common_base(["gs://bucket/crawl/*/part-*.warc.gz"])
    assert relative_locator("gs://bucket/crawl/2024/part-1.warc.gz", base) == "2024/part-1.warc.gz"
    assert relative_locator("/data/one.jsonl", common_base(["/data/one.jsonl"])) == "one.jsonl"
    # two folders with files of the same name: the locators (and so the ids) stay apart
    base = common_base(["/data/a/*.jsonl", "/data/b/*.jsonl"])
    assert relative_locator("/data/a/part-0.jsonl", base) == "a/part-0.jsonl"
    assert relative_locator("/data/b/part-0.jsonl", base) == "b/part-0.jsonl"


def test_read_source_in_beam_reads_a_directory_and_reports_damage(tmp_path):
    (tmp_path / "crawl").mkdir()
    for name in ("dolma_sample-0000.warc.gz", "iawebcommons_link-extraction-test-truncated.warc.gz"):
        (tmp_path / "crawl" / name).write_bytes((WEB / name).read_bytes())
    (tmp_path / "crawl" / "README").write_text("not data")
    zst_rows = gzip.decompress((DATA / "web_text" / "cc_en_head-0174.jsonl.gz").read_bytes())
    import zstandard

    (tmp_path / "rows.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(zst_rows))
    with beam.Pipeline(options=beam.options.pipeline_options.PipelineOptions(BEAM_TEST_OPTIONS)) as p:
        out = p | ReadSource("web", "web", [str(tmp_path / "crawl") + "/", str(tmp_path / "rows.jsonl.zst")])
        assert_that(out.documents | beam.combiners.Count.Globally(), equal_to([22 + 5 + 10]), label="docs")
        assert_that(out.errors | beam.Map(lambda e: (e["stage"], e["error"].split(":")[0])),
                    equal_to([("read", "CorruptInput")] * 2), label="errors")


def test_a_payload_failing_its_digest_is_a_dead_letter_and_a_block_only_mismatch_is_kept_marked():
    docs, failures, _ = _read(read_warc, WEB / "warcio_example-trunc.warc.gz")
    assert docs == [] and len(failures) == 1  # gzip body cut by 2 bytes: decodes to a plausible page
    assert "WARC-Payload-Digest mismatch" in str(failures[0].error)
    assert failures[0].origin == "http://example.com/" and failures[0].location.startswith("warcio_example-trunc")
    # wrong chunk framing, payload intact (its payload digest passes): the page is kept and marked
    docs, failures, _ = _read(read_warc, WEB / "warcio_example-wrong-chunks.warc.gz")
    assert not failures and docs[0].meta["warc_digest"] == "block_digest_mismatch"
    assert "Example Domain" in docs[0].html
    # without the check the damaged record passes as a page: what a reader without digests ingests
    docs, failures, _ = _read(read_warc, WEB / "warcio_example-trunc.warc.gz", params=ReadParams(verify_digests=False))
    assert len(docs) == 1 and not failures
    docs, _, _ = _read(read_warc, WEB / "resiliparse_warcfile.warc.gz")
    assert len(docs) == 16 and not any("warc_digest" in d.meta for d in docs)  # real CC records pass


def test_a_record_the_crawler_cut_is_kept_marked_and_extract_can_reject_it(tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from transforms.extract import Extract, ExtractParams

    page, _, _ = _read(read_warc, WEB / "dolma_sample-0000.warc.gz")
    whole = page[0].html.encode("utf-8")
    html = whole[: len(whole) * 2 // 3]  # the first two thirds, as a crawler's size cap leaves a page
    path = tmp_path / "capped.warc.gz"
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(page[0].origin, "response", payload=io.BytesIO(html),
                                                      http_headers=http,
                                                      warc_headers_dict={"WARC-Truncated": "length"}))
    docs, failures, _ = _read(read_warc, path)
    assert not failures and docs[0].meta["warc_truncated"] == "length"
    default, rejecting = Extract(), Extract(ExtractParams(reject_truncated=True))
    default.setup()
    assert default.judge(docs[0]).kept  # kept by default: most of a page is in its first bytes
    verdict = rejecting.judge(docs[0])
    assert verdict.reason == "truncated" and verdict.measurements["warc_truncated"] == "length"


def test_every_real_warc_goes_through_winnow_run_with_a_reason_for_what_is_not_written(tmp_path):
    """The 17 WARC/ARC files of the shared data (tests/data/warc + the sample's), malformed ones too."""
    from pipeline.cli import main

    out = tmp_path / "out"
    assert main(["run", "--input", str(DATA / "warc" / "*.warc.gz"), "--input", str(WEB / "*.gz"),
                 "--kind", "web", "--stages", "extract,langid", "--output", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    web = manifest["sources"]["web"]
    assert web["conserved"] and web["read"] == web["written"] + web["rejected_total"] + web["errors_total"]
    assert web["read"] == 72 and web["errors_total"] == 3

    def records(kind):
        return [json.loads(line) for part in (out / kind).rglob("part-*.jsonl.gz")
                for line in gzip.open(part, "rt") if line.strip()]

    rejected, errors = records("rejected"), records("errors")
    assert len(rejected) == web["rejected_total"] and all(r["reason"] and r["stage"] for r in rejected)
    assert sorted(e["error"].split(":", 2)[1].strip() for e in errors) == [
        "WARC-Payload-Digest mismatch",  # warcio's example-trunc
        "gzip data ends in the middle of a member (truncated file)",  # the rest of the cut file
        "record truncated",  # the record the cut falls in
    ]
    # records that are not documents are counted by kind, not dropped silently
    assert web["skipped_records"] == {"warc_warcinfo": 16, "warc_request": 69, "warc_metadata": 18,
                                      "non_web_resource": 5, "http_status_3xx": 9, "non_text_response": 8,
                                      "warc_revisit": 2}


def _relabelled_warc(path, records):
    """A WARC of (url, payload bytes) responses, every one labelled text/html."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for url, payload in records:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(payload),
                                                          http_headers=http))


def test_binary_payloads_labelled_html_and_a_50_mb_page_are_rejected_with_their_reason(tmp_path):
    import time

    from transforms.extract import Extract

    images = []  # the real images of a real crawl, served again as text/html
    with open(WEB / "iawebcommons_IAH-urls-wget.warc.gz", "rb") as handle:
        for record in ArchiveIterator(handle):
            if record.rec_type == "response" and record.http_headers.get_header("Content-Type", "").startswith("image/"):
                images.append((record.rec_headers.get_header("WARC-Target-URI"), record.content_stream().read()))
    assert len(images) == 3
    page, _, _ = _read(read_warc, WEB / "resiliparse_warcfile.warc.gz")
    big = page[0].html.encode("utf-8")
    huge = big * (50_000_000 // len(big) + 1)  # a real page repeated to 50 MB
    _relabelled_warc(tmp_path / "odd.warc.gz", images + [("https://example.org/huge", huge)])
    docs, failures, _ = _read(read_warc, tmp_path / "odd.warc.gz")
    assert len(docs) == 4 and not failures
    stage = Extract()
    stage.setup()
    started = time.perf_counter()
    verdicts = [stage.judge(doc) for doc in docs]
    assert time.perf_counter() - started < 5  # refused before any parsing
    assert [(v.reason, v.measurements.get("binary_kind")) for v in verdicts] == [
        ("binary", "jpeg"), ("binary", "gif"), ("binary", "png"), ("html_too_large", None)]
    # and no real page of the sample's crawls looks binary (resiliparse's are in 9 languages)
    from transforms.extraction.binary import binary_kind

    for name in ("resiliparse_warcfile.warc.gz", "dolma_sample-0000.warc.gz", "iawebcommons_IAH-urls-wget.warc.gz"):
        pages, _, _ = _read(read_warc, WEB / name)
        assert [binary_kind(d.html) for d in pages if d.html] == [None] * sum(1 for d in pages if d.html), name


def test_wet_conversion_records_are_text_documents(tmp_path):
    """A WET file as Common Crawl writes it (warcinfo, then one conversion record per page)."""
    from warcio.warcwriter import WARCWriter

    rows = [json.loads(line) for line in gzip.open(DATA / "web_text" / "cc_en_head-0174.jsonl.gz")][:4]
    path = tmp_path / "CC-MAIN-test.warc.wet.gz"
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        writer.write_record(writer.create_warcinfo_record("CC-MAIN-test.warc.wet.gz", {"software": "test"}))
        for row in rows:
            writer.write_record(writer.create_warc_record(
                row["metadata"]["url"], "conversion", payload=io.BytesIO(row["text"].encode("utf-8")),
                warc_headers_dict={"Content-Type": "text/plain"}))
    docs, failures, skipped = _read(read_warc, path)
    assert not failures and skipped == {"warc_warcinfo": 1}
    assert [d.text for d in docs] == [r["text"] for r in rows] and all(d.html is None for d in docs)
    assert [d.meta["url"] for d in docs] == [r["metadata"]["url"] for r in rows]
    assert detect_format(str(path)) == "warc"
