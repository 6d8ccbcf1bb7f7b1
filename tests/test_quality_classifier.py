"""The DCLM-style fastText quality classifier (classifiers/quality.py) and its shipped model and data.

Everything read here ships in the repository (classifiers/data/quality/, classifiers/models/):
the held-back fifth of the data was never trained on.
"""
import gzip
import json

import pytest

from classifiers import quality
from classifiers.quality import (
    Hyperparameters, QualityModel, dclm_line, evaluate, read_texts, roc_auc,
    shipped_data, train, word_windows,
)
from classifiers.quality_data import DATA_FILES, is_held_out, read_records

# Small and fast settings for the trainings below (the shipped model's take ~4 s).
FAST = Hyperparameters(epoch=5, lr=0.1, dim=8, bucket=20_000, cutoff=5_000, window_words=150)


@pytest.fixture(scope="module")
def shipped():
    return QualityModel()


@pytest.fixture(scope="module")
def held_back():
    return read_records(shipped_data("heldout", "hq")), read_records(shipped_data("heldout", "cc"))


@pytest.fixture(scope="module")
def training_slice():
    """A deterministic slice of the shipped training split: 30 articles, 20 boilerplate pages, 60 tweets."""
    hq = read_records(shipped_data("train", "hq"))[:30]
    cc = read_records(shipped_data("train", "cc"))
    boilerplate = [r for r in cc if r.kind == "boilerplate"][:20]
    tweets = [r for r in cc if r.kind == "tweet"][:60]
    return [r.text for r in hq], [r.text for r in boilerplate + tweets]


# ---------------------------------------------------------------- the shipped model on held-back data


def test_shipped_model_ranks_held_back_articles_above_boilerplate_and_tweets(shipped, held_back):
    positives, negatives = held_back
    result = evaluate(shipped, [r.text for r in positives], [r.text for r in negatives])
    # measured: AUC 1.000, P 0.941 R 1.000 at 0.5 (16 articles, 28 boilerplate pages, 145 tweets)
    assert result.positives == 16 and result.negatives == 173
    assert result.auc >= 0.98
    assert result.precision >= 0.85 and result.recall >= 0.9


def test_shipped_model_rejects_held_back_tweets_and_menus_at_half(shipped, held_back):
    _, negatives = held_back
    scores = {r.id: s for r, s in zip(negatives, shipped.scores([r.text for r in negatives]))}
    tweets = [s for r in negatives if r.kind == "tweet" for s in [scores[r.id]]]
    assert sum(s >= 0.5 for s in tweets) / len(tweets) <= 0.03  # measured 1 of 145
    aeb_menus = [scores[r.id] for r in negatives if r.source == "aeb"]
    assert max(aeb_menus) < 0.5  # measured max 0.00: the navigation of the benchmark's news pages


def test_held_back_split_is_by_page_and_never_in_training():
    records = {key: read_records(shipped_data(*key)) for key in DATA_FILES}
    train_groups = {r.group for key, rows in records.items() if key[0] == "train" for r in rows}
    held_groups = {r.group for key, rows in records.items() if key[0] == "heldout" for r in rows}
    assert held_groups and not train_groups & held_groups  # an article and its page's menus: same side
    assert all(is_held_out(g) for g in held_groups) and not any(is_held_out(g) for g in train_groups)
    train_texts = {r.text for key, rows in records.items() if key[0] == "train" for r in rows}
    assert not train_texts & {r.text for key, rows in records.items() if key[0] == "heldout" for r in rows}


def test_build_default_rebuilds_the_shipped_model_byte_for_byte(tmp_path):
    output = tmp_path / "quality-web.ftz"
    quality.build_default(str(output))
    shipped_bytes = (quality.MODELS_DIR / quality.DEFAULT_MODEL).read_bytes()
    assert output.read_bytes() == shipped_bytes
    assert len(shipped_bytes) < 2_000_000


# ---------------------------------------------------------------- scoring as DCLM does


def _dclm_hq_prob(fasttext_model, content):
    """DCLM's classify_fasttext_hq_prob, as written in mlfoundations/dclm (k=1, 1 - p when "cc" wins)."""
    text = " ".join(content.strip().splitlines())
    labels, probabilities = fasttext_model.predict(text)
    return probabilities[0] if labels[0] != "__label__cc" else 1 - probabilities[0]


def _clamped(p):
    """QualityModel's one difference: fastText's +1e-5 can take DCLM's value to 1.00001 or -0.00001."""
    return min(max(p, 0.0), 1.0)


def test_multiline_text_is_scored_as_dclm_joins_it(shipped, held_back):
    article = held_back[0][0].text
    assert "\n" in article
    assert shipped.score(article) == pytest.approx(_clamped(_dclm_hq_prob(shipped.model, article)), abs=1e-12)
    assert shipped.score(article) == shipped.score(" ".join(article.strip().splitlines()))
    assert dclm_line("  first line\nsecond\r\nthird\n") == "first line second third"


def test_dclm_rule_for_documents_the_model_calls_low_quality(shipped, held_back):
    tweet = next(r.text for r in held_back[1] if r.kind == "tweet")
    labels, _ = shipped.model.predict(dclm_line(tweet))
    assert labels[0] == "__label__cc"  # so the score is DCLM's 1 - P(cc)
    assert shipped.score(tweet) == pytest.approx(_clamped(_dclm_hq_prob(shipped.model, tweet)), abs=1e-12)


def test_batch_scores_match_single_scores(shipped, held_back):
    texts = [r.text for r in held_back[0][:5] + held_back[1][:20]]
    assert shipped.scores(texts) == pytest.approx([shipped.score(t) for t in texts], abs=1e-6)
    assert shipped.scores([]) == []
    assert 0.0 <= shipped.score("") <= 1.0


# ---------------------------------------------------------------- training


def test_training_is_deterministic(tmp_path, training_slice):
    positives, negatives = training_slice
    probe = positives[:3] + negatives[:3] + negatives[-3:]
    outputs = []
    for name in ("a.ftz", "b.ftz", "c.ftz"):  # three in one process: reused memory must not change the model
        train(positives, negatives, str(tmp_path / name), FAST)
        outputs.append(tmp_path / name)
    predictions = [QualityModel(str(path)).scores(probe) for path in outputs]
    assert predictions[0] == predictions[1] == predictions[2]
    assert outputs[0].read_bytes() == outputs[1].read_bytes() == outputs[2].read_bytes()
    assert len(set(predictions[0])) > 1  # not a constant model


def test_model_with_other_label_names_loads_with_its_label(tmp_path, training_slice):
    positives, negatives = training_slice
    path = tmp_path / "good-bad.bin"
    stats = train(positives, negatives, str(path), FAST, positive_label="good", negative_label="bad")
    assert stats["positive_lines"] > 30  # the documents and their windows
    model = QualityModel(str(path), label="good")
    assert set(model.model.get_labels()) == {"__label__good", "__label__bad"}
    result = evaluate(model, positives[:10], negatives[:30])
    assert result.auc > 0.9  # on training documents: the model learnt which label is which
    with pytest.raises(ValueError, match="no label 'hq'"):
        QualityModel(str(path))


def test_model_with_more_than_two_labels_scores_the_requested_label(tmp_path):
    import fasttext

    lines = ["__label__news the minister said on monday that the budget", "__label__menu home about contact login",
             "__label__chat lol omg see u later"] * 20
    (tmp_path / "three.txt").write_text("\n".join(lines) + "\n")
    with quality.zero_filled_allocations():
        model = fasttext.train_supervised(str(tmp_path / "three.txt"), epoch=20, dim=8, bucket=1000, thread=1, seed=0,
                                          verbose=0)
    model.save_model(str(tmp_path / "three.bin"))
    news = QualityModel(str(tmp_path / "three.bin"), label="news")
    assert news.k == -1 and not news.two_labels
    assert news.score("the minister said") > 0.5 > news.score("home about contact")
    assert sum(QualityModel(str(tmp_path / "three.bin"), label=name).score("lol omg")
               for name in ("news", "menu", "chat")) == pytest.approx(1.0, abs=1e-3)


def test_windows_cover_long_documents_only():
    assert word_windows("one two three", 150) == []
    text = " ".join(f"w{i}" for i in range(400))
    pieces = word_windows(text, 150)
    assert [len(p.split()) for p in pieces] == [150, 150, 100]
    assert word_windows(" ".join(f"w{i}" for i in range(320)), 150) == [
        " ".join(f"w{i}" for i in range(150)), " ".join(f"w{i}" for i in range(150, 300))]  # 20 left: dropped
    lines = quality.training_lines(["a b c"], ["d e"], window_words=150)
    assert sorted(lines) == ["__label__cc d e", "__label__hq a b c"]


def test_balance_repeats_the_smaller_class():
    lines = quality.training_lines(["good one", "good two"], [f"bad {i}" for i in range(7)], balance=True, seed=1)
    assert sum(line.startswith("__label__hq") for line in lines) == 7
    assert sum(line.startswith("__label__cc") for line in lines) == 7
    with pytest.raises(ValueError):
        quality.training_lines([], ["bad"])


# ---------------------------------------------------------------- command line and files


def _write_jsonl_gz(path, texts):
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for text in texts:
            handle.write(json.dumps({"id": str(len(text)), "text": text}) + "\n")


def test_cli_train_then_evaluate(tmp_path, training_slice, capsys):
    positives, negatives = training_slice
    _write_jsonl_gz(tmp_path / "hq.jsonl.gz", positives)
    (tmp_path / "cc.txt").write_text("\n".join(" ".join(t.split()) for t in negatives) + "\n", encoding="utf-8")
    model = tmp_path / "model.ftz"
    assert quality.main(["train", "--positive", str(tmp_path / "hq.jsonl.gz"), "--negative", str(tmp_path / "cc.txt"),
                         "--output", str(model), "--epoch", "5", "--dim", "8", "--bucket", "20000",
                         "--cutoff", "5000", "--window-words", "150"]) == 0
    assert model.is_file() and model.stat().st_size < 1_000_000
    assert "wrote" in capsys.readouterr().out
    assert quality.main(["evaluate", "--model", str(model), "--positive", str(tmp_path / "hq.jsonl.gz"),
                         "--negative", str(tmp_path / "cc.txt"), "--label", "hq", "--thresholds", "0.3,0.5"]) == 0
    out = capsys.readouterr().out
    assert "30 positives, 80 negatives; ROC AUC" in out
    assert "kept hq" in out and "     0.30 " in out and "     0.50 " in out


def test_cli_evaluate_defaults_to_the_shipped_model_and_held_back_data(capsys):
    assert quality.main(["evaluate"]) == 0
    out = capsys.readouterr().out
    assert "quality-web.ftz" in out and "16 positives, 173 negatives" in out


def test_read_texts_formats(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"text": "one\\ntwo"}\n\n{"text": ""}\n{"text": "three"}\n')
    _write_jsonl_gz(tmp_path / "b.jsonl.gz", ["four"])
    (tmp_path / "c.txt").write_text("five\n\nsix\n")
    with gzip.open(tmp_path / "d.txt.gz", "wt") as handle:
        handle.write("seven\n")
    assert read_texts(str(tmp_path / "a.jsonl")) == ["one\ntwo", "three"]
    assert read_texts(str(tmp_path / "b.jsonl.gz")) == ["four"]
    assert read_texts(str(tmp_path / "c.txt")) == ["five", "six"]
    assert read_texts(str(tmp_path / "d.txt.gz")) == ["seven"]
    (tmp_path / "e.csv").write_text("x\n")
    with pytest.raises(ValueError, match="expected .jsonl"):
        read_texts(str(tmp_path / "e.csv"))


def test_roc_auc():
    assert roc_auc([0.9, 0.8], [0.1, 0.2]) == 1.0
    assert roc_auc([0.1], [0.9]) == 0.0
    assert roc_auc([0.5, 0.5], [0.5]) == 0.5  # ties count half
    assert roc_auc([0.9, 0.3], [0.5, 0.1]) == 0.75

