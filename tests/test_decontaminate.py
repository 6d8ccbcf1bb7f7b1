"""Stage `decontaminate` end to end in Beam: benchmark items planted in real pages are removed (also
reformatted), clean real text is kept, and the common-usage threshold counts documents."""
import gzip
import json
import tempfile
from pathlib import Path

import apache_beam as beam
import pytest
from apache_beam.options.pipeline_options import PipelineOptions

from tests.conftest import BEAM_TEST_OPTIONS, ROOT
from transforms.decontaminate import REASON, Decontaminate, DecontaminateParams, judge_collisions
from transforms.document import Document
from transforms.fuzzy.minhash import normalize


def benchmark_texts(name):
    from benchmarks_ngrams.loader import iter_eval_texts
    from benchmarks_ngrams.registry import select

    return [normalize(text) for _, _, text in iter_eval_texts(select([name])[0])]

BENCHMARK_DATA = ROOT / "benchmarks_ngrams" / "data"
BENCHMARKS = ("gsm8k", "humaneval", "mmlu", "arc")


def _jsonl(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="module")
def index_path(tmp_path_factory):
    from benchmarks_ngrams.cli import main

    path = tmp_path_factory.mktemp("index") / "bench.npz"
    args = ["build-index", "--output", str(path)]
    for name in BENCHMARKS:
        args += ["--benchmark", name]
    assert main(args) == 0
    return str(path)


@pytest.fixture(scope="module")
def items():
    gsm8k = _jsonl(BENCHMARK_DATA / "gsm8k" / "test.jsonl.gz")
    humaneval = _jsonl(BENCHMARK_DATA / "humaneval" / "HumanEval.jsonl.gz")
    return {"gsm8k": [row["question"] for row in gsm8k[:5]], "humaneval": [row["prompt"] for row in humaneval[:3]]}


def _doc(doc_id, text):
    return Document(id=doc_id, source="web", kind="web", origin=f"https://example.org/{doc_id}", text=text)


def _plant(page, item):
    """The item inserted verbatim in the middle of a real page, between two paragraphs."""
    middle = len(page) // 2
    cut = page.find("\n", middle)
    cut = middle if cut < 0 else cut
    return page[:cut] + "\n" + item + "\n" + page[cut:]


def _reformat(item):
    return "  ".join(item.upper().replace(",", " ;").replace(".", "!").split())


def _run(docs, params, output_dir=None):
    with tempfile.TemporaryDirectory() as out:
        with beam.Pipeline(options=PipelineOptions(BEAM_TEST_OPTIONS)) as pipeline:
            result = pipeline | beam.Create(docs) | Decontaminate(params, output_dir)
            _ = (result.kept | "K" >> beam.Map(lambda d: json.dumps(["kept", d.id]))
                 | "WK" >> beam.io.WriteToText(f"{out}/kept"))
            _ = (result.rejected | "R" >> beam.Map(lambda r: json.dumps(["rejected", r["id"], r["reason"],
                                                                           r["measurements"]]))
                 | "WR" >> beam.io.WriteToText(f"{out}/rejected"))
            _ = result.errors | "E" >> beam.Map(json.dumps) | "WE" >> beam.io.WriteToText(f"{out}/errors")
        rows = [json.loads(line) for p in Path(out).glob("kept*") for line in p.read_text().splitlines()]
        rows += [json.loads(line) for p in Path(out).glob("rejected*") for line in p.read_text().splitlines()]
        assert not any(p.read_text() for p in Path(out).glob("errors*"))
    kept = sorted(r[1] for r in rows if r[0] == "kept")
    rejected = {r[1]: r[3] for r in rows if r[0] == "rejected" and r[2] == REASON}
    return kept, rejected


def test_planted_items_are_removed_verbatim_and_reformatted(index_path, items, cc_documents):
    pages = [row["text"] for row in cc_documents]
    docs, expected = [], {}
    for i, item in enumerate(items["gsm8k"] + items["humaneval"]):
        benchmark = "gsm8k" if i < len(items["gsm8k"]) else "humaneval"
        docs.append(_doc(f"verbatim{i}", _plant(pages[i], item)))
        docs.append(_doc(f"reformatted{i}", _plant(pages[i + 8], _reformat(item))))
        expected[f"verbatim{i}"] = expected[f"reformatted{i}"] = benchmark
    clean = [_doc(f"clean{i}", page) for i, page in enumerate(pages)]
    kept, rejected = _run(docs + clean, DecontaminateParams(index_path=index_path, common_usage_threshold=1000),
                          output_dir=None)
    assert set(expected) <= set(rejected)
    for doc_id, benchmark in expected.items():
        assert benchmark in rejected[doc_id]["benchmarks"], doc_id
        assert rejected[doc_id]["ngrams"] and rejected[doc_id]["collisions"] >= 1
    # Clean real pages: removed only for true overlaps (none on these 20 pages today; a calendar page's
    # "1 2 3 ... 13" would be one: a crawl-sized run sets such n-grams aside as common usage).
    clean_removed = set(rejected) - set(expected)
    assert len(clean_removed) <= 1
    for doc_id in clean_removed:
        page = normalize(next(d.text for d in clean if d.id == doc_id))
        for ngram in rejected[doc_id]["ngrams"]:
            assert f" {ngram['text']} " in f" {page} "  # the words are really on the page ...
            assert any(  # ... and really in the benchmark
                f" {ngram['text']} " in f" {text} " for text in benchmark_texts(ngram["benchmarks"][0]))
    assert set(kept) == {d.id for d in clean} - clean_removed


def test_common_usage_threshold_counts_documents(index_path, items, cc_documents, tmp_path):
    """An item in 3 documents with threshold 3 is common usage (kept); one in 2 documents is not."""
    pages = [row["text"] for row in cc_documents]
    common_item, rare_item = items["gsm8k"][0], items["gsm8k"][1]
    docs = [_doc(f"common{i}", _plant(pages[i], common_item)) for i in range(3)]
    docs += [_doc(f"rare{i}", _plant(pages[i + 3], rare_item)) for i in range(2)]
    kept, rejected = _run(docs, DecontaminateParams(index_path=index_path, common_usage_threshold=3),
                          output_dir=str(tmp_path))
    assert kept == ["common0", "common1", "common2"]
    assert sorted(rejected) == ["rare0", "rare1"]
    report = json.loads((tmp_path / "decontaminate" / "report.json").read_text())
    assert report["common_usage_threshold"] == 3
    assert report["benchmarks"]["gsm8k"]["documents_removed"] == 2
    assert report["benchmarks"]["gsm8k"]["ngrams_common"] >= 1
    assert all(example["documents"] == 3 for example in report["common_ngrams"])
    # one more document with the rare item's n-grams below the threshold: still removed
    kept, rejected = _run(docs, DecontaminateParams(index_path=index_path, common_usage_threshold=4))
    assert kept == [] and len(rejected) == 5


def test_judge_collisions_sets_common_usage_aside():
    collisions = [(1, 8, ("gsm8k",), "a b c d e f g h"), (2, 13, ("mmlu",), "x " * 13)]
    assert judge_collisions(collisions, {1: None, 2: None}, 5) == (None, {"common_usage_ngrams": 2})
    reason, measured = judge_collisions(collisions, {1: None}, 5)
    assert reason == REASON and measured["benchmarks"] == ["mmlu"] and measured["common_usage_ngrams"] == 1
    assert judge_collisions([], {}, 5) == (None, {})


def test_clean_article_bodies_collide_with_nothing(index_path):
    """The extraction ground truth (real, well-edited articles) against the full shipped index."""
    from benchmarks_ngrams.index import BenchmarkIndex

    truth = json.loads((ROOT / "tests" / "data" / "extraction" / "scrapinghub_aeb" / "ground-truth.json").read_text())
    bodies = [case["articleBody"] for case in truth.values()]
    for split in ("train", "heldout"):  # AEB and Readability ground-truth bodies shipped for the quality model
        bodies += [row["text"] for row in _jsonl(ROOT / "classifiers" / "data" / "quality" / f"{split}-hq.jsonl.gz")]
    assert len(bodies) >= 100
    index = BenchmarkIndex.default()
    assert len(index.benchmarks) == 25
    hits = {i: found for i, body in enumerate(bodies) if (found := index.collisions(body))}
    # 3 of 129: true overlaps, each checked below. Two 6-grams of short-n benchmarks that are common
    # phrases ("there has been a lot of", OpenBookQA; "the middle east and north africa",
    # TruthfulQA) and a Wikipedia sentence on Oceania that a BoolQ passage also quotes (13-grams).
    assert len(hits) <= 3
    for i, found in hits.items():
        page = normalize(bodies[i])
        for hit in found:
            assert f" {hit.text} " in f" {page} "
            assert any(f" {hit.text} " in f" {text} " for text in benchmark_texts(hit.benchmarks[0]))
