"""Stage `quality` with its fastText model: the score in scores.quality, the minimum score, the top
fraction (a global step per source), language gating; and `winnow classifiers` wiring."""
import gzip
import json
import tempfile
from pathlib import Path

import apache_beam as beam
import pytest
from apache_beam.options.pipeline_options import PipelineOptions

from tests.conftest import BEAM_TEST_OPTIONS, ROOT
from transforms.document import Document
from transforms.quality import Quality, QualityParams
from transforms.stage import RunStage

DATA = ROOT / "classifiers" / "data" / "quality"
RULES_OFF = dict(gopher_quality=False, gopher_repetition=False, c4=False, fineweb=False)


def _texts(name):
    with gzip.open(DATA / name, "rt", encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f if line.strip()]


@pytest.fixture(scope="module")
def heldout():
    hq = _texts("heldout-hq.jsonl.gz")
    cc = [t for t in _texts("heldout-cc.jsonl.gz") if len(t.split()) >= 50]  # boilerplate pages, not tweets
    assert len(hq) >= 10 and len(cc) >= 10
    return hq, cc


def _doc(i, text, language="en"):
    return Document(id=f"d{i}", source="web", kind="web", origin=f"o{i}", text=text, meta={"language": language})


def _stage(**params):
    stage = Quality(QualityParams(**params))
    stage.setup()
    return stage


def test_kept_documents_carry_the_model_score(heldout):
    hq, _ = heldout
    stage = _stage()
    kept = [v for v in (stage.judge(_doc(i, t)) for i, t in enumerate(hq)) if v.kept]
    assert len(kept) >= len(hq) * 0.8  # well-edited articles pass the rules
    scores = [v.measurements["model_score"] for v in kept]
    assert all(0.0 <= s <= 1.0 for s in scores) and sum(s >= 0.5 for s in scores) >= 0.9 * len(scores)
    assert "words" in kept[0].measurements  # the rules' measurements sit beside it


def test_minimum_score_rejects_boilerplate_and_keeps_articles(heldout):
    hq, cc = heldout
    stage = _stage(model_min_score=0.5, **RULES_OFF)
    hq_kept = sum(stage.judge(_doc(i, t)).kept for i, t in enumerate(hq))
    verdicts = [stage.judge(_doc(i, t)) for i, t in enumerate(cc)]
    assert hq_kept >= 0.9 * len(hq)
    assert sum(not v.kept for v in verdicts) >= 0.9 * len(cc)
    rejected = next(v for v in verdicts if not v.kept)
    assert rejected.reason == "model_low_score" and rejected.measurements["model_score"] < 0.5


def test_other_languages_are_not_scored(heldout):
    hq, _ = heldout
    verdict = _stage(**RULES_OFF).judge(_doc(0, hq[0], language="de"))
    assert verdict.kept and "model_score" not in verdict.measurements
    verdict = _stage(model_languages=None, **RULES_OFF).judge(_doc(0, hq[0], language="de"))
    assert "model_score" in verdict.measurements


def test_model_threshold_needs_the_model():
    from transforms.params import ConfigError, parse_params

    with pytest.raises(ConfigError):
        parse_params(QualityParams, {"model": False, "model_min_score": 0.5}, "stages.quality")


def test_top_fraction_keeps_the_best_scoring_half(heldout):
    hq, cc = heldout
    docs = [_doc(i, t) for i, t in enumerate(hq[:12] + cc[:12])]
    stage = Quality(QualityParams(model_keep_top_fraction=0.5, **RULES_OFF))
    with tempfile.TemporaryDirectory() as out:
        with beam.Pipeline(options=PipelineOptions(BEAM_TEST_OPTIONS)) as pipeline:
            result = pipeline | beam.Create(docs) | RunStage(stage)
            _ = (result.kept | "K" >> beam.Map(lambda d: json.dumps(["kept", d.id, d.scores["quality"]["model_score"]]))
                 | "WK" >> beam.io.WriteToText(f"{out}/kept"))
            _ = (result.rejected | "R" >> beam.Map(lambda r: json.dumps(["rejected", r["id"], r["reason"],
                                                                           r["measurements"]["model_score"]]))
                 | "WR" >> beam.io.WriteToText(f"{out}/rejected"))
        rows = [json.loads(line) for p in Path(out).glob("*-of-*") for line in p.read_text().splitlines()]
    kept = [r for r in rows if r[0] == "kept"]
    rejected = [r for r in rows if r[0] == "rejected"]
    assert len(kept) + len(rejected) == 24 and 12 <= len(kept) <= 13
    assert {r[2] for r in rejected} == {"below_top_fraction"}
    assert min(r[2] for r in kept) >= max(r[3] for r in rejected)
    assert sum(r[1] in {f"d{i}" for i in range(12)} for r in kept) >= 11  # the articles


def test_winnow_classifiers_command(capsys):
    from pipeline.cli import main

    assert main(["classifiers", "evaluate", "quality"]) == 0
    assert "ROC AUC" in capsys.readouterr().out
    assert main(["classifiers", "evaluate", "nothing"]) == 2
    assert main(["classifiers"]) == 2
