"""The fastText math classifier (classifiers/math.py), its shipped model and its data.

Everything read here ships in the repository (classifiers/data/math/, classifiers/models/,
pipeline/sample/math/, tests/data/extraction/): the held-back split was never trained on.
"""
import gzip
import json
from pathlib import Path

import pytest

from classifiers import math as math_classifier
from classifiers.math import (
    NEGATIVE_LABEL, POSITIVE_LABEL, MathModel, evaluate, math_line, shipped_data, train,
)
from classifiers.quality import Hyperparameters, dclm_line
from classifiers.quality_data import is_held_out, read_records  # the math data has the quality data's fields

ROOT = Path(__file__).resolve().parent.parent
SPLITS = [(split, label) for split in ("train", "heldout") for label in (POSITIVE_LABEL, NEGATIVE_LABEL)]

FAST = Hyperparameters(epoch=5, lr=0.1, dim=8, bucket=20_000, cutoff=5_000, window_words=150)

# The sample's MathJax pages whose text holds mathematics after extraction. input_tex2chtml.html is
# left out: its only formula is typed by the reader into a form, so its text is a description of
# MathJax's API (it scores 0.01, as documentation should).
SAMPLE_MATH_PAGES = ("interaction_reveal-steps.html", "page_equation-numbers.html", "page_mml-chtml.html",
                     "page_tex-chtml.html", "readability-mathjax-blog.html.gz")


@pytest.fixture(scope="module")
def shipped():
    return MathModel()


@pytest.fixture(scope="module")
def held_back():
    return read_records(shipped_data("heldout", "math")), read_records(shipped_data("heldout", "other"))


@pytest.fixture(scope="module")
def all_records():
    return {key: read_records(shipped_data(*key)) for key in SPLITS}


def _extracted(path: Path) -> str:
    from transforms.extraction.extractors import extract_body

    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    return extract_body(data.decode("utf-8", errors="replace"), None).text


# ---------------------------------------------------------------- the shipped model


def test_shipped_model_separates_held_back_math_from_web_text_and_docs(shipped, held_back):
    positives, negatives = held_back
    result = evaluate(shipped, [r.text for r in positives], [r.text for r in negatives])
    # measured: AUC 1.000, P 1.000 R 1.000 at 0.5 (77 math pages; 227 web texts and software docs)
    assert result.positives == 77 and result.negatives == 227
    assert result.auc >= 0.98
    assert result.precision >= 0.9 and result.recall >= 0.9


def test_held_back_general_web_text_scores_low(shipped, held_back):
    _, negatives = held_back
    web = [r for r in negatives if r.kind in ("article", "cc-text", "web-page", "boilerplate", "tweet")]
    scores = shipped.scores([r.text for r in web])
    assert len(web) > 150
    assert sum(s >= 0.5 for s in scores) / len(scores) <= 0.02  # measured 0 of 181


def test_real_math_pages_score_high_after_extraction(shipped):
    scores = {name: shipped.score(_extracted(ROOT / "pipeline" / "sample" / "math" / name))
              for name in SAMPLE_MATH_PAGES}
    assert min(scores.values()) >= 0.8, scores  # measured min 0.96 (page_equation-numbers)


def test_real_web_pages_score_low_after_extraction(shipped):
    pages = sorted((ROOT / "tests" / "data" / "extraction").glob("*/html/*"))
    assert len(pages) >= 15  # news and blog pages in de, en, es, fr, it, pl, pt, ko
    scores = {page.name: shipped.score(_extracted(page)) for page in pages}
    assert max(scores.values()) < 0.5, scores  # measured max 0.12
    assert sorted(scores.values())[len(scores) // 2] < 0.05


def test_math_tokens_are_read_whatever_the_delimiters(shipped):
    inline = "When $a \\ne 0$, there are two solutions to $ax^2 + bx + c = 0$."
    mathjax = "When \\(a \\ne 0\\), there are two solutions to \\(ax^2 + bx + c = 0\\)."
    assert math_line(inline) == math_line(mathjax)
    assert math_line("\\frac{\\partial X}{\\partial u}") == "\\frac { \\partial X } { \\partial u }"
    assert math_line("  a line\nand \\\\[3px] next\r\n") == "a line and \\\\ [ 3px ] next"
    assert math_line("x² ≤ α·β") == "x ² ≤ α · β"


def test_score_is_the_dclm_rule_on_the_math_line(shipped, held_back):
    text = held_back[0][0].text
    labels, probabilities = shipped.model.predict(math_line(text))
    expected = probabilities[0] if labels[0] == "__label__math" else 1 - probabilities[0]
    assert shipped.score(text) == pytest.approx(min(max(expected, 0.0), 1.0), abs=1e-12)
    texts = [r.text for r in held_back[0][:5] + held_back[1][:20]]
    assert shipped.scores(texts) == pytest.approx([shipped.score(t) for t in texts], abs=1e-6)
    assert shipped.scores([]) == [] and 0.0 <= shipped.score("") <= 1.0
    assert set(shipped.model.get_labels()) == {"__label__math", "__label__other"}


# ---------------------------------------------------------------- the data


def test_split_is_by_group_and_held_back_text_is_never_trained_on(all_records):
    train_groups = {r.group for key, rows in all_records.items() if key[0] == "train" for r in rows}
    held_groups = {r.group for key, rows in all_records.items() if key[0] == "heldout" for r in rows}
    assert held_groups and not train_groups & held_groups
    assert all(is_held_out(g) for g in held_groups) and not any(is_held_out(g) for g in train_groups)
    train_texts = {" ".join(r.text.split()) for key, rows in all_records.items() if key[0] == "train" for r in rows}
    held_texts = {" ".join(r.text.split()) for key, rows in all_records.items() if key[0] == "heldout" for r in rows}
    assert not train_texts & held_texts
    for (split, label), rows in all_records.items():
        assert rows and all(r.label == label for r in rows)
    # four math libraries, with every one on both sides
    for side in ("train", "heldout"):
        assert {r.source for r in all_records[(side, "math")]} == {"mpmath", "scipy", "sympy", "sklearn"}


def test_data_holds_no_benchmark_ngram(all_records):
    """No record shares a 4-13-gram with a benchmark (benchmarks_ngrams): no benchmark item is trained on."""
    from benchmarks_ngrams.index import BenchmarkIndex

    index = BenchmarkIndex.default()
    hits = {r.id: [h.text for h in index.collisions(r.text)]
            for rows in all_records.values() for r in rows}
    assert not {key: found for key, found in hits.items() if found}
    assert len(hits) > 1500


def test_no_benchmark_item_text_in_data(all_records):
    """The math benchmarks' items are not in the data even as whole texts (a second check, without the index):
    an item is found when every run of 8 of its words occurs in the data."""
    def grams(text):
        words = text.lower().split()
        return {" ".join(words[i:i + 8]) for i in range(len(words) - 7)}

    corpus = set()
    for rows in all_records.values():
        for r in rows:
            corpus |= grams(r.text)
    for name, fields in (("math", ("problem", "solution")), ("gsm8k", ("question", "answer"))):
        with gzip.open(ROOT / "benchmarks_ngrams" / "data" / name / "test.jsonl.gz", "rt", encoding="utf-8") as handle:
            items = [json.loads(line) for line in handle]
        for item in items:
            for field in fields:
                item_grams = grams(item[field])
                assert not item_grams or not item_grams <= corpus, (name, item[field][:80])


# ---------------------------------------------------------------- training


@pytest.fixture(scope="module")
def training_slice(all_records):
    math_rows = all_records[("train", "math")]
    other = all_records[("train", "other")]
    positives = [r.text for r in math_rows if r.source == "mpmath"] + [r.text for r in math_rows[::25]]
    negatives = [r.text for r in other[::10]]
    return positives, negatives


def test_training_is_deterministic(tmp_path, training_slice):
    positives, negatives = training_slice
    probe = positives[:3] + negatives[:6]
    outputs = []
    for name in ("a.ftz", "b.ftz"):
        stats = train(positives, negatives, str(tmp_path / name), FAST)
        outputs.append(tmp_path / name)
    assert stats["positive_lines"] > len(positives)  # documents and their 150-word windows
    assert outputs[0].read_bytes() == outputs[1].read_bytes()
    scores = MathModel(str(outputs[0])).scores(probe)
    assert scores == MathModel(str(outputs[1])).scores(probe)
    assert len(set(scores)) > 1


def test_training_reads_math_lines(tmp_path):
    """train() feeds fastText math_line text: a model trained on `\\(x\\)` knows `$x$`'s tokens."""
    positives = ["we have \\(\\alpha^2 + \\beta^2\\) and \\[\\sum_k x_k\\]"] * 20
    negatives = ["the minister said on monday that the budget would pass"] * 20
    path = tmp_path / "tiny.bin"
    train(positives, negatives, str(path), Hyperparameters(epoch=20, dim=8, bucket=1000))
    model = MathModel(str(path))
    assert "\\alpha" in model.model.get_words() and "$" in model.model.get_words()
    assert model.score("so $\\alpha^2$ holds") > 0.5 > model.score("the budget said monday")


def test_build_default_rebuilds_the_shipped_model_byte_for_byte(tmp_path):
    output = tmp_path / "math-web.ftz"  # ~11 s: the whole training split, 10 epochs and the quantization
    stats = math_classifier.build_default(str(output))
    assert stats["lines"] > 10_000
    assert output.read_bytes() == (math_classifier.MODELS_DIR / math_classifier.DEFAULT_MODEL).read_bytes()


def test_build_default_uses_the_shipped_split_and_settings(monkeypatch, tmp_path):
    calls = {}

    def fake_train(positives, negatives, output, params):
        calls.update(positives=positives, negatives=negatives, output=output, params=params)
        return {"lines": 0, "positive_lines": 0, "bytes": 0}

    monkeypatch.setattr(math_classifier, "train", fake_train)
    math_classifier.build_default(str(tmp_path / "m.ftz"))
    assert len(calls["positives"]) == 500 and len(calls["negatives"]) == 1137
    assert calls["params"] == math_classifier.DEFAULT_MODEL_HYPERPARAMETERS
    assert calls["output"] == str(tmp_path / "m.ftz")


def test_shipped_model_is_small_and_quantized():
    path = math_classifier.MODELS_DIR / math_classifier.DEFAULT_MODEL
    assert path.suffix == ".ftz" and path.stat().st_size < 2_000_000


# ---------------------------------------------------------------- command line


def _write_jsonl_gz(path, texts):
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for i, text in enumerate(texts):
            handle.write(json.dumps({"id": str(i), "text": text}) + "\n")


def test_cli_train_then_evaluate(tmp_path, training_slice, capsys):
    positives, negatives = training_slice
    _write_jsonl_gz(tmp_path / "math.jsonl.gz", positives)
    _write_jsonl_gz(tmp_path / "other.jsonl.gz", negatives)
    model = tmp_path / "model.ftz"
    assert math_classifier.main(["train", "--positive", str(tmp_path / "math.jsonl.gz"), "--negative",
                                 str(tmp_path / "other.jsonl.gz"), "--output", str(model), "--epoch", "5",
                                 "--dim", "8", "--bucket", "20000", "--cutoff", "5000", "--window-words", "150"]) == 0
    assert model.is_file() and "wrote" in capsys.readouterr().out
    assert set(MathModel(str(model)).model.get_labels()) == {f"__label__{POSITIVE_LABEL}", f"__label__{NEGATIVE_LABEL}"}
    assert math_classifier.main(["evaluate", "--model", str(model), "--positive", str(tmp_path / "math.jsonl.gz"),
                                 "--negative", str(tmp_path / "other.jsonl.gz"), "--thresholds", "0.3,0.5"]) == 0
    out = capsys.readouterr().out
    assert f"{len(positives)} positives, {len(negatives)} negatives; ROC AUC" in out
    assert "kept pos" in out and "     0.30 " in out and "precision and recall of math" in out


def test_cli_evaluate_defaults_to_the_shipped_model_and_held_back_data(capsys):
    assert math_classifier.main(["evaluate"]) == 0
    out = capsys.readouterr().out
    assert "math-web.ftz" in out and "77 positives, 227 negatives" in out


def test_cli_rejects_a_model_without_the_math_label(tmp_path):
    path = tmp_path / "hq.bin"
    from classifiers import quality

    quality.train(["good article text here"] * 5, ["lol menu"] * 5, str(path), Hyperparameters(epoch=1, dim=4,
                                                                                               bucket=100))
    with pytest.raises(ValueError, match="no label 'math'"):
        MathModel(str(path))
    assert dclm_line("a\nb") == "a b"
