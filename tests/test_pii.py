"""Stage `pii` and its pure logic, on real inputs: Presidio's synthetic PII sentences, NeMo-Curator's
PII fixtures, secret-scanner fixtures, real Common Crawl text and real code files (tests/data/pii/,
see tests/data/SOURCES.md)."""
import gzip
import json
import random
import socket

import apache_beam as beam
import pytest
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.util import assert_that, equal_to

from tests.conftest import BEAM_TEST_OPTIONS, DATA, SAMPLE, read_jsonl_gz
from transforms.document import Document
from transforms.params import ConfigError, parse_params
from transforms.pii import Pii, PiiParams
from transforms.pii_detection.cards import card_number_check, luhn_valid
from transforms.pii_detection.context import supporting_word, words_after, words_before
from transforms.pii_detection.entities import PII_ENTITIES
from transforms.pii_detection.labelled import parse_tagged_line
from transforms.pii_detection.phones import phone_shape_check
from transforms.pii_detection.prefilter import PII_TRIGGERS, candidate_windows, compile_triggers, safe_cuts
from transforms.pii_detection.spans import Span, redact, resolve_overlaps, spans_per_1000_chars
from transforms.stage import RunStage

PII_DATA = DATA / "pii"


# ---------------------------------------------------------------- data and shared engines


def presidio_records():
    """Presidio-research's synthetic sentences (the ones holding our types, and its small set)."""
    records = []
    for name in ("synth_dataset_v2_pii_subset.json.gz", "generated_small.json.gz"):
        records += json.loads(gzip.decompress((PII_DATA / "presidio" / name).read_bytes()))
    return records


def gold_spans(record):
    return {(s["entity_type"], s["start_position"], s["end_position"]) for s in record["spans"]
            if s["entity_type"] in PII_ENTITIES}


def overlaps(a, b):
    """Two (type, start, end) spans of the same type sharing a character."""
    return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]


def nemo_lines(name):
    """(text without tags, gold spans of our types) per line of a NeMo-Curator fixture file."""
    return [parse_tagged_line(line) for line in (PII_DATA / "nemo_curator" / name).read_text().splitlines()]


def code_files():
    return [row["content"] for row in read_jsonl_gz(SAMPLE / "code" / "repo_files.jsonl.gz")]


def doc(text, kind="web", source="web"):
    return Document(id=str(abs(hash(text))), source=source, kind=kind, origin="test", text=text)


@pytest.fixture(scope="module")
def stage():
    """One stage (one presidio engine) for the module: building it is the slow part."""
    pii = Pii()
    pii.setup()
    return pii


@pytest.fixture(scope="module")
def detectors(stage):
    """Detectors sharing the stage's engine: prefilter off (the reference), documents only, windows."""
    from transforms.pii_detection.analyzer import PiiDetector

    analyzer = stage._detector.analyzer
    return {"whole": PiiDetector(prefilter=False, analyzer=analyzer),
            "documents": PiiDetector(prefilter=True, windows=False, analyzer=analyzer),
            "windows": PiiDetector(prefilter=True, windows=True, analyzer=analyzer)}


@pytest.fixture(scope="module")
def mixed_corpus(cc_documents):
    """Real texts of every kind, plus long documents mixing CC pages with PII sentences."""
    sentences = [r["full_text"] for r in presidio_records()]
    texts = [("web", row["text"]) for row in cc_documents] + [("web", s) for s in sentences]
    texts += [("web", text) for name in ("emails.txt", "phone_numbers.txt", "card_no.txt", "multiple.txt")
              for text, _ in nemo_lines(name)]
    texts += [("code", text) for text in code_files()]
    rng = random.Random(7)
    pages = [row["text"] for row in cc_documents]
    for _ in range(25):
        parts = rng.sample(sentences, 12) + [rng.choice(pages)[:2500]]
        rng.shuffle(parts)
        texts.append(("web", rng.choice([" ", "\n", "\n\n", "\t"]).join(parts)))
    return texts


# ---------------------------------------------------------------- detection quality and exact offsets


def test_presidio_sentences_found_with_exact_offsets(stage):
    tp = fp = fn = 0
    for record in presidio_records():
        original = record["full_text"]
        verdict = stage.judge(doc(original))
        assert verdict.kept
        found = {(s["type"], s["start"], s["end"]) for s in verdict.document.meta.get("pii", [])}
        gold = gold_spans(record)
        for _, start, end in found:
            # The offsets are into the text before replacement: they cut out exactly the value.
            value = original[start:end]
            assert value and value == value.strip(), (value, original)
        # Putting the cut-out values back into the placeholders gives the original text.
        spans = sorted(found, key=lambda s: s[1])
        assert redact(original, [Span(t, s, e, 1.0) for t, s, e in spans]) == verdict.document.text
        tp += sum(1 for g in gold if any(overlaps(g, f) for f in found))
        fn += sum(1 for g in gold if not any(overlaps(g, f) for f in found))
        fp += sum(1 for f in found if not any(overlaps(f, g) for g in gold))
        # Every value we find that the dataset labels has the dataset's exact span and value.
        assert {f for f in found if any(overlaps(f, g) for g in gold)} <= gold, (original, found, gold)
        values = {(s["entity_type"], s["start_position"], s["end_position"]): s["entity_value"] for s in record["spans"]}
        for span in found & gold:
            assert original[span[1]:span[2]] == values[span]
    assert tp / (tp + fn) >= 0.95 and tp / (tp + fp) >= 0.95, (tp, fp, fn)


def test_nemo_curator_fixtures_exact(detectors):
    detect = detectors["windows"].detect
    for name in ("emails.txt", "phone_numbers.txt", "ssn.txt", "card_no.txt", "ip_address.txt", "multiple.txt"):
        for text, gold in nemo_lines(name):
            found = {(s.type, s.start, s.end) for s in detect(text).spans}
            if text == "2312322334":
                # A bare 10-digit run on its own line: in code and tables such runs are ids and sizes,
                # so a phone word must be near. With one, it is found.
                assert not found
                assert [s.type for s in detect("Phone: " + text).spans] == ["PHONE_NUMBER"]
                continue
            assert found == gold, (name, text, found, gold)


def test_addresses_names_and_dates_are_left_alone(detectors):
    # Street numbers and ZIP codes are digit groups, but not phone numbers or card numbers.
    for name in ("address.txt", "names.txt", "birthdates.txt"):
        for text, _ in nemo_lines(name):
            assert detectors["windows"].detect(text).spans == [], text


# ---------------------------------------------------------------- secrets in code


def test_code_secrets_are_replaced(stage):
    source = (PII_DATA / "secrets" / "detect_secrets_each_secret.py").read_text()
    verdict = stage.judge(doc(source, kind="code", source="code"))
    out = verdict.document.text
    assert "aws_access_key = '<AWS_ACCESS_KEY_ID>'" in out and "AKIAIOSFODNN7EXAMPLE" not in out
    assert "basic_auth = 'http://username:<URL_PASSWORD>@example.com'" in out
    assert "aws_secret_access_key = '<API_KEY>'" in out and "hex_secret = '<API_KEY>'" in out
    assert "red_herring = 'DEADBEEF'" in out  # short and not assigned to a key name: not a secret
    import ast

    ast.parse(source)
    ast.parse(out)  # placeholders sit inside the string literals: the file still parses
    for record in verdict.document.meta["pii"]:
        assert source[record["start"]:record["end"]] not in out
    for name in ("pyjwt_testkey_ec.priv", "detect_secrets_private_key"):
        key_file = (PII_DATA / "secrets" / name).read_text()
        verdict = stage.judge(doc(key_file, kind="code", source="code"))
        assert verdict.document.text == "<PRIVATE_KEY>\n"
        assert verdict.document.meta["pii"] == [{"type": "PRIVATE_KEY", "start": 0, "end": len(key_file) - 1}]


def test_secret_patterns_only_in_code_and_templates_left_alone(stage):
    source = (PII_DATA / "secrets" / "detect_secrets_each_secret.py").read_text()
    assert "AKIAIOSFODNN7EXAMPLE" in stage.judge(doc(source, kind="web")).document.text
    templated = 'DATABASE_URL = "postgres://app:${DB_PASSWORD}@db:5432/app"\nAPI_KEY = "YOUR_API_KEY_HERE"\n'
    assert stage.judge(doc(templated, kind="code")).document.text == templated


def test_real_code_keeps_its_code(detectors):
    # On real repositories only author emails and one test URL's password are found: no phone
    # numbers in SVG paths or ids, no "secrets" in ordinary assignments.
    found = {s.type for text in code_files() for s in detectors["windows"].detect(text, code=True).spans}
    assert found <= {"EMAIL_ADDRESS", "URL_PASSWORD"}


# ---------------------------------------------------------------- pre-filter: exact, and what it skips


def test_clean_document_passes_untouched_without_presidio(stage, cc_documents, monkeypatch):
    calls = []
    analyzer = stage._detector.analyzer
    original_analyze = analyzer.analyze
    monkeypatch.setattr(analyzer, "analyze", lambda *a, **k: calls.append(1) or original_analyze(*a, **k))
    triggers = compile_triggers(PII_ENTITIES)
    clean = [row["text"] for row in cc_documents if not any(t.search(row["text"]) for t in triggers)]
    assert len(clean) >= 3  # real CC pages with no candidate character at all
    for text in clean:
        page = doc(text)
        verdict = stage.judge(page)
        assert verdict.document is page and verdict.measurements["scanned_chars"] == 0
    assert calls == []
    # A page with candidates (dates, prices) but no PII reaches presidio and still comes out untouched.
    with_numbers = next(row["text"] for row in cc_documents if row["text"] not in clean
                        and not stage.judge(doc(row["text"])).measurements["spans"])
    page = doc(with_numbers)
    assert stage.judge(page).document is page and calls


def test_windows_give_the_same_spans_as_the_whole_text(detectors, mixed_corpus):
    scanned = total = 0
    for kind, text in mixed_corpus:
        whole = detectors["whole"].detect(text, code=kind == "code")
        assert detectors["documents"].detect(text, code=kind == "code").spans == whole.spans
        windowed = detectors["windows"].detect(text, code=kind == "code")
        assert windowed.spans == whole.spans, text[:200]
        scanned += windowed.scanned_chars
        total += len(text)
    assert scanned < 0.8 * total


def test_windows_exact_on_adversarial_token_soup(detectors):
    # Values, their pieces, extension words, IBAN-like letter groups and separators glued at random:
    # the cases where a wrong cut point would split or merge a match.
    pieces = ["call", "Tel:", "office", "fax", "ext", "x", "xx", "int", "extension", "IBAN", "GB82", "WEST",
              "ABCDE", "abc", "a", "card", "SSN", "number", "电话：", "to", "(", ")", "+", "/", ".", ":", "::", "@",
              "john@example.com", "10.0.0.1", "fe80::1", "4929-3813-3266-4295", "853-37-1694", "853371694",
              "GB82 WEST 1234 5698 7654 32", "+44 20 7946 0958", "(212) 555-0100", "0490 75 40 81", "2021-05-12"]
    rng = random.Random(11)
    for _ in range(100):
        parts = []
        for _ in range(rng.randint(5, 60)):
            roll = rng.random()
            parts.append(rng.choice(pieces) if roll < 0.5 else
                         "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 6))) if roll < 0.8 else
                         "".join(rng.choice("abcdefxABCDEFX") for _ in range(rng.randint(1, 9))))
            parts.append(rng.choice([" ", " ", "", "\n", "  ", "\t", "\u00a0"]))
        text = "".join(parts)
        code = rng.random() < 0.2
        assert detectors["windows"].detect(text, code).spans == detectors["whole"].detect(text, code).spans, text


def test_every_match_contains_its_trigger(detectors, mixed_corpus):
    # The pre-filter is exact only if each recognizer's matches contain its entity's trigger.
    triggers = {entity: compile_triggers([entity])[0] for entity in PII_TRIGGERS}
    seen = set()
    for _, text in mixed_corpus:
        for span in detectors["whole"].detect(text).spans:
            assert triggers[span.type].search(text[span.start:span.end]), (span, text[span.start:span.end])
            seen.add(span.type)
    assert seen == set(PII_ENTITIES)


def test_safe_cuts_never_split_grouped_values():
    text = "Transfer to GB82 WEST 1234 5698 7654 32 today, call 555 0100 ext 12 now"
    cuts = safe_cuts(text)
    iban = (text.index("GB82"), text.index(" today"))
    phone = (text.index("555"), text.index(" now"))
    for start, end in (iban, phone):
        assert not any(start < c < end for c in cuts), (text[start:end], cuts)
    # After "to" (2 letters) is a cut; after "Transfer", "WEST", "call" (lengths 8, 4, 4) is not.
    assert cuts == [0, text.index("GB82"), len(text)]
    windows = candidate_windows(text, compile_triggers(PII_ENTITIES))
    assert all(any(s <= start and end <= e for s, e in windows) for start, end in (iban, phone))


# ---------------------------------------------------------------- density and the stage contract


def dense_contact_list():
    lines = [text for name in ("emails.txt", "phone_numbers.txt", "card_no.txt", "ssn.txt")
             for text, _ in nemo_lines(name)]
    return "\n".join(lines)


def test_too_dense_is_rejected_with_counts(stage):
    verdict = stage.judge(doc(dense_contact_list()))
    assert verdict.reason == "too_dense"
    m = verdict.measurements
    assert m["spans"] == m["EMAIL_ADDRESS"] + m["PHONE_NUMBER"] + m["CREDIT_CARD"] + m["US_SSN"]
    assert m["spans_per_1000_chars"] > PiiParams().max_spans_per_1000_chars


def test_stage_in_beam_counts_too_dense(cc_documents):
    docs = [doc(dense_contact_list(), source="cc"), doc(cc_documents[0]["text"], source="cc"),
            doc("Write to john.doe@example.com for details about the meeting on Monday.", source="cc")]
    pipeline = beam.Pipeline(options=PipelineOptions(BEAM_TEST_OPTIONS))
    out = pipeline | beam.Create(docs) | RunStage(Pii())
    assert_that(out.kept | beam.Map(lambda d: d.text), equal_to(
        [cc_documents[0]["text"], "Write to <EMAIL_ADDRESS> for details about the meeting on Monday."]))
    result = pipeline.run()
    result.wait_until_finish()
    counters = {c.key.metric.name: c.committed for c in result.metrics().query(MetricsFilter())["counters"]
                if c.key.metric.namespace == "winnow/pii/cc"}
    assert counters == {"in": 3, "kept": 2, "rejected:too_dense": 1}


def test_stage_works_without_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    with pytest.raises(OSError):
        socket.create_connection(("publicsuffix.org", 443))
    fresh = Pii()
    fresh.setup()  # a new engine and a new suffix-list extractor, built with the network refused
    verdict = fresh.judge(doc("Mail anna.berg@uni-heidelberg.de or anna@example.co.uk today."))
    assert verdict.document.text == "Mail <EMAIL_ADDRESS> or <EMAIL_ADDRESS> today."


def test_params_choose_entities_and_reject_unknown_ones():
    params = parse_params(PiiParams, {"entities": ["EMAIL_ADDRESS"], "max_spans_per_1000_chars": 2}, "stages.pii")
    only_email = Pii(params)
    only_email.setup()
    out = only_email.judge(doc("Mail a.b@example.org or call +44 20 7946 0958.")).document.text
    assert out == "Mail <EMAIL_ADDRESS> or call +44 20 7946 0958."
    with pytest.raises(ConfigError, match="PASSPORT"):
        parse_params(PiiParams, {"entities": ["PASSPORT"]}, "stages.pii")


# ---------------------------------------------------------------- pure helpers


def test_overlaps_resolve_by_score_then_length_whatever_the_order():
    spans = [Span("PHONE_NUMBER", 10, 26, 0.4), Span("CREDIT_CARD", 10, 29, 1.0),
             Span("US_SSN", 30, 41, 0.5), Span("PHONE_NUMBER", 30, 44, 0.5), Span("EMAIL_ADDRESS", 50, 60, 1.0)]
    expected = [Span("CREDIT_CARD", 10, 29, 1.0), Span("PHONE_NUMBER", 30, 44, 0.5), Span("EMAIL_ADDRESS", 50, 60, 1.0)]
    for seed in range(5):
        shuffled = spans[:]
        random.Random(seed).shuffle(shuffled)
        assert resolve_overlaps(shuffled) == expected
    text = "x" * 70
    assert redact(text, expected) == "x" * 10 + "<CREDIT_CARD>" + "x" + "<PHONE_NUMBER>" + "x" * 6 + "<EMAIL_ADDRESS>" + "x" * 10
    with pytest.raises(ValueError):
        redact(text, spans)


def test_density_counts_short_texts_as_a_thousand_characters():
    assert spans_per_1000_chars(2, 120) == 2.0
    assert spans_per_1000_chars(10, 4000) == 2.5


def test_card_numbers_need_an_issuer_range_and_luhn():
    assert luhn_valid("4929381332664295") and not luhn_valid("4929381332664296")
    assert card_number_check("4929-3813-3266-4295") is True
    assert card_number_check("4131034282458809939") is True  # 19-digit Visa
    assert card_number_check("501864667909") is None  # 12-digit Maestro: a card only with context
    assert card_number_check("1234567890123452") is False  # Luhn-valid, no issuer starts with 1234


def test_phone_shapes_reject_dates_decimals_and_digit_alphabets():
    for good in ("0490 75 40 81", "+41 (0)96 471 07 95", "(579)888-3058", "930.167.3943", "345-899-3560x4587"):
        assert phone_shape_check(good), good
    for bad in ("2021-05-12", "(04-29-2024", "955.192 1100", "1234567.89", "0123456789", "1999-2004", "555 01"):
        assert not phone_shape_check(bad), bad


def test_context_words_on_both_sides():
    text = "Phone: 0490 75 40 81 (office)"
    start, end = text.index("0490"), text.index(" (office)")
    assert supporting_word(words_before(text, start), ["phone"]) == "phone"
    assert supporting_word(words_after(text, end), ["office"]) == "office"
    assert supporting_word(["phones"], ["phone"]) == "phone" and supporting_word(["iphone"], ["phone"]) is None
