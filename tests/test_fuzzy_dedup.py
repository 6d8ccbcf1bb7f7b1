"""Stage `fuzzy_dedup` end to end in Beam, on real Common Crawl text with controlled edits."""
import json
import random
import tempfile
from pathlib import Path

import apache_beam as beam
import pytest
from apache_beam.options.pipeline_options import PipelineOptions

from tests.conftest import BEAM_TEST_OPTIONS
from transforms.document import Document
from transforms.fuzzy.minhash import MinHasher, band_keys, jaccard, shingle_hashes
from transforms.fuzzy_dedup import FuzzyDedup, FuzzyDedupParams
from transforms.params import ConfigError, parse_params


def _edit(text, rate, seed):
    rng = random.Random(seed)
    words = text.split()
    return " ".join(rng.choice(words) if rng.random() < rate else word for word in words)


def _doc(doc_id, text):
    return Document(id=doc_id, source="web", kind="web", origin=f"https://example.org/{doc_id}", text=text)


def _run(docs, params=None, workers=1, output_dir=None):
    """Run the stage; return sorted (id, scores) of kept and (id, reason, measurements) of rejected."""
    params = params or FuzzyDedupParams()
    options = BEAM_TEST_OPTIONS if workers == 1 else [
        "--runner=DirectRunner", f"--direct_num_workers={workers}", "--direct_running_mode=multi_threading"]
    with tempfile.TemporaryDirectory() as results:
        with beam.Pipeline(options=PipelineOptions(options)) as pipeline:
            out = pipeline | beam.Create(docs) | FuzzyDedup(params, output_dir)
            _ = (out.kept | "KeptJson" >> beam.Map(lambda d: json.dumps(["kept", d.id, dict(d.scores)]))
                 | "WriteKept" >> beam.io.WriteToText(f"{results}/kept"))
            _ = (out.rejected | "RejectedJson" >> beam.Map(
                lambda r: json.dumps(["rejected", r["id"], r["reason"], r["measurements"]]))
                 | "WriteRejected" >> beam.io.WriteToText(f"{results}/rejected"))
        rows = [json.loads(line) for path in sorted(Path(results).glob("*-of-*"))
                for line in path.read_text().splitlines()]
    kept = sorted((row[1], row[2]) for row in rows if row[0] == "kept")
    rejected = sorted((tuple(row[1:]) for row in rows if row[0] == "rejected"), key=lambda r: r[0])
    return kept, rejected


def _bands(text, params=FuzzyDedupParams()):
    hasher = MinHasher(params.num_perm, params.ngram, params.seed)
    return set(band_keys(hasher.signature(text), params.bands, params.rows))


@pytest.fixture(scope="module")
def chain(cc_documents):
    """A ~ B ~ C where A and C share no LSH band: found by trying edit seeds, and checked."""
    base = max((row["text"] for row in cc_documents), key=len)
    for seed in range(200):
        a = base
        b = _edit(a, 0.04, seed)
        c = _edit(b, 0.04, seed + 1000)
        ab, bc, ac = _bands(a) & _bands(b), _bands(b) & _bands(c), _bands(a) & _bands(c)
        if ab and bc and not ac:
            return a, b, c
    raise AssertionError("no chain found")


def test_a_chain_whose_ends_share_no_band_is_one_cluster(chain, cc_documents):
    a, b, c = chain
    other = next(row["text"] for row in cc_documents if row["text"] not in (a,))
    docs = [_doc("a", a), _doc("b", b), _doc("c", c), _doc("other", other)]
    kept, rejected = _run(docs, FuzzyDedupParams(survivor="lowest_id", max_rounds=4))
    assert [doc_id for doc_id, _ in kept] == ["a", "other"]
    assert dict(kept)["a"] == {"fuzzy_dedup": {"cluster_size": 3}}
    assert [(doc_id, reason, m["duplicate_of"], m["cluster_size"]) for doc_id, reason, m in rejected] == [
        ("b", "duplicate", "a", 3), ("c", "duplicate", "a", 3)]


@pytest.fixture(scope="module")
def weak_chain(cc_documents):
    """A ~ B strongly, B ~ C weakly (both share an LSH band), A and C share none."""
    base = max((row["text"] for row in cc_documents), key=len)
    for seed in range(300):
        a, b = base, _edit(base, 0.02, seed)
        c = _edit(b, 0.06, seed + 1000)
        if _bands(a) & _bands(b) and _bands(b) & _bands(c) and not _bands(a) & _bands(c):
            ab, bc = jaccard(shingle_hashes(a), shingle_hashes(b)), jaccard(shingle_hashes(b), shingle_hashes(c))
            if ab - bc > 0.05:
                return a, b, c, ab, bc
    raise AssertionError("no weak chain found")


def test_exact_jaccard_check_drops_candidate_pairs_below_the_threshold(weak_chain):
    """With verify_jaccard between the chain's two links, the weak link is dropped: C stays."""
    a, b, c, ab, bc = weak_chain
    docs = [_doc("a", a), _doc("b", b), _doc("c", c)]
    kept, rejected = _run(docs, FuzzyDedupParams(survivor="lowest_id", verify_jaccard=(ab + bc) / 2))
    assert [doc_id for doc_id, _ in kept] == ["a", "c"]
    assert [(doc_id, m["duplicate_of"], m["cluster_size"]) for doc_id, _, m in rejected] == [("b", "a", 2)]
    # below both links nothing is dropped; off (the default) neither
    for params in (FuzzyDedupParams(survivor="lowest_id", verify_jaccard=bc - 0.01),
                   FuzzyDedupParams(survivor="lowest_id")):
        assert [doc_id for doc_id, _ in _run(docs, params)[0]] == ["a"]


def test_the_longest_text_survives_by_default(chain):
    a, b, c = chain
    longest = max(("a", a), ("b", b), ("c", c), key=lambda item: (len(item[1]), [-ord(ch) for ch in item[0]]))
    kept, rejected = _run([_doc("a", a), _doc("b", b), _doc("c", c)])
    assert [doc_id for doc_id, _ in kept] == [longest[0]]
    assert {m["duplicate_of"] for _, _, m in rejected} == {longest[0]}


def test_output_is_the_same_on_rerun_and_with_two_workers(cc_documents, tmp_path):
    rng = random.Random(7)
    docs = []
    for i, row in enumerate(cc_documents):
        docs.append(_doc(f"d{i:02d}", row["text"]))
        if i % 2 == 0:  # near-copies of half the documents, some at several removes
            docs.append(_doc(f"d{i:02d}-copy", _edit(row["text"], 0.03, rng.randrange(10**6))))
    rng.shuffle(docs)
    first = _run(docs, output_dir=str(tmp_path / "one"))
    assert _run(list(reversed(docs))) == first
    assert _run(docs, workers=2) == first
    assert len(first[1]) >= 5  # the copies were found
    report = (tmp_path / "one" / "fuzzy_dedup" / "components.json").read_text()
    assert '"converged": true' in report


def test_unrelated_documents_and_empty_texts_are_all_kept(cc_documents):
    docs = [_doc(f"d{i}", row["text"]) for i, row in enumerate(cc_documents[:8])] + [_doc("empty", "")]
    kept, rejected = _run(docs)
    assert rejected == [] and len(kept) == 9


def test_parameters_are_checked():
    with pytest.raises(ConfigError):
        parse_params(FuzzyDedupParams, {"bands": 20, "rows": 8}, "stages.fuzzy_dedup")
    params = parse_params(FuzzyDedupParams, {"threshold": 0.8}, "stages.fuzzy_dedup")
    bands, rows = params.bands_and_rows()
    assert bands * rows <= params.num_perm
