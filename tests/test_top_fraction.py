"""KeepTopFraction (transforms/top_fraction.py): the quantile threshold, and the Beam step on real scores."""
import json
import random
import tempfile
from pathlib import Path

import apache_beam as beam
import pytest
from apache_beam.options.pipeline_options import PipelineOptions

from tests.conftest import BEAM_TEST_OPTIONS
from transforms.document import Document
from transforms.top_fraction import REASON, KeepTopFraction, threshold_for_fraction


def test_threshold_for_fraction():
    quantiles = [i / 100 for i in range(101)]  # 0.00 .. 1.00
    assert threshold_for_fraction(quantiles, 0.1) == pytest.approx(0.9)
    assert threshold_for_fraction(quantiles, 0.5) == pytest.approx(0.5)
    assert threshold_for_fraction(quantiles, 1.0) == 0.0
    assert threshold_for_fraction(quantiles, 0.001) == 1.0
    assert threshold_for_fraction([], 0.1) is None


def _run(docs, fraction):
    with tempfile.TemporaryDirectory() as out:
        with beam.Pipeline(options=PipelineOptions(BEAM_TEST_OPTIONS)) as pipeline:
            result = pipeline | beam.Create(docs) | KeepTopFraction("quality", "model_score", fraction)
            _ = result.kept | "K" >> beam.Map(lambda d: json.dumps(["kept", d.id])) | "WK" >> beam.io.WriteToText(
                f"{out}/kept")
            _ = result.rejected | "R" >> beam.Map(lambda r: json.dumps(["rejected", r["id"], r["reason"],
                                                                           r["measurements"]])) | "WR" >> \
                beam.io.WriteToText(f"{out}/rejected")
        rows = [json.loads(line) for path in Path(out).glob("*-of-*") for line in path.read_text().splitlines()]
    return {r[1] for r in rows if r[0] == "kept"}, [r[1:] for r in rows if r[0] == "rejected"]


def test_keeps_the_top_fraction_and_unscored_documents():
    rng = random.Random(3)
    docs = [Document(id=f"d{i}", source="web", kind="web", origin=f"o{i}", text="x").with_scores(
        "quality", {"model_score": rng.random()}) for i in range(2000)]
    unscored = Document(id="unscored", source="web", kind="web", origin="u", text="x")
    kept, rejected = _run(docs + [unscored], 0.1)
    assert "unscored" in kept
    scored_kept = [d for d in docs if d.id in kept]
    assert 190 <= len(scored_kept) <= 215  # 10% of 2,000, within the sketch's rank error
    lowest_kept = min(d.scores["quality"]["model_score"] for d in scored_kept)
    assert all(d.scores["quality"]["model_score"] < lowest_kept for d in docs if d.id not in kept)
    assert len(kept) + len(rejected) == len(docs) + 1
    assert {reason for _, reason, _ in rejected} == {REASON}
    assert all(m["model_score"] < m["threshold"] and m["keep_top_fraction"] == 0.1 for _, _, m in rejected)


def test_fraction_one_keeps_everything():
    docs = [Document(id=f"d{i}", source="web", kind="web", origin=f"o{i}", text="x").with_scores(
        "quality", {"model_score": i / 10}) for i in range(10)]
    kept, rejected = _run(docs, 1.0)
    assert len(kept) == 10 and rejected == []
