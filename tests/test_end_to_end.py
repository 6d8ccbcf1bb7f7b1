"""`winnow run` end to end on the bundled sample: output contract, conservation, runners, CLI errors."""
import dataclasses
import gzip
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from pipeline.cli import RUN_MARKER, main
from tests.conftest import ROOT, SAMPLE

SOURCES = {"web", "cc_text", "code", "licensed", "math"}


def _records(pattern_dir: Path):
    for path in sorted(pattern_dir.glob("part-*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            yield from (json.loads(line) for line in handle if line.strip())


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "out"
    assert main(["run", "--output", str(out)]) == 0
    return out, json.loads((out / "manifest.json").read_text())


def test_manifest_counts_add_up_for_every_source(sample_run):
    _, manifest = sample_run
    assert manifest["status"] == "complete" and manifest["conserved"]
    assert set(manifest["sources"]) == SOURCES
    for name, entry in manifest["sources"].items():
        rejected = sum(sum(reasons.values()) for reasons in entry["rejected"].values())
        errors = sum(entry["errors"].values())
        assert entry["read"] > 0, name
        assert entry["read"] == entry["written"] + rejected + errors, name
    web = manifest["sources"]["web"]
    # the truncated WARC (its cut record, the rest of the file) and warcio's example-trunc record,
    # whose payload fails its WARC-Payload-Digest
    assert web["errors"] == {"read": 3}
    licensed = manifest["sources"]["licensed"]
    assert licensed["licenses"] == {"MIT": licensed["written"]} and licensed["written"] == 8
    assert licensed["license_terms"]["training_stages"] == ["continued", "context_lengthening"]
    assert manifest["sources"]["web"]["licenses"] == {"undeclared": web["written"]}
    assert web["skipped_records"]["warc_request"] > 0


def test_output_files_hold_exactly_what_the_manifest_counts(sample_run):
    out, manifest = sample_run
    written = Counter(r["source"] for s in SOURCES for r in _records(out / "docs" / s))
    rejected = Counter((r["source"], r["stage"], r["reason"]) for r in
                       (rec for d in (out / "rejected").iterdir() for rec in _records(d)))
    errors = list(_records(out / "errors"))
    for name, entry in manifest["sources"].items():
        assert written[name] == entry["written"]
        for stage, reasons in entry["rejected"].items():
            for reason, n in reasons.items():
                assert rejected[(name, stage, reason)] == n
        assert sum(1 for e in errors if e["source"] == name) == entry["errors_total"]
    assert not (out / "_counts").exists() and not (out / "manifest.json.tmp").exists()


def test_output_contract_fields(sample_run):
    out, _ = sample_run
    doc = next(_records(out / "docs" / "web"))
    assert {"id", "source", "origin", "text", "meta", "scores"} <= set(doc)
    assert doc["origin"].startswith("http") and doc["text"] and doc["meta"]["language"]
    assert {"extract", "langid", "exact_dedup", "quality", "tokenize"} <= set(doc["scores"])
    rejection = next(_records(out / "rejected" / "quality"))
    assert {"id", "origin", "source", "stage", "reason", "measurements"} <= set(rejection)
    error = next(_records(out / "errors"))
    assert {"id", "origin", "stage", "error"} <= set(error) and "truncated" in error["error"]


def test_input_ids_survive_to_the_output(sample_run):
    out, _ = sample_run
    given = {json.loads(line)["id"] for path in (SAMPLE / "cc_text").glob("*.jsonl.gz") for line in gzip.open(path)}
    seen = {r["id"] for r in _records(out / "docs" / "cc_text")}
    seen |= {r["id"] for d in (out / "rejected").iterdir() for r in _records(d) if r["source"] == "cc_text"}
    assert seen == given


def test_stage_funnel_from_metrics_is_consistent(sample_run):
    _, manifest = sample_run
    for name, entry in manifest["sources"].items():
        for stage, counts in entry["stages"].items():
            assert counts["in"] == counts.get("kept", 0) + sum(counts.get("rejected", {}).values()) + counts.get("errors", 0)
            assert sum(counts.get("rejected", {}).values()) == sum(entry["rejected"].get(stage, {}).values())


def test_two_worker_processes_give_the_same_output(sample_run, tmp_path):
    out, manifest = sample_run
    multi = tmp_path / "multi"
    code = main(["run", "--output", str(multi), "--direct_running_mode=multi_processing", "--direct_num_workers=2"])
    assert code == 0
    other = json.loads((multi / "manifest.json").read_text())
    for name in SOURCES:
        assert other["sources"][name]["rejected"] == manifest["sources"][name]["rejected"]
    for kind in ("docs", "rejected", "errors"):  # every record, byte for byte
        assert _sorted_lines(out, kind) == _sorted_lines(multi, kind), kind
    # shards are byte-identical across runs and runner modes
    assert [(s["path"], s["sha256"]) for s in other["shards"]] == [(s["path"], s["sha256"]) for s in manifest["shards"]]
    for shard in manifest["shards"]:
        assert (multi / shard["path"]).read_bytes() == (out / shard["path"]).read_bytes()


def test_quick_run_with_inputs_and_a_stage_subset(tmp_path):
    out = tmp_path / "quick"
    code = main(["run", "--input", str(SAMPLE / "web" / "dolma_sample-0000.warc.gz"), "--kind", "web",
                 "--stages", "quality,extract", "--output", str(out), "--runner=FnApiRunner"])
    assert code == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert list(manifest["config"]["sources"][0]["stages"]) == ["extract", "quality"]
    assert manifest["sources"]["web"]["read"] == 22 and manifest["conserved"]


@pytest.mark.parametrize("args, message", [
    (["run", "--config", "/nonexistent.yaml"], "config file not found"),
    (["run", "--stages", "extract,dedup"], "unknown stage"),
    (["run", "--ouput", "x"], "unknown option --ouput"),
    (["run", "--input", "/nonexistent/*.warc.gz"], "no file matches"),
    (["run", "--input", "x", "--config", "y"], "either --config or --input"),
])
def test_usage_and_config_errors_exit_2(args, message, capsys):
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_non_empty_output_needs_overwrite(sample_run, capsys):
    out, _ = sample_run
    assert main(["run", "--output", str(out), "--stages", "extract"]) == 2
    assert "--overwrite" in capsys.readouterr().err


def test_everything_a_run_writes_may_be_overwritten(sample_run):
    from pipeline.cli import _OUTPUT_ENTRIES

    out, _ = sample_run
    assert {entry.name for entry in out.iterdir()} <= _OUTPUT_ENTRIES


def test_overwrite_refuses_a_directory_winnow_did_not_write(tmp_path, capsys):
    (tmp_path / "thesis.tex").write_text("years of work")
    assert main(["run", "--output", str(tmp_path), "--overwrite", "--stages", "extract"]) == 2
    assert "refusing to overwrite" in capsys.readouterr().err and (tmp_path / "thesis.tex").exists()


def test_console_script_help():
    winnow = Path(sys.executable).with_name("winnow")
    result = subprocess.run([str(winnow), "run", "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "--direct_num_workers" in result.stdout
    result = subprocess.run([str(winnow)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "run" in result.stdout


def test_shards_decode_to_every_written_document_exactly(sample_run):
    import hashlib

    from pipeline.shards import iter_documents, shard_paths
    from transforms.tokenize import Tokenizer

    out, manifest = sample_run
    tokenizer = Tokenizer(str(out / manifest["tokenizer"]["path"]))
    assert hashlib.sha256((out / manifest["tokenizer"]["path"]).read_bytes()).hexdigest() == manifest["tokenizer"]["sha256"]
    every_text = "".join(r["text"] for name in SOURCES for r in _records(out / "docs" / name))
    assert any(ord(ch) >= 0x1F300 for ch in every_text)  # emoji (a real page of the sample greets with one)
    # 3-byte UTF-8 too (curly quotes, dashes); the sample's CJK pages are spam that the quality rules
    # reject, so CJK itself is not among the written documents
    assert any("\u2000" <= ch <= "\uffff" for ch in every_text) and "\t" in every_text
    for name in SOURCES:
        texts = {r["id"]: r["text"] for r in _records(out / "docs" / name)}
        rows = [row for path in shard_paths(str(out), name) for row in iter_documents(path)]
        assert sorted(r["id"] for r in rows) == sorted(texts)  # every written document, once
        for row in rows:
            assert tokenizer.decode(row["tokens"]) == texts[row["id"]]
            assert row["n_tokens"] == len(row["tokens"]) and row["tokens"][-1] == tokenizer.eos_id
        assert sum(r["n_tokens"] for r in rows) == manifest["tokens_per_source"][name] > 0
    for shard in manifest["shards"]:
        data = (out / shard["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == shard["sha256"] and len(data) == shard["bytes"]


def test_shards_carry_each_documents_licence_and_the_licensed_sources_terms(sample_run):
    from pipeline.shards import iter_documents, shard_paths

    out, manifest = sample_run
    rows = [r for p in shard_paths(str(out), "code") for r in iter_documents(p, columns=("origin", "license"))]
    assert {r["license"] for r in rows} == {"BSD-3-Clause", "MIT"}  # the sample's ranger files: GPL, rejected
    code = manifest["sources"]["code"]
    assert code["rejected"]["license"] == {"not_allowed:GPL-3.0-or-later": 17}  # 20 rows, 3 of them symlinks
    rows = [r for p in shard_paths(str(out), "licensed") for r in iter_documents(p, columns=("license", "meta"))]
    assert len(rows) == 8 and {r["license"] for r in rows} == {"MIT"}
    meta = json.loads(rows[0]["meta"])
    assert meta["publisher"].startswith("Zyte") and meta["training_stages"] == ["continued", "context_lengthening"]
    for shard in manifest["shards"]:
        assert sum(shard["licenses"].values()) == shard["documents"]


def test_a_licensed_source_stays_out_of_training_stages_its_licence_does_not_name(sample_run):
    from pipeline.mixture import load_mixture, plan_mixture
    from transforms.params import ConfigError

    _, manifest = sample_run
    mixtures = ROOT / "pipeline" / "mixtures" / "afm_stages.yaml"
    assert plan_mixture(manifest, load_mixture(str(mixtures), "continued"))["sources"]["licensed"]["target_tokens"] > 0
    core = load_mixture(str(mixtures), "core")
    core = dataclasses.replace(core, weights={**core.weights, "licensed": 0.1})
    with pytest.raises(ConfigError, match="source licensed's licence allows the training stages continued, "
                                          "context_lengthening only"):
        plan_mixture(manifest, core)


def test_packed_sequences_have_the_configured_length(sample_run):
    from pipeline.shards import iter_tokens

    out, manifest = sample_run
    sequences = list(iter_tokens(str(out), "code", packed=True))
    assert sequences and {len(s) for s in sequences} == {4096}
    packed = [s["packed"] for s in manifest["shards"] if s["source"] == "code"]
    assert sum(p["sequences"] for p in packed) == len(sequences)
    tokens = manifest["tokens_per_source"]["code"]
    assert len(sequences) * 4096 == tokens + sum(p["pad_tokens"] for p in packed)


def test_mix_plans_a_training_stage_from_the_runs_token_counts(sample_run, tmp_path, capsys):
    from pipeline.mixture import load_mixture, plan_mixture

    out, manifest = sample_run
    mixture_file = str(Path(__file__).resolve().parent.parent / "pipeline" / "mixtures" / "afm_stages.yaml")
    core = plan_mixture(manifest, load_mixture(mixture_file, "core"))
    tokens = manifest["tokens_per_source"]
    for source, entry in core["sources"].items():
        assert entry["available_tokens"] == tokens[source]
        assert entry["epochs"] <= 1.0 + 1e-9  # core: no source repeated
        assert sum(s["tokens"] for s in entry["shards"]) == tokens[source]
    assert max(e["epochs"] for e in core["sources"].values()) == pytest.approx(1.0, abs=1e-3)
    targets = {s: e["target_tokens"] for s, e in core["sources"].items()}
    assert targets["web"] == pytest.approx(3 * targets["cc_text"], rel=1e-3)  # weights 0.6 : 0.2

    plan_path = tmp_path / "core.json"
    assert main(["mix", "--run", str(out), "--mixture", mixture_file, "--stage", "continued",
                 "--output", str(plan_path)]) == 0
    continued = json.loads(plan_path.read_text())
    assert continued["sources"]["math"]["epochs"] == pytest.approx(4.0, abs=1e-3)  # the scarce source caps it
    assert main(["mix", "--run", str(out), "--mixture", mixture_file, "--stage", "context_lengthening"]) == 2
    assert "was not packed to that length" in capsys.readouterr().err


def test_shards_open_with_hugging_face_datasets(sample_run, monkeypatch, tmp_path):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    import datasets

    from pipeline.shards import shard_paths
    from transforms.tokenize import Tokenizer

    out, manifest = sample_run
    files = shard_paths(str(out), "web")
    dataset = datasets.load_dataset("parquet", data_files=files, split="train", cache_dir=str(tmp_path / "cache"))
    assert len(dataset) == manifest["sources"]["web"]["written"]
    tokenizer = Tokenizer(str(out / manifest["tokenizer"]["path"]))
    texts = {r["id"]: r["text"] for r in _records(out / "docs" / "web")}
    row = dataset[0]
    assert tokenizer.decode(row["tokens"]) == texts[row["id"]]


# ---------------------------------------------------------------- runners and restarts (issue 12)


def _sorted_lines(out: Path, kind: str):
    return sorted(line for part in (out / kind).rglob("part-*.jsonl.gz") for line in gzip.open(part, "rt"))


def _winnow(out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipeline", "run", "--output", str(out)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def test_a_run_killed_midway_starts_over_when_rerun_and_never_mixes_runs(sample_run, tmp_path):
    one, _ = sample_run
    out = tmp_path / "killed"
    process = _winnow(out)
    deadline = time.time() + 120
    while not any((out / "docs").rglob("*")) and time.time() < deadline:  # the pipeline is writing
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert (out / RUN_MARKER).exists() and not (out / "manifest.json").exists()  # never claims completion
    (out / "shards" / "web").mkdir(parents=True, exist_ok=True)
    (out / "shards" / "web" / "part-09999.parquet").write_bytes(b"a shard of the killed run")
    # the same command again: no --overwrite needed, the interrupted output is replaced
    rerun = _winnow(out)
    stdout, stderr = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, stderr.decode()[-2000:]
    assert b"stopped before it finished" in stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["conserved"] and not (out / RUN_MARKER).exists()
    on_disk = sorted(str(p.relative_to(out)) for p in (out / "shards").rglob("*.parquet"))
    assert on_disk == sorted(s["path"] for s in manifest["shards"])  # nothing of the killed run is left
    assert _sorted_lines(out, "docs") == _sorted_lines(one, "docs")
    # a finished run is not replaced without --overwrite
    assert main(["run", "--output", str(out)]) == 2


# ---------------------------------------------------------------- the run report (issue 13)


def test_the_run_writes_a_self_contained_report_whose_numbers_are_the_manifests(sample_run):
    from lxml import html as lxml_html

    out, manifest = sample_run
    page = (out / "report.html").read_text(encoding="utf-8")
    tree = lxml_html.fromstring(page)
    # nothing is fetched: no script, stylesheet, image, frame or font from anywhere
    assert not tree.xpath("//script | //link | //img | //iframe | //object | //embed")
    assert not [a for a in tree.xpath("//@src | //@href") if a]
    assert "url(" not in page and "@import" not in page
    assert len(tree.xpath("//svg")) >= 10  # funnel, rejection, histogram, token charts are drawn
    metrics = {cell.get("data-metric"): int(cell.text_content().replace(",", ""))
               for cell in tree.xpath("//td[@data-metric]")}
    for name, entry in manifest["sources"].items():
        assert metrics[f"read:{name}"] == entry["read"] and metrics[f"written:{name}"] == entry["written"]
        assert metrics[f"rejected:{name}"] == entry["rejected_total"]
        assert metrics[f"errors:{name}"] == entry["errors_total"] and metrics[f"tokens:{name}"] == entry["tokens"]
        for stage, reasons in entry["rejected"].items():
            assert metrics[f"stage_rejected:{name}:{stage}"] == sum(reasons.values())
            for reason, count in reasons.items():
                assert metrics[f"reason:{name}:{stage}:{reason}"] == count
    assert "Fuzzy-duplicate clusters by size" in page and "gopher_too_few_words · web" in page
    # examples are escaped text: the report's only elements are its own
    assert {element.tag for element in tree.iter() if isinstance(element.tag, str)} <= {
        "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "span", "table", "tr", "th", "td",
        "div", "details", "summary", "pre", "svg", "rect", "text", "line"}


def test_winnow_report_rewrites_the_same_report(sample_run, tmp_path):
    import shutil

    out, _ = sample_run
    copy = tmp_path / "run"
    shutil.copytree(out, copy)
    (copy / "report.html").unlink()
    assert main(["report", str(copy)]) == 0
    first = (copy / "report.html").read_text(encoding="utf-8")
    assert main(["report", str(copy)]) == 0
    assert (copy / "report.html").read_text(encoding="utf-8") == first  # seeded samples: reproducible
    assert main(["report", str(tmp_path / "nothing")]) == 2
