"""The Stage wrapper (kept / rejected / errors, counters) and exact dedup, in Beam and without it."""
import apache_beam as beam
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.util import assert_that, equal_to

from tests.conftest import BEAM_TEST_OPTIONS
from transforms.document import Document, DocumentCoder
from transforms.exact_dedup import ExactDedup, FirstRankAndCount, content_hash, normalize_for_exact_match
from transforms.quality import Quality, QualityParams
from transforms.stage import RunStage, Stage


def _docs(cc_documents, n=6):
    return [Document(id=r["id"], source="cc", kind="public", origin=r["id"], text=r["text"]) for r in cc_documents[:n]]


class _ExplodesOnMarker(Stage):
    """A stage that raises on one document: the wrapper must dead-letter it, not crash."""

    name = "quality"
    Params = QualityParams

    def judge(self, doc):
        if "BOOM" in doc.text:
            raise ValueError("cannot judge this one")
        return Quality(self.params).judge(doc)


def test_document_coder_round_trips_and_helpers_copy(cc_documents):
    doc = _docs(cc_documents, 1)[0].with_meta(language="en").with_scores("langid", {"confidence": 0.9})
    coder = DocumentCoder()
    assert coder.decode(coder.encode(doc)) == doc
    changed = doc.with_text("new", extractor="x")
    assert doc.text != "new" and changed.meta["language"] == "en" and changed.meta["extractor"] == "x"
    assert "extractor" not in doc.meta  # the input element is never mutated


def test_run_stage_routes_kept_rejected_and_errors_and_counts(cc_documents):
    docs = _docs(cc_documents)
    short = Document(id="short", source="cc", kind="public", origin="s", text=docs[0].text.split(".")[0])
    boom = Document(id="boom", source="cc", kind="public", origin="b", text="BOOM " + docs[1].text)
    expected_kept = sorted(d.id for d in docs if Quality().judge(d).kept)
    pipeline = beam.Pipeline(options=PipelineOptions(BEAM_TEST_OPTIONS))
    out = pipeline | beam.Create(docs + [short, boom]) | RunStage(_ExplodesOnMarker())
    assert_that(out.kept | beam.Map(lambda d: d.id), equal_to(expected_kept), label="kept")
    assert_that(out.kept | beam.Map(lambda d: "quality" in d.scores), equal_to([True] * len(expected_kept)), label="scored")
    assert_that(out.rejected | beam.Map(lambda r: (r["id"], r["stage"], r["reason"]))
                | beam.Filter(lambda t: t[0] == "short"), equal_to([("short", "quality", "gopher_too_few_words")]), label="rej")
    assert_that(out.errors | beam.Map(lambda e: (e["id"], e["stage"], e["error"])),
                equal_to([("boom", "quality", "ValueError: cannot judge this one")]), label="errors")
    result = pipeline.run()
    result.wait_until_finish()
    counters = {c.key.metric.name: c.committed for c in result.metrics().query(MetricsFilter())["counters"]
                if c.key.metric.namespace == "winnow/quality/cc"}
    assert counters["in"] == len(docs) + 2 and counters["errors"] == 1
    assert counters["kept"] == len(expected_kept)
    assert counters["in"] == counters["kept"] + counters["errors"] + sum(
        v for k, v in counters.items() if k.startswith("rejected:"))


def test_normalisation_folds_case_and_whitespace_only():
    assert normalize_for_exact_match("  The  Cat\n\nsat. ") == "the cat sat."
    assert content_hash("A b") == content_hash("a   B") != content_hash("a, b")


def test_the_first_rank_combiner_gives_the_smallest_rank_and_the_count_in_any_order():
    combiner = FirstRankAndCount()
    ranks = [("m", "cc", "m"), ("c", "cc", "c"), ("x", "cc", "x"), ("a", "cc", "a"), ("q", "cc", "q")]
    for order in (ranks, ranks[::-1], ranks[2:] + ranks[:2]):
        parts = []
        for chunk in (order[:2], order[2:]):  # two workers' partial results, merged after the shuffle
            accumulator = combiner.create_accumulator()
            for rank in chunk:
                accumulator = combiner.add_input(accumulator, rank)
            parts.append(accumulator)
        parts.append(combiner.create_accumulator())  # a worker that saw none
        assert combiner.extract_output(combiner.merge_accumulators(parts)) == (("a", "cc", "a"), 5)


def test_many_copies_keep_the_smallest_id_and_count_every_copy(cc_documents):
    text = cc_documents[0]["text"]
    copies = [Document(id=i, source="cc", kind="public", origin=i, text=text) for i in ("m", "c", "x", "a", "q")]
    twin = copies[3]  # the same document read twice (same id, source and origin)
    with beam.Pipeline(options=PipelineOptions(BEAM_TEST_OPTIONS)) as p:
        out = p | beam.Create(copies + [twin]) | ExactDedup()
        assert_that(out.kept | beam.Map(lambda d: (d.id, d.scores["exact_dedup"]["copies"])), equal_to([("a", 6)]),
                    label="kept")
        assert_that(out.rejected | beam.Map(lambda r: r["id"]), equal_to(["a", "c", "m", "q", "x"]), label="rejected")


def test_exact_dedup_in_beam_across_sources(cc_documents):
    docs = _docs(cc_documents, 4)
    recased = Document(id="zz-copy", source="web", kind="web", origin="u", text=docs[0].text.upper())
    earlier = Document(id="00-copy", source="web", kind="web", origin="v", text=docs[1].text + "  ")
    with beam.Pipeline(options=PipelineOptions(BEAM_TEST_OPTIONS)) as p:
        out = p | beam.Create(docs + [recased, earlier]) | ExactDedup()
        expected = sorted([d.id for d in docs if d is not docs[1]] + ["00-copy"])
        assert_that(out.kept | beam.Map(lambda d: d.id), equal_to(expected), label="kept")
        assert_that(out.rejected | beam.Map(lambda r: (r["id"], r["source"], r["reason"])),
                    equal_to([("zz-copy", "web", "duplicate"), (docs[1].id, "cc", "duplicate")]), label="rejected")


def test_html_that_was_never_extracted_is_rejected_as_such(cc_documents):
    from transforms.langid import LanguageId

    page = Document(id="h", source="rows", kind="web", origin="u", html="<html><body><p>Hello</p></body></html>")
    with beam.Pipeline(options=PipelineOptions(BEAM_TEST_OPTIONS)) as p:
        out = p | beam.Create([page]) | RunStage(LanguageId())
        assert_that(out.rejected | beam.Map(lambda r: (r["stage"], r["reason"])), equal_to([("langid", "not_extracted")]))
