"""The benchmark registry, the n-gram index and its checker (benchmarks_ngrams/).

Real data only: the 25 shipped benchmark test sets (benchmarks_ngrams/data/) and real Common Crawl
pages (tests/data/web_text, pipeline/sample/cc_text). The full index builds in ~2 s, once per session.
"""
import gzip
import io
import json
import os
import re
import sys

import numpy as np
import pytest

from benchmarks_ngrams import index as index_module
from benchmarks_ngrams import naive, ngrams
from benchmarks_ngrams.build import FORMAT_VERSION, benchmark_keys, build_index, content_hash
from benchmarks_ngrams.cli import main as cli_main
from benchmarks_ngrams.index import BenchmarkIndex, Collision
from benchmarks_ngrams.loader import iter_eval_texts, iter_items
from benchmarks_ngrams.registry import RegistryError, load_benchmark, load_registry, select
from transforms.fuzzy.minhash import normalize

from tests.conftest import DATA, SAMPLE, read_jsonl_gz

SHIPPED = {"aqua", "arc", "bbh", "boolq", "commonsenseqa", "copa", "gsm8k", "gsm_hard", "hellaswag", "humaneval",
           "lambada", "math", "math500", "mathqa", "mbpp", "mmlu", "mmlu_stem", "openbookqa", "piqa", "pubmedqa",
           "svamp", "triviaqa", "truthfulqa", "winograd_wsc", "winogrande"}


# ---------------------------------------------------------------------------------------------
# fixtures: real web pages, real benchmark items, the full index
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def web_pages():
    """All 30 real CC documents of the repo: (id, text)."""
    rows = []
    for path in sorted((SAMPLE / "cc_text").glob("*.jsonl.gz")) + sorted((DATA / "web_text").glob("*.jsonl.gz")):
        rows += [(str(r.get("id")), r["text"]) for r in read_jsonl_gz(path)]
    return rows


@pytest.fixture(scope="module")
def host_page(web_pages):
    """A real web page with no benchmark n-gram of its own (checked in test_planted_items_are_found)."""
    return dict(web_pages)["http://busineserviceny.info/improve-your-leadership-skills-by-using-these-ideas/"]


def item_text(benchmark, item_id, field):
    """One real evaluation text, read through the registry."""
    registry = load_registry()
    for got_id, got_field, text in iter_eval_texts(registry[benchmark]):
        if got_id == item_id and got_field == field:
            return text
    raise KeyError((benchmark, item_id, field))


def plant(page: str, text: str) -> str:
    """`text` inserted verbatim between two paragraphs in the middle of a real page."""
    cut = page.find("\n", len(page) // 2)
    return page[:cut] + "\n" + text + "\n" + page[cut:]


@pytest.fixture(scope="session")
def full_index_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("index") / "benchmarks.npz"
    build_index(None, str(path))
    return str(path)


@pytest.fixture(scope="session")
def full_index(full_index_path):
    return BenchmarkIndex.load(full_index_path)


# ---------------------------------------------------------------------------------------------
# the registry and the loader
# ---------------------------------------------------------------------------------------------

def test_registry_holds_the_25_benchmarks_and_each_yields_evaluation_texts():
    registry = load_registry()
    assert set(registry) == SHIPPED
    sources = (registry["gsm8k"].data_root + "/SOURCES.md")
    attributions = open(sources, encoding="utf-8").read()
    for name, benchmark in registry.items():
        assert benchmark.license and all(os.path.isfile(p) for p in benchmark.file_paths())
        assert f"| {name} |" in attributions, f"{name} has no attribution in data/SOURCES.md"
        texts = list(iter_eval_texts(benchmark))  # raises if a registered field matches nothing
        assert texts, name
        fields_seen = {re.sub(r"\[\d+\]|#\d+", lambda m: "[]" if m.group().startswith("[") else "", f)
                       for _, f, _ in texts}
        assert fields_seen == {f.path for f in benchmark.fields}, name  # every field yields text
        assert all(isinstance(t, str) and t.strip() for _, _, t in texts)


def test_item_counts_match_the_sources():
    registry = load_registry()
    counts = {name: len({item for item, _ in iter_items(registry[name])})
              for name in ("gsm8k", "humaneval", "mmlu", "mbpp", "truthfulqa", "arc", "bbh")}
    # SOURCES.md: GSM8K 1319 (x2 files), HumanEval 164, MMLU 14042, MBPP 974, TruthfulQA 817,
    # ARC 1172 + 2376 test (+ 299 + 570 dev); BBH 27 tasks
    assert counts == {"gsm8k": 2 * 1319, "humaneval": 164, "mmlu": 14042, "mbpp": 974, "truthfulqa": 817,
                      "arc": 1172 + 2376 + 299 + 570, "bbh": 6511}


def test_nested_paths_and_split_templates_give_the_texts_a_reader_sees():
    registry = load_registry()
    arc = [(f, t) for i, f, t in iter_eval_texts(registry["arc"]) if i == "Mercury_7175875"]
    assert arc[0] == ("question.stem", arc[0][1]) and arc[0][1].startswith("An astronomer observes")
    assert arc[1:] == [("question.choices[0].text", "Planetary density will decrease."),
                       ("question.choices[1].text", "Planetary years will become longer."),
                       ("question.choices[2].text", "Planetary days will become shorter."),
                       ("question.choices[3].text", "Planetary gravity will become stronger.")]
    # llm-foundry's "Question: ...\nChoices:\nA. bank\n...Answer:" template cut into question and options
    csqa = [t for i, _, t in iter_eval_texts(registry["commonsenseqa"]) if i.endswith(":0")]
    assert csqa == ["A revolving door is convenient for two direction travel, but it also serves as a security "
                    "measure at a what?", "bank", "department store", "mall", "new york"]
    # TruthfulQA's "; "-joined answer lists become one text per answer
    answers = [t for i, f, t in iter_eval_texts(registry["truthfulqa"]) if i.endswith(":0") and f.startswith("Correct")]
    assert answers[:2] == ["Nothing happens", "You eat watermelon seeds"]


def _write_benchmark(tmp_path, name, spec: str, files: dict):
    """A benchmark added as data only: files under data/<name>/ and a YAML, no code."""
    (tmp_path / "registry").mkdir(exist_ok=True)
    for rel, content in files.items():
        path = tmp_path / "data" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    (tmp_path / "registry" / f"{name}.yaml").write_text(spec, encoding="utf-8")
    return str(tmp_path / "registry"), str(tmp_path / "data")


def test_a_new_benchmark_in_any_format_is_data_not_code(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = io.BytesIO()
    pq.write_table(pa.table({"question": ["What is the boiling point of water at sea level?"],
                             "choices": [["100 degrees Celsius at sea level", "50 C"]]}), sink)
    records = {"examples": [{"input": "Sort the words: pear apple fig", "meta": {"target": "apple fig pear"}}]}
    _write_benchmark(tmp_path, "quiz_parquet", """
name: quiz_parquet
license: CC0-1.0
format: parquet
files: [quiz_parquet/test.parquet]
fields:
  - question
  - choices[]
""", {"quiz_parquet/test.parquet": sink.getvalue()})
    _write_benchmark(tmp_path, "quiz_json", """
name: quiz_json
license: MIT
format: json.gz
files: [quiz_json/task.json.gz]
records: examples
fields:
  - input
  - meta.target
""", {"quiz_json/task.json.gz": gzip.compress(json.dumps(records).encode())})
    registry_dir, data_root = _write_benchmark(tmp_path, "quiz_csv", """
name: quiz_csv
license: MIT
format: csv
files: [quiz_csv/test.csv]
fields:
  - Question
  - {path: Answers, split: '; '}
""", {"quiz_csv/test.csv": b'Question,Answers\n"Who wrote Hamlet, the play?",William Shakespeare; Shakespeare\n'})
    registry = load_registry(registry_dir, data_root)
    assert [(f, t) for _, f, t in iter_eval_texts(registry["quiz_parquet"])] == [
        ("question", "What is the boiling point of water at sea level?"),
        ("choices[0]", "100 degrees Celsius at sea level"), ("choices[1]", "50 C")]
    assert [t for _, _, t in iter_eval_texts(registry["quiz_json"])] == ["Sort the words: pear apple fig",
                                                                         "apple fig pear"]
    assert [(f, t) for _, f, t in iter_eval_texts(registry["quiz_csv"])] == [
        ("Question", "Who wrote Hamlet, the play?"), ("Answers#0", "William Shakespeare"), ("Answers#1", "Shakespeare")]
    # ... and indexes like a shipped one
    path = str(tmp_path / "quiz.npz")
    build_index(list(registry.values()), path)
    hits = BenchmarkIndex.load(path).collisions("Trivia night: what is the boiling point of water at sea level?")
    assert {h.benchmarks for h in hits} == {("quiz_parquet",)}


@pytest.mark.parametrize("change, message", [
    ("format: jsonl.gz", "does not end in .jsonl.gz"),
    ("files: [quiz/missing.csv]", "not found"),
    ("n: 14", "n must be an integer"),
    ("colour: blue", "unknown keys"),
    ("records: items", "applies to the json format only"),
])
def test_a_broken_registry_entry_is_refused(tmp_path, change, message):
    key = change.split(":")[0]
    spec = {"name": "quiz", "license": "MIT", "format": "csv", "files": "[quiz/test.csv]", "fields": "[Question]"}
    spec[key] = change.split(": ", 1)[1]
    text = "".join(f"{k}: {v}\n" for k, v in spec.items())
    registry_dir, data_root = _write_benchmark(tmp_path, "quiz", text, {"quiz/test.csv": b"Question\nWhy?\n"})
    with pytest.raises(RegistryError, match=message):
        load_benchmark(os.path.join(registry_dir, "quiz.yaml"), data_root)


def test_a_field_that_matches_nothing_is_a_registry_error(tmp_path):
    registry_dir, data_root = _write_benchmark(tmp_path, "quiz", "name: quiz\nlicense: MIT\nformat: csv\n"
                                               "files: [quiz/test.csv]\nfields: [Question, Answr]\n",
                                               {"quiz/test.csv": b"Question,Answer\nWhy?,Because.\n"})
    with pytest.raises(RegistryError, match="Answr"):
        list(iter_eval_texts(load_benchmark(os.path.join(registry_dir, "quiz.yaml"), data_root)))


# ---------------------------------------------------------------------------------------------
# the n rule, short texts
# ---------------------------------------------------------------------------------------------

def test_the_n_rule(full_index):
    # n = lower median of the lengths of texts with >= 4 words, clamped to [4, 13]
    assert ngrams.choose_n([1, 1, 2, 4, 4, 5, 30]) == 4          # single answers and short options: 4
    assert ngrams.choose_n([2, 3, 6, 7, 9, 40]) == 7              # short questions: their median
    assert ngrams.choose_n([12, 80, 120, 200]) == 13              # passages: capped at 13
    assert ngrams.choose_n([1, 2, 3]) == 4                        # nothing matchable: the minimum
    assert ngrams.choose_n([]) == 4
    # the shipped picks: passages/solutions/code 13, short questions and options less
    picks = {name: b["n"] for name, b in full_index.describe()["benchmarks"].items()}
    assert {k: picks[k] for k in ("gsm8k", "math", "boolq", "humaneval", "lambada", "mmlu", "arc", "copa",
                                  "openbookqa", "piqa", "truthfulqa")} == {
        "gsm8k": 13, "math": 13, "boolq": 13, "humaneval": 13, "lambada": 13, "mmlu": 11, "arc": 8, "copa": 6,
        "openbookqa": 6, "piqa": 10, "truthfulqa": 9}


def test_short_texts_are_matched_whole_or_skipped_and_counted(tmp_path):
    rows = [{"q": "Yes."},                                                            # 1 word: skipped
            {"q": "The toilet filled."},                                              # 3 words: skipped
            {"q": "Water flowed from the spout."},                                    # 5 words: skipped
            {"q": "Water flowed from the old spout."},                                # 6 words: whole
            {"q": "The man turned on the faucet this morning."},                      # 8 words = n
            {"q": "The girl found a bug in her cereal so she poured the milk back into the bowl and cried."}]  # 19
    body = "".join(json.dumps(r) + "\n" for r in rows).encode()
    registry_dir, data_root = _write_benchmark(tmp_path, "tiny", "name: tiny\nlicense: MIT\nformat: jsonl\n"
                                               "files: [tiny/test.jsonl]\nfields: [q]\nn: 8\n",
                                               {"tiny/test.jsonl": body})
    tiny = load_registry(registry_dir, data_root)["tiny"]
    path = str(tmp_path / "tiny.npz")
    build_index([tiny], path)
    index = BenchmarkIndex.load(path)
    stats = index.describe()["benchmarks"]["tiny"]
    assert {k: stats[k] for k in ("n", "items", "texts", "sliding", "whole", "skipped", "ngrams")} == {
        "n": 8, "items": 6, "texts": 6, "sliding": 2, "whole": 1, "skipped": 3, "ngrams": 1 + 1 + (19 - 8 + 1)}
    assert index.describe()["ngrams_by_n"] == {6: 1, 8: 13}

    hits = index.collisions("Then, water flowed from the old spout!")
    assert [(h.n, h.text) for h in hits] == [(6, "water flowed from the old spout")]  # whole, as a 6-gram
    assert index.collisions("The toilet filled. Yes. Water flowed from the spout.") == []  # skipped: never match
    assert index.collisions("and water flowed from the old tap") == []         # 5 of its 6 words: no match
    hits = index.collisions("I saw that the girl found a bug in her cereal so she poured it out")
    assert [(h.n, h.text) for h in hits] == [(8, "the girl found a bug in her cereal"),
                                             (8, "girl found a bug in her cereal so"),
                                             (8, "found a bug in her cereal so she"),
                                             (8, "a bug in her cereal so she poured")]


# ---------------------------------------------------------------------------------------------
# matching: normalisation, planted items, web text
# ---------------------------------------------------------------------------------------------

GSM8K_0 = ("gsm8k", "gsm8k/test.jsonl.gz:0", "question")


def _fullwidth(text):
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


@pytest.mark.parametrize("variant", [
    str.upper,                                                                        # case
    lambda t: t.replace("’", "'").replace(". ", "! ").replace("farmers'", "«farmers»").replace(" ", " , "),
    lambda t: t.replace(" ", "\n\t  ").replace("eggs per", "eggs\u00a0per").replace("She", "\u2003She"),  # spacing
    _fullwidth,                                                                       # NFKC: full-width forms
    lambda t: _fullwidth(t.swapcase()).replace("’", "\u2019\u2019"),                  # all at once
], ids=["case", "punctuation", "whitespace", "nfkc-fullwidth", "combined"])
def test_normalisation_variants_of_a_real_item_collide(full_index, host_page, variant):
    question = item_text(*GSM8K_0)
    assert question.startswith("Janet’s ducks lay 16 eggs per day.")
    verbatim = {(h.key, h.n) for h in full_index.collisions(plant(host_page, question)) if "gsm8k" in h.benchmarks}
    assert len(verbatim) == len(normalize(question).split()) - 13 + 1  # every 13-gram of the question
    varied = {(h.key, h.n) for h in full_index.collisions(plant(host_page, variant(question)))
              if "gsm8k" in h.benchmarks}
    assert varied == verbatim


def test_a_changed_word_in_every_window_breaks_the_match(full_index, host_page):
    words = item_text(*GSM8K_0).split(" ")
    reworded = " ".join("zebra" if i % 12 == 6 else w for i, w in enumerate(words))  # a new word in every 13 words
    assert not [h for h in full_index.collisions(plant(host_page, reworded)) if "gsm8k" in h.benchmarks]


@pytest.mark.parametrize("benchmark, item_id, field, expected", [
    # GSM-Hard's PAL programs quote the original GSM8K question in their docstring: both hold it
    ("gsm8k", "gsm8k/test.jsonl.gz:0", "question", {("gsm8k", "gsm_hard")}),
    ("humaneval", "HumanEval/0", "prompt", {("humaneval",)}),                     # code
    ("mmlu", "mmlu/test/professional_law_test.csv.gz:5", "question", {("mmlu",)}),
    ("arc", "Mercury_7175875", "question.stem", {("arc",)}),
])
def test_planted_items_are_found_with_their_benchmark(full_index, host_page, benchmark, item_id, field, expected):
    assert full_index.collisions(host_page) == []  # the host page alone is clean
    text = item_text(benchmark, item_id, field)
    hits = full_index.collisions(plant(host_page, text))
    assert hits and {h.benchmarks for h in hits} == expected
    n = full_index.describe()["benchmarks"][benchmark]["n"]
    assert {h.n for h in hits} == {n}
    words = normalize(text)
    assert all(h.text in words for h in hits)  # the reported n-gram is the item's normalised words
    assert hits[0].text == " ".join(words.split()[:n])  # text order: the first n-gram comes first


# Every n-gram that the 30 real web pages share with the 25 benchmarks. All are true overlaps: a
# 4-word benchmark text matched whole (an MMLU option, a TriviaQA or TruthfulQA answer, a
# CommonsenseQA option, an ARC option) that is a common phrase, or a counting sequence that
# HumanEval, MBPP and MATH contain. The corpus-side common-usage rule (>= 1000 documents) is what
# ignores such n-grams at scale.
WEB_OVERLAPS = {  # 4- and 5-word options ("the new york times") are not indexed: MIN_WHOLE_WORDS
    "1 2 3 4 5 6 7 8 9 10 11 12 13": ("humaneval", "math", "mbpp"),  # a calendar page; test data
    "2 3 4 5 6 7 8 9 10 11 12 13 14": ("humaneval", "mbpp"),
    "3 4 5 6 7 8 9 10 11 12 13 14 15": ("humaneval", "mbpp"),
    "4 5 6 7 8 9 10 11 12 13 14 15 16": ("humaneval", "mbpp"),
}


def test_real_web_pages_collide_only_on_true_overlaps(full_index, web_pages):
    found = {}
    for _, text in web_pages:
        for hit in full_index.collisions(text):
            found[hit.text] = hit.benchmarks
            assert f" {hit.text} " in f" {normalize(text)} "  # the page really has these words
    assert found == WEB_OVERLAPS
    registry = load_registry()
    for gram, names in found.items():  # ... and so does every benchmark named
        for name in names:
            assert any(f" {gram} " in f" {normalize(t)} " for _, _, t in iter_eval_texts(registry[name])), (gram, name)


def test_the_index_finds_exactly_what_the_plain_python_reference_finds(tmp_path, web_pages, host_page):
    chosen = select(["copa", "gsm8k", "humaneval", "truthfulqa", "winograd_wsc"])
    path = str(tmp_path / "subset.npz")
    build_index(chosen, path)
    index = BenchmarkIndex.load(path)
    table = naive.benchmark_table(chosen)
    assert index.describe()["ngrams"] == len(table)  # no two benchmark n-grams share a key
    docs = [text for _, text in web_pages]
    for benchmark in chosen:  # every benchmark's first and last items planted into a real page
        items = list(iter_eval_texts(benchmark))
        docs += [plant(host_page, items[0][2]), plant(host_page, items[-1][2] + " " + items[len(items) // 2][2])]
    for doc in docs:
        got = [(h.n, h.text, h.benchmarks) for h in index.collisions(doc)]
        assert got == naive.collisions(table, doc)
    assert sum(bool(index.collisions(d)) for d in docs[len(web_pages):]) == 2 * len(chosen)


def test_long_documents_are_checked_in_blocks_with_the_same_result(full_index, host_page, monkeypatch):
    doc = plant(host_page, item_text(*GSM8K_0)) + plant(host_page, item_text("humaneval", "HumanEval/0", "prompt"))
    whole = full_index.collisions(doc)
    monkeypatch.setattr(index_module, "_BLOCK_POSITIONS", 7)  # many blocks instead of one
    assert full_index.collisions(doc) == whole and len(whole) > 41


def test_collision_fields(full_index, host_page):
    hits = full_index.collisions(plant(host_page, item_text("humaneval", "HumanEval/0", "prompt")))
    assert all(isinstance(h, Collision) and isinstance(h.key, int) for h in hits)
    assert hits[0].text == "from typing import list def has close elements numbers list float threshold float"
    with np.load(full_index.path, allow_pickle=False) as archive:  # the key as stored, for its n
        for h in hits:
            keys = archive[f"keys_{h.n}"]
            assert keys[np.searchsorted(keys, np.uint64(h.key))] == h.key
    assert len({h.key for h in hits}) == len(hits)  # distinct
    assert full_index.collisions("") == [] and full_index.collisions("too short") == []


# ---------------------------------------------------------------------------------------------
# the index file, the default index, the CLI
# ---------------------------------------------------------------------------------------------

def test_build_and_load_round_trip(tmp_path):
    chosen = select(["copa", "winograd_wsc"])
    path = str(tmp_path / "two.npz")
    assert build_index(["winograd_wsc", "copa"], path) == path
    with np.load(path, allow_pickle=False) as archive:  # no pickled object anywhere
        arrays = {name: archive[name] for name in archive.files}
    assert all(a.dtype != object for a in arrays.values())
    assert int(arrays["format_version"]) == FORMAT_VERSION
    assert str(arrays["content_hash"]) == content_hash(chosen)
    for n in arrays["ns"]:
        keys = arrays[f"keys_{n}"]
        assert keys.dtype == np.uint64 and np.all(keys[1:] > keys[:-1])  # sorted, distinct
    index = BenchmarkIndex.load(path)
    info = index.describe()
    assert index.benchmarks == ("copa", "winograd_wsc") and info["bytes"] == os.path.getsize(path)
    for benchmark in chosen:
        expected = benchmark_keys(benchmark)
        got = info["benchmarks"][benchmark.name]
        assert (got["n"], got["items"], got["texts"], got["whole"], got["skipped"], got["ngrams"]) == (
            expected.n, expected.items, expected.texts, expected.whole, expected.skipped, expected.ngrams)
    assert info["ngrams"] == sum(len(arrays[f"keys_{n}"]) for n in arrays["ns"])
    assert [h.benchmarks for h in index.collisions("The man turned on the faucet.")] == [("copa",)]
    with pytest.raises(ValueError, match=f"index format {FORMAT_VERSION + 1}, this code reads {FORMAT_VERSION}"):
        BenchmarkIndex({**arrays, "format_version": np.array(FORMAT_VERSION + 1)}, path)
    with pytest.raises(ValueError, match="another word normalisation or hash"):
        BenchmarkIndex({**arrays, "scheme": np.array("0123456789abcdef")}, path)


def test_default_index_is_built_once_into_the_cache_and_reused(tmp_path, monkeypatch, full_index_path):
    monkeypatch.setenv("WINNOW_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(index_module, "_DEFAULTS", {})
    first = BenchmarkIndex.default()
    cached = os.listdir(tmp_path)
    assert cached == [f"benchmarks-{content_hash(select())[:16]}.npz"]  # named by content, no temp file left
    assert set(first.benchmarks) == SHIPPED
    with open(os.path.join(tmp_path, cached[0]), "rb") as a, open(full_index_path, "rb") as b:
        assert a.read() == b.read()  # deterministic: the same bytes as build_index(None, ...)
    assert BenchmarkIndex.default() is first  # one per process

    def no_build(*args):
        raise AssertionError("the cached index must be loaded, not rebuilt")

    monkeypatch.setattr(index_module, "_DEFAULTS", {})  # a new worker process
    monkeypatch.setattr(index_module, "build_index", no_build)
    again = BenchmarkIndex.default()
    assert again is not first and again.content_hash == first.content_hash


def test_content_hash_follows_registry_and_data(tmp_path):
    body = b'{"q": "The man turned on the faucet."}\n'
    spec = "name: tiny\nlicense: MIT\nformat: jsonl\nfiles: [tiny/test.jsonl]\nfields: [q]\n"
    registry_dir, data_root = _write_benchmark(tmp_path, "tiny", spec, {"tiny/test.jsonl": body})
    before = content_hash([load_registry(registry_dir, data_root)["tiny"]])
    assert content_hash([load_registry(registry_dir, data_root)["tiny"]]) == before
    _write_benchmark(tmp_path, "tiny", spec, {"tiny/test.jsonl": body.replace(b"man", b"boy")})
    after_data = content_hash([load_registry(registry_dir, data_root)["tiny"]])
    _write_benchmark(tmp_path, "tiny", spec + "n: 5\n", {})
    after_spec = content_hash([load_registry(registry_dir, data_root)["tiny"]])
    assert len({before, after_data, after_spec}) == 3


def test_cli_check_reports_documents_benchmarks_and_ngrams(tmp_path, capsys, monkeypatch, full_index_path, host_page):
    docs = [{"id": "clean-page", "text": host_page},
            {"id": "gsm8k-copy", "text": plant(host_page, item_text(*GSM8K_0))},
            {"id": "humaneval-copy", "text": plant(host_page, item_text("humaneval", "HumanEval/0", "prompt"))}]
    jsonl = tmp_path / "docs.jsonl.gz"
    jsonl.write_bytes(gzip.compress("".join(json.dumps(d) + "\n" for d in docs).encode()))
    assert cli_main(["check", str(jsonl), "--index", full_index_path, "--show", "2"]) == 0
    out = capsys.readouterr().out
    assert "clean-page: clean" in out
    assert "gsm8k-copy: collides with gsm8k, gsm_hard on 41 n-gram(s)" in out  # 53 words: 41 13-grams
    assert "  [13] gsm8k,gsm_hard: janet s ducks lay 16 eggs per day she eats three for breakfast" in out
    assert "  ... and 39 more" in out
    assert "humaneval-copy: collides with humaneval on" in out
    assert "2 of 3 document(s) collide with a benchmark (25 in the index)" in out

    assert cli_main(["check", str(jsonl), "--index", full_index_path, "--json"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["benchmarks"] for r in records] == [[], ["gsm8k", "gsm_hard"], ["humaneval"]]
    assert len(records[1]["collisions"]) == 41 and records[1]["collisions"][0]["n"] == 13

    text_file = tmp_path / "page.txt"
    text_file.write_text(docs[1]["text"], encoding="utf-8")
    assert cli_main(["check", str(text_file), "--index", full_index_path]) == 0
    assert f"{text_file}: collides with gsm8k" in capsys.readouterr().out
    monkeypatch.setattr(sys, "stdin", io.StringIO(docs[2]["text"]))
    assert cli_main(["check", "-", "--index", full_index_path]) == 0
    assert "stdin: collides with humaneval" in capsys.readouterr().out


def test_cli_build_index_and_list(tmp_path, capsys):
    output = str(tmp_path / "copa.npz")
    assert cli_main(["build-index", "--output", output, "--benchmark", "copa"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^copa\s+6\s+100\s+300\s+338\s+0\s+149\s+BSD-2-Clause$", out, re.M)
    assert "distinct n-grams: 338" in out and os.path.isfile(output)
    assert cli_main(["build-index", "--benchmark", "copa"]) == 2  # a subset needs --output
    assert cli_main(["build-index", "--output", output, "--benchmark", "nope"]) == 2
    capsys.readouterr()
    assert cli_main(["list"]) == 0
    listed = capsys.readouterr().out
    assert all(re.search(rf"^{name}\s", listed, re.M) for name in SHIPPED)
    assert "question.stem, question.choices[].text" in listed
