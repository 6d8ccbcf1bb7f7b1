"""Stage `quality`: Gopher quality and repetition rules on real Common Crawl text."""
import pytest

from transforms.document import Document
from transforms.quality import (
    Quality,
    QualityParams,
    duplicate_stats,
    duplicated_ngram_chars,
    gopher_quality,
    gopher_repetition,
    top_ngram_chars,
)

P = QualityParams()


def _long_clean(cc_documents):
    """Real CC documents long enough for the word-count rule."""
    return [row["text"] for row in cc_documents if len(row["text"].split()) >= 80]


def test_most_real_cc_documents_pass(cc_documents):
    texts = _long_clean(cc_documents)
    assert len(texts) >= 10
    verdicts = [gopher_quality(t, P, "en")[0] or gopher_repetition(t, P, "en")[0] for t in texts]
    # CCNet's head bucket is already the cleanest third of Common Crawl: nearly all of it passes.
    assert sum(v is None for v in verdicts) >= 0.8 * len(texts), verdicts


def test_short_text_is_rejected_for_too_few_words(cc_documents):
    first_sentence = cc_documents[0]["text"].split(".")[0] + "."
    reason, measured = gopher_quality(first_sentence, P, "en")
    assert reason == "gopher_too_few_words" and measured["words"] < 50


def test_repeated_paragraphs_are_rejected(cc_documents):
    paragraph = next(t for t in _long_clean(cc_documents)).split("\n")[0]
    reason, measured = gopher_repetition("\n\n".join([paragraph] * 5), P, "en")
    assert reason == "gopher_dup_para_frac" and measured["dup_para_frac"] == 0.8


def test_bullet_lists_are_rejected(cc_documents):
    lines = [line for t in _long_clean(cc_documents) for line in t.split("\n") if len(line.split()) > 3][:40]
    bulleted = "\n".join("• " + line for line in lines)
    reason, measured = gopher_quality(bulleted, P, "en")
    assert reason == "gopher_bullet_lines" and measured["bullet_lines_ratio"] == 1.0


def test_stop_word_rule_applies_only_to_english(german_article):
    # German has no "the"/"and": the English stop-word rule would reject every German page.
    german = " ".join(german_article.split()[:300])
    reason_de, measured_de = gopher_quality(german, P, "de")
    assert reason_de is None and "stop_words" not in measured_de
    reason_en, measured_en = gopher_quality(german, P, "en")
    assert measured_en["stop_words"] < 10  # as English it would barely clear the bar


def test_languages_without_spaces_skip_word_rules(extracted_warc_pages):
    from classifiers.langid import LanguageIdentifier

    identify = LanguageIdentifier().identify
    chinese = [d.text for d in extracted_warc_pages if identify(d.text)[0] == "zh"]
    assert chinese
    for text in chinese:
        _, measured_zh = gopher_quality(text, P, "zh")
        assert "words" not in measured_zh and "stop_words" not in measured_zh
    # Read as space-separated words, Chinese pages fail the word rules wholesale.
    assert any(gopher_quality(text, P, None)[0] in ("gopher_too_few_words", "gopher_mean_word_length", "gopher_stop_words")
               for text in chinese)


def test_duplicate_helpers_count_characters():
    assert duplicate_stats(["a b", "c", "a b", "a b"]) == (4, 2, 6)
    words = "the cat sat on the mat the cat sat on the mat".split()
    assert top_ngram_chars(words, 2) == len("the cat") * 2
    # the second "the cat sat on the" repeats the first 5-gram: its 5 words' characters count once
    assert duplicated_ngram_chars(words, 5) == len("thecatsatonthe")
    assert top_ngram_chars("all words differ here".split(), 2) == 0


def test_stage_keeps_measurements_as_scores(cc_documents):
    text = _long_clean(cc_documents)[0]
    doc = Document(id="a", source="cc", kind="public", origin="u", text=text, meta={"language": "en"})
    verdict = Quality().judge(doc)
    assert verdict.kept
    assert verdict.measurements["words"] > 50 and "dup_10gram_char_frac" in verdict.measurements


@pytest.mark.parametrize("field, value", [("min_words", 10_000)])
def test_stage_parameters_change_the_verdict(cc_documents, field, value):
    text = _long_clean(cc_documents)[0]
    doc = Document(id="a", source="cc", kind="public", origin="u", text=text)
    verdict = Quality(QualityParams(**{field: value})).judge(doc)
    assert verdict.reason == "gopher_too_few_words"


def test_hashes_and_ellipses_are_limited_separately():
    from tests.conftest import DATA

    robots = (DATA / "web_text" / "robots_with_comments.txt").read_text()
    # robots.txt paths are long "words": loosen that rule to reach the symbol rules
    reason, measured = gopher_quality(robots, QualityParams(max_mean_word_length=100.0), "en")
    assert reason == "gopher_hash_ratio" and measured["ellipsis_word_ratio"] <= P.max_symbol_word_ratio
    assert measured["hash_word_ratio"] == round(robots.count("#") / len(robots.split()), 4)


def test_punctuation_glued_to_words_does_not_hide_stop_words(cc_documents):
    text = _long_clean(cc_documents)[0]
    glued = " ".join(w + "," for w in text.split())  # every word followed by a comma
    _, plain = gopher_quality(text, P, "en")
    _, with_commas = gopher_quality(glued, P, "en")
    assert with_commas["stop_words"] == plain["stop_words"] > 2
    assert with_commas["mean_word_length"] == plain["mean_word_length"]


def test_min_above_max_is_a_config_error():
    from transforms.params import ConfigError, parse_params

    with pytest.raises(ConfigError, match="quality.min_words: 500 is above max_words"):
        parse_params(QualityParams, {"min_words": 500, "max_words": 100}, "quality")
