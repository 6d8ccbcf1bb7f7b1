"""Stage `safety`: LDNOOBW word lists per language and the shipped fastText model, on real text.

Real inputs: pages of trafilatura's evaluation set and the AEB benchmark (tests/data/safety/,
extracted by winnow's extract stage), Common Crawl text (tests/data/web_text, pipeline/sample), and
the held-back fifth of the Davidson tweets shipped in classifiers/data (never trained on).
"""
import gzip
import json
import random

import apache_beam as beam
import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.util import assert_that, equal_to

from classifiers.safety import SafetyClassifier, normalize, windows
from classifiers.safety_data import (
    CLEAN_TEST_SHARE, clean_split, davidson_split, is_held_out, read_clean, read_davidson,
)
from tests.conftest import BEAM_TEST_OPTIONS, DATA
from transforms.document import Document
from transforms.params import ConfigError, parse_params
from transforms.safety import Safety, SafetyParams
from transforms.safety_rules.allowlist import DEFAULT_ALLOW
from transforms.safety_rules.inflection import NOT_PROFANE_FORMS, SUFFIX_RULES, inflected_forms
from transforms.safety_rules.matcher import get_matcher
from transforms.safety_rules.profanity import ProfanityRule
from transforms.safety_rules.wordlists import available_languages, list_language, load_wordlist
from transforms.stage import RunStage

C4 = dict(use_default_allow_list=False, profanity_min_per_1000_words=0.0)  # any listed word rejects


@pytest.fixture(scope="module")
def pages():
    """{note keyword: row} of the real pages in tests/data/safety/clean_pages.jsonl.gz."""
    with gzip.open(DATA / "safety" / "clean_pages.jsonl.gz", "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    return {row["id"]: row for row in rows}


def _page(pages, fragment):
    return next(row for key, row in pages.items() if fragment in key)


@pytest.fixture(scope="module")
def langid():
    from transforms.langid import LanguageId

    stage = LanguageId()
    stage.setup()
    return stage


def _doc(text, language=None, doc_id="d"):
    meta = {"language": language} if language else {}
    return Document(id=doc_id, source="web", kind="web", origin=doc_id, text=text, meta=meta)


def _flow(langid, row):
    """The page as the safety stage sees it in a run: after langid, which sets meta.language."""
    verdict = langid.judge(_doc(row["text"], doc_id=row["id"]))
    assert verdict.kept
    return verdict.document


@pytest.fixture(scope="module")
def stage():
    s = Safety()
    s.setup()
    return s


def _stage(**overrides):
    s = Safety(SafetyParams(**overrides))
    s.setup()
    return s


@pytest.fixture(scope="module")
def held_out_tweets():
    return davidson_split(read_davidson(), test=True)


# ---------------------------------------------------------------- languages


def test_german_page_is_read_with_the_german_list(langid, stage, pages):
    # "Reto schleicht um das dick glasierte Gebäck": German "dick" is "thick"
    doc = _flow(langid, _page(pages, "tageswoche.ch"))
    assert doc.meta["language"] == "de"
    verdict = stage.judge(doc)
    assert verdict.kept and verdict.measurements["profanity_list"] == "de"
    assert verdict.measurements["profanity_hits"] == 0
    _, as_english = ProfanityRule().check(doc.text, "en")
    assert as_english["profanity_words"] == {"dick": 1}


def test_english_only_word_does_not_reject_a_german_page(langid, stage, pages):
    # a cat blanket "mit Namen und Main Coon": three hits of an English slur if read as English
    doc = _flow(langid, _page(pages, "uniqz.de"))
    assert doc.meta["language"] == "de" and stage.judge(doc).kept
    as_english = stage.judge(doc.with_meta(language="en"))
    assert as_english.reason == "profanity" and as_english.measurements["profanity_words"] == {"coon": 3}


def test_german_list_finds_german_words_and_density_keeps_a_quote(langid, stage, pages):
    # a business magazine quoting an insult ("sich selbst zu ficken") once in ~2,500 words
    doc = _flow(langid, _page(pages, "brandeins.de"))
    verdict = stage.judge(doc)
    assert verdict.kept and verdict.measurements["profanity_words"] == {"ficken": 1}
    assert verdict.measurements["profanity_per_1000_words"] < SafetyParams().profanity_min_per_1000_words
    c4 = _stage(**C4).judge(doc)  # C4's rule would drop the article
    assert c4.reason == "profanity" and c4.measurements["profanity_list"] == "de"


def test_german_birds_are_not_obscene(langid, pages):
    # "zu den größten, flugfähigen Vögeln der Welt": casefolded, the dative plural of Vogel is a list verb
    doc = _flow(langid, _page(pages, "lbv.de"))
    assert ProfanityRule().check(doc.text, "de")[1]["profanity_hits"] == 0
    assert ProfanityRule(use_default_allow_list=False).check(doc.text, "de")[1]["profanity_words"] == {"vögeln": 1}


def test_language_codes_map_to_lists():
    assert len(available_languages()) == 28
    assert list_language(None) == list_language("und") == "en"  # unknown: English, as C4
    assert list_language("de") == "de" and list_language("pt-BR") == "pt" and list_language("tl") == "fil"
    # a language without a list gets no word check: English's "semen" is Indonesian for cement
    assert list_language("id") is None
    assert ProfanityRule().check("Harga semen naik lagi minggu ini.", "id") == (False, {"profanity_list": None})


# ---------------------------------------------------------------- words, not substrings


def test_clean_pages_with_innocent_substrings_pass(langid, stage, pages):
    for fragment, innocent in (("dailymail.co.uk", "scunthorpe"), ("luxuryhaven.co", "cocktails"),
                               ("c7e39ac49fa1", "assessment")):
        doc = _flow(langid, _page(pages, fragment))
        assert innocent in doc.text.lower()
        verdict = stage.judge(doc)
        assert verdict.kept, (fragment, verdict.reason, verdict.measurements)
        assert verdict.measurements["unsafe_score"] < SafetyParams().model_threshold
        hits, _ = get_matcher("en", frozenset()).find(doc.text)
        assert not any(word in innocent for word in hits), hits  # no "cunt", "cock", "ass" inside


def test_allow_list_keeps_news_about_a_rape_allegation(langid, stage, pages):
    doc = _flow(langid, _page(pages, "c7e39ac49fa1"))
    assert stage.judge(doc).kept
    c4 = _stage(**C4).judge(doc)
    assert c4.reason == "profanity" and set(c4.measurements["profanity_words"]) >= {"rape", "sexual"}


def test_technical_placeholders_are_not_porn(langid, stage, pages):
    # stunnel how-to: "ssyncd : xxx.xxx.xxx.xxx" and "Where xxx.xxx.xxx.xxx is the IP"
    doc = _flow(langid, _page(pages, "netbits.us"))
    assert stage.judge(doc).kept
    c4 = _stage(**C4).judge(doc)
    assert c4.reason == "profanity" and set(c4.measurements["profanity_words"]) == {"xxx"}


def test_inflection_phrases_case_and_symbols():
    matcher = get_matcher("en", DEFAULT_ALLOW["en"])
    hits, words = matcher.find("SLUTS and whores, he FUCKED up; bull-shit! a blow jobs ad, s&m, 🖕")
    assert dict(hits) == {"slut": 1, "whore": 1, "fuck": 1, "shit": 1, "blow job": 1, "s&m": 1, "🖕": 1}
    assert words == 14  # "bull-shit" and "s&m" are two tokens each
    assert "butter" not in inflected_forms("butt", "en") and "scatter" not in inflected_forms("scat", "en")
    assert {"shitting", "shits"} <= inflected_forms("shit", "en")
    assert {"gefickt", "fickt"} <= inflected_forms("ficken", "de")
    assert inflected_forms("kurwa", "pl") == {"kurwa"}  # no suffix table where inflection is not suffixes


def test_not_profane_forms_are_really_generated():
    """The exclusions only mean something for forms the suffix tables produce: keep them honest."""
    for language, excluded in NOT_PROFANE_FORMS.items():
        generated = set().union(*(SUFFIX_RULES[language](e.casefold()) for e in load_wordlist(language) if " " not in e))
        assert excluded <= generated, excluded - generated


def test_every_list_entry_is_found_in_its_own_language():
    """Unicode in 28 lists (Devanagari marks, Thai, katakana, Cyrillic, phrases): each entry is found."""
    for code in available_languages():
        matcher = get_matcher(code, frozenset())
        for entry in load_wordlist(code):
            if code in ("zh", "ja", "th") and len(entry) < 2:
                continue  # single characters are skipped on purpose in substring languages
            hits, _ = matcher.find(f"« {entry} »")
            assert sum(hits.values()) >= 1, (code, entry)


# ---------------------------------------------------------------- tweets and clean text


def test_held_out_offensive_tweets_are_rejected_naming_rule_and_words(stage, held_out_tweets):
    offensive = [t for t in held_out_tweets if t.detail in ("offensive", "hate")][:300]
    verdicts = [stage.judge(_doc(t.text, doc_id=t.id)) for t in offensive]
    rejected = [v for v in verdicts if not v.kept]
    assert len(rejected) >= 0.9 * len(offensive)
    assert {v.reason for v in rejected} == {"profanity", "unsafe_model"}
    for tweet, verdict in zip(offensive, verdicts):
        if verdict.reason == "profanity":
            words = verdict.measurements["profanity_words"]
            assert words and all(w.split()[0][:4] in tweet.text.lower() for w in words), (tweet.text, words)
        elif verdict.reason == "unsafe_model":
            assert verdict.measurements["unsafe_score"] >= SafetyParams().model_threshold


def test_held_out_tweets_f1(stage, held_out_tweets):
    """The issue's bar on a fixed sample of 1,000 held-back tweets (perf/safety_eval.py has them all)."""
    sample = random.Random(5).sample(held_out_tweets, 1000)
    truth = [t.label == "unsafe" for t in sample]
    predicted = [not stage.judge(_doc(t.text, doc_id=t.id)).kept for t in sample]
    tp = sum(t and p for t, p in zip(truth, predicted))
    precision, recall = tp / sum(predicted), tp / sum(truth)
    assert 2 * precision * recall / (precision + recall) >= 0.9


def test_clean_common_crawl_text_passes(langid, stage, cc_documents):
    held_out = [row for row in cc_documents if is_held_out(row["id"], CLEAN_TEST_SHARE)]
    assert len(held_out) >= 8
    for row in held_out:
        verdict = stage.judge(_flow(langid, {"id": row["id"], "text": row["text"]}))
        assert verdict.kept, (row["id"], verdict.reason, verdict.measurements)


def test_informal_forum_listing_passes_at_the_calibrated_threshold(langid):
    """archive.org's forum index ("Re: Woulda Coulda Shoulda | micah6vs8 | GratefulDead") in the bundled
    sample: the highest-scoring clean English page there, what model_threshold 0.7 was set above."""
    from tests.conftest import SAMPLE
    from transforms.extract import Extract
    from transforms.ingest.readers import FileContext, read_warc

    path = SAMPLE / "web" / "iawebcommons_IAH-urls-wget.warc.gz"
    with open(path, "rb") as handle:
        docs = [d for d in read_warc(handle, FileContext("web", "web", str(path), path.name))
                if isinstance(d, Document) and d.origin == "https://archive.org/"]
    extract = Extract()
    extract.setup()
    page = langid.judge(extract.judge(docs[0]).document).document
    assert page.meta["language"] == "en" and "Coulda" in page.text
    verdict = _stage().judge(page)
    assert verdict.kept and 0.5 <= verdict.measurements["unsafe_score"] < SafetyParams().model_threshold


def test_held_out_splits_never_meet_the_training_data():
    from classifiers.safety import training_lines

    tweets = read_davidson()
    test_ids = {t.id for t in davidson_split(tweets, test=True)}
    assert 0.17 < len(test_ids) / len(tweets) < 0.23
    lines = set(training_lines())
    # Davidson repeats tweets under different ids (retweets): training skips the held-back texts
    assert not any(f"__label__{t.label} {normalize(t.text)}" in lines for t in tweets if t.id in test_ids)
    clean_test = clean_split(read_clean(), test=True)
    for doc in clean_test[:10]:
        assert not any(f"__label__safe {w}" in lines for w in windows(doc.text) if len(w.split()) > 12)


# ---------------------------------------------------------------- the models


def test_shipped_model_loads_and_scores(held_out_tweets, cc_documents):
    classifier = SafetyClassifier()
    assert sorted(classifier.model.get_labels()) == ["__label__safe", "__label__unsafe"]
    offensive = next(t for t in held_out_tweets if t.detail == "offensive" and "bitch" in t.text)
    assert classifier.score(offensive.text)["score"] > 0.9
    result = classifier.score(cc_documents[0]["text"])
    assert result["score"] < 0.2 and result["windows"] > 1 and result["max_window"] >= result["score"]


def test_user_supplied_model_and_label(tmp_path, held_out_tweets):
    import fasttext

    # a tiny model with its own label names, trained here from the shipped data in a second or two
    tweets = davidson_split(read_davidson(), test=False)[:4000]
    clean = [w for doc in clean_split(read_clean(), test=False)[:20] for w in windows(doc.text)]
    lines = [f"__label__{'toxic' if t.label == 'unsafe' else 'fine'} {normalize(t.text)}" for t in tweets if normalize(t.text)]
    lines += [f"__label__fine {w}" for w in clean]
    random.Random(0).shuffle(lines)
    train_file = tmp_path / "train.txt"
    train_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # fasttext-numpy2 0.10 raises "Encountered NaN" on this data with a small n-gram table
    # (bucket=20000, or wordNgrams=1 which empties it): keep the default table, quantize it small
    model = fasttext.train_supervised(input=str(train_file), dim=8, epoch=5, wordNgrams=2, thread=1, seed=0, verbose=0)
    model.quantize(input=str(train_file), qnorm=True, cutoff=5000, thread=1, verbose=0)
    path = tmp_path / "user-safety.ftz"
    model.save_model(str(path))

    user = _stage(profanity=False, model_path=str(path), model_label="toxic")
    offensive = [t for t in held_out_tweets if t.detail == "offensive"][:100]
    verdicts = [user.judge(_doc(t.text)) for t in offensive]
    assert sum(v.reason == "unsafe_model" for v in verdicts) >= 70
    assert all("unsafe_score" in v.measurements for v in verdicts)
    with pytest.raises(ValueError, match="no label 'unsafe'.*fine, toxic|no label 'unsafe'.*toxic, fine"):
        _stage(model_path=str(path))  # the default label name is not in this model


def test_model_judges_english_and_unknown_languages_only(langid, stage, pages):
    german = _flow(langid, _page(pages, "lbv.de"))
    assert "unsafe_score" not in stage.judge(german).measurements
    assert "unsafe_score" in stage.judge(_doc(german.text)).measurements  # no language: read as English
    assert "unsafe_score" in _stage(model_languages=None).judge(german).measurements


# ---------------------------------------------------------------- configuration and Beam


def test_parameters_parse_and_reject_a_stage_that_does_nothing():
    params = parse_params(SafetyParams, {"model_threshold": 0.8, "allow_words": ["dick"], "model_languages": None}, "safety")
    assert params.model_threshold == 0.8 and params.allow_words == ("dick",) and params.model_languages is None
    with pytest.raises(ConfigError, match="safety.model_threshold"):
        parse_params(SafetyParams, {"model_threshold": 1.5}, "safety")
    with pytest.raises(ConfigError, match="both off"):
        parse_params(SafetyParams, {"profanity": False, "model": False}, "safety")


def test_allow_words_parameter(langid, pages):
    doc = _flow(langid, _page(pages, "uniqz.de")).with_meta(language="en")
    assert _stage(allow_words=("coon",)).judge(doc).kept


def test_runs_in_beam_with_scores_and_reasons(held_out_tweets, cc_documents):
    tweet = next(t for t in held_out_tweets if t.detail == "offensive" and "bitch" in t.text.lower())
    clean = next(row for row in cc_documents if is_held_out(row["id"], CLEAN_TEST_SHARE))
    docs = [_doc(tweet.text, doc_id="tweet"), _doc(clean["text"], "en", doc_id="clean")]
    with beam.Pipeline(options=PipelineOptions(BEAM_TEST_OPTIONS)) as p:
        out = p | beam.Create(docs) | RunStage(Safety())
        assert_that(out.kept | beam.Map(lambda d: (d.id, sorted(d.scores["safety"]))),
                    equal_to([("clean", ["profanity_hits", "profanity_list", "profanity_per_1000_words",
                                         "unsafe_max_window", "unsafe_score", "unsafe_windows"])]), label="kept")
        assert_that(out.rejected | beam.Map(lambda r: (r["id"], r["stage"], r["reason"], any("bitch" in w for w in r["measurements"]["profanity_words"]))),
                    equal_to([("tweet", "safety", "profanity", True)]), label="rejected")
