"""Config validation: every mistake names the file and the key; defaults fill in; paths resolve."""
import textwrap

import pytest

from pipeline.config import default_config_path, load_config
from transforms.params import ConfigError
from transforms.quality import QualityParams

SAMPLE_WARC = "dolma_sample-0000.warc.gz"


def _write(tmp_path, body: str):
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / SAMPLE_WARC).write_bytes(b"")
    path = tmp_path / "run.yaml"
    path.write_text(textwrap.dedent(body))
    return path


GOOD = """
stages:
  quality: {min_words: 20}
sources:
  - name: crawl
    kind: web
    paths: [data/*.warc.gz]
    stages:
      extract: {}
      quality: {max_words: 5000}
      exact_dedup: {}
"""


def test_good_config_resolves_paths_and_merges_parameters(tmp_path):
    config = load_config(str(_write(tmp_path, GOOD)))
    (source,) = config.sources
    assert source.paths == (str(tmp_path / "data" / "*.warc.gz"),)
    assert list(source.stages) == ["extract", "exact_dedup", "quality"]  # flow order, not listing order
    quality = source.stages["quality"]
    assert (quality.min_words, quality.max_words) == (20, 5000)
    assert quality.max_dup_line_frac == QualityParams().max_dup_line_frac
    assert config.resolved()["sources"][0]["stages"]["quality"]["min_words"] == 20


def test_the_shipped_default_config_is_valid():
    config = load_config(default_config_path())
    assert {s.name for s in config.sources} == {"web", "cc_text", "code", "licensed", "math"}
    assert {s.kind for s in config.sources} == {"web", "public", "code", "licensed", "math"}


@pytest.mark.parametrize("edit, message", [
    (("kind: web", "kind: webpage"), "sources[0].kind: expected one of web, code, math, licensed, public, got 'webpage'"),
    (("    paths:", "    pathz:"), "sources[0].pathz: unknown key"),
    (("min_words: 20", "min_words: -1"), "stages.quality.min_words: -1 is out of range (must be ≥ 0)"),
    (("min_words: 20", "min_words: twenty"), "stages.quality.min_words: expected an integer, got 'twenty'"),
    (("max_words: 5000", "max_wordz: 5000"), "sources[0].stages.quality.max_wordz: unknown key"),
    (("data/*.warc.gz", "missing/*.warc.gz"), "sources[0].paths[0]: no file matches"),
    (("extract: {}", "extrakt: {}"), "sources[0].stages.extrakt: unknown stage"),
    (("exact_dedup: {}", "exact_dedup: {x: 1}"), "sources[0].stages.exact_dedup: a global stage takes its parameters"),
    (("name: crawl", "name: my crawl"), "sources[0].name: expected a name of letters"),
    (("stages:\n  quality", "stagez:\n  quality"), "stagez: unknown key"),
    (("      extract: {}\n", ""), "sources[0].stages: the source reads HTML pages"),
    (("quality: {max_words: 5000}", "quality: 5"), "sources[0].stages.quality: expected a mapping of parameters"),
    (("min_words: 20", "min_words: 200000"), "stages.quality.min_words: 200000 is above max_words"),
    (("quality: {min_words: 20}", "langid: {model_path: models/lid.bin}"), "stages.langid.model_path: file not found"),
    (("kind: web", "kind: web\n    kind: code"), "key 'kind' is given twice"),
])
def test_mistakes_name_the_file_and_the_key(tmp_path, edit, message):
    old, new = edit
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(ConfigError) as error:
        load_config(str(path))
    assert str(error.value).startswith(str(path) + ": ")
    assert message in str(error.value)


def test_missing_file_and_bad_yaml(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(str(tmp_path / "nope.yaml"))
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(str(bad))


def test_only_stages_restricts_every_source(tmp_path):
    config = load_config(str(_write(tmp_path, GOOD)), only_stages=["extract", "quality"])
    assert list(config.sources[0].stages) == ["extract", "quality"]
    with pytest.raises(ConfigError, match="--stages.langauge: unknown stage"):
        load_config(str(_write(tmp_path, GOOD)), only_stages=["langid", "langauge"])


def test_stage_list_entries_must_be_names(tmp_path):
    body = GOOD.replace("""    stages:
      extract: {}
      quality: {max_words: 5000}
      exact_dedup: {}""", """    stages: [extract, {quality: {max_words: 5000}}]""")
    with pytest.raises(ConfigError, match=r"sources\[0\].stages\[1\]: expected a stage name"):
        load_config(str(_write(tmp_path, body)))


def test_model_paths_resolve_relative_to_the_config_and_dates_become_text(tmp_path):
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "lid.bin").write_bytes(b"model")
    body = GOOD.replace("quality: {min_words: 20}", "langid: {model_path: models/lid.bin}").replace(
        "kind: web", "kind: web\n    meta: {crawl_date: 2024-05-01}").replace("extract: {}", "extract: {}\n      langid: {}")
    config = load_config(str(_write(tmp_path, body)))
    assert config.sources[0].stages["langid"].model_path == str(tmp_path / "models" / "lid.bin")
    assert config.sources[0].meta == {"crawl_date": "2024-05-01"}
