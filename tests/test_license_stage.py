"""Licensed corpora: the `license:` declaration, the `license` stage, and where the licence travels."""
import gzip
import json

import pytest

from pipeline.config import load_config, parse_config
from tests.conftest import SAMPLE, read_jsonl_gz
from transforms.document import Document
from transforms.license import License, LicenseParams, document_license
from transforms.params import ConfigError

ARTICLES = SAMPLE / "licensed" / "aeb_articles.jsonl.gz"


def test_a_documents_own_licence_wins_over_the_sources_and_none_is_never_guessed():
    assert document_license({"license": "CC-BY-4.0", "repo_license_spdx": "MIT"}) == "CC-BY-4.0"
    assert document_license({"license": " ", "repo_license_spdx": "MIT"}) == "MIT"
    stage = License()

    def judged(meta, allow=None):
        verdict = License(LicenseParams(allow=allow)).judge(Document("1", "books", "licensed", "x", "text", meta=meta))
        return verdict.reason, verdict.measurements["license"]

    assert judged({"publisher": "Example Press"}) == ("no_license", None)
    assert judged({"license": "Publisher Licence v2"}) == (None, "Publisher Licence v2")
    assert judged({"license": "mit"}, ("MIT", "Apache-2.0")) == (None, "mit")
    assert judged({"license": "GPL-3.0-only"}, ("MIT",)) == ("not_allowed:GPL-3.0-only", "GPL-3.0-only")
    assert stage.judge(Document("1", "books", "licensed", "x", "t", meta={"license": "X"})).kept


def test_the_stage_judges_meta_only_so_unextracted_pages_are_judged_too():
    page = Document("1", "books", "licensed", "x", html="<p>not yet extracted</p>", meta={"license": "MIT"})
    assert License().judge(page).measurements == {"license": "MIT", "license_from": "declared"}
    verdict = License(LicenseParams(allow=("Apache-2.0",))).judge(page)
    assert verdict.reason == "not_allowed:MIT"


def _source(**changes):
    source = {"name": "books", "kind": "licensed", "paths": [str(ARTICLES)],
              "license": {"id": "MIT", "publisher": "Zyte", "training_stages": ["continued"]},
              "stages": ["license", "tokenize"]}
    source.update(changes)
    return {"sources": [{k: v for k, v in source.items() if v is not None}]}


def test_the_declaration_becomes_every_documents_meta():
    source = parse_config(_source(), "run.yaml").sources[0]
    assert source.meta == {"license": "MIT", "publisher": "Zyte", "training_stages": ["continued"]}
    assert source.license.training_stages == ("continued",)


@pytest.mark.parametrize("changes, message", [
    ({"license": None}, "sources[0].license: a licensed source must declare its licence terms"),
    ({"license": {"id": "MIT", "training_stages": ["core"]}}, "sources[0].license.publisher: required"),
    ({"license": {"id": "MIT", "publisher": "Zyte"}}, "sources[0].license.training_stages: required"),
    ({"license": {"id": "MIT", "publisher": "Zyte", "training_stages": ["core"], "url": "x"}},
     "sources[0].license.url: unknown key"),
    ({"stages": ["tokenize"]}, "sources[0].stages: a licensed source must run the license stage"),
    ({"meta": {"license": "CC0-1.0"}}, "sources[0].meta.license: declared under license: as well"),
])
def test_declaration_mistakes_are_config_errors(changes, message):
    with pytest.raises(ConfigError) as error:
        parse_config(_source(**changes), "run.yaml")
    assert str(error.value).startswith("run.yaml: " + message)


def test_narrowing_a_run_with_stages_keeps_the_licence_check():
    source = parse_config(_source(), "run.yaml", only_stages=["tokenize"]).sources[0]
    assert list(source.stages) == ["license", "tokenize"]


def test_a_publishers_corpus_with_per_row_licences_end_to_end(tmp_path):
    """Real article text; the declaration leaves the licence to each row; two rows cannot be used."""
    from pipeline.cli import main

    rows = read_jsonl_gz(ARTICLES)
    rows[0]["license"] = "CC-BY-4.0"
    rows[1]["license"] = "Publisher-Internal"  # not on the allow list below
    for row in rows[3:]:
        row["license"] = "MIT"
    # rows[2] declares nothing
    data = tmp_path / "corpus.jsonl.gz"
    with gzip.open(data, "wt", encoding="utf-8") as handle:
        handle.writelines(json.dumps(row) + "\n" for row in rows)
    config = tmp_path / "run.yaml"
    config.write_text(f"""
stages:
  license: {{allow: [MIT, CC-BY-4.0]}}
sources:
  - name: books
    kind: licensed
    paths: [{data}]
    license: {{id: null, publisher: Zyte, training_stages: [continued, context_lengthening]}}
    stages: [license, exact_dedup]
""")
    assert load_config(str(config)).sources[0].meta == {
        "publisher": "Zyte", "training_stages": ["continued", "context_lengthening"]}
    out = tmp_path / "out"
    assert main(["run", "--config", str(config), "--output", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    books = manifest["sources"]["books"]
    assert books["conserved"] and books["read"] == 8
    assert books["rejected"] == {"license": {"no_license": 1, "not_allowed:Publisher-Internal": 1}}
    assert books["licenses"] == {"CC-BY-4.0": 1, "MIT": 5}
    assert books["license_terms"] == {"id": None, "publisher": "Zyte",
                                      "training_stages": ["continued", "context_lengthening"]}
    written = [json.loads(line) for part in (out / "docs" / "books").glob("part-*")
               for line in gzip.open(part, "rt")]
    assert {r["id"] for r in written} == {r["id"] for r in rows} - {rows[1]["id"], rows[2]["id"]}
    assert all(r["meta"]["publisher"] == "Zyte" and r["scores"]["license"]["license"] for r in written)
    rejected = [json.loads(line) for part in (out / "rejected" / "license").glob("part-*")
                for line in gzip.open(part, "rt")]
    assert {r["id"]: r["reason"] for r in rejected} == {rows[1]["id"]: "not_allowed:Publisher-Internal",
                                                        rows[2]["id"]: "no_license"}
