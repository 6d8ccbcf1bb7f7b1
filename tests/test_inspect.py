"""`winnow inspect` and the per-rule share table, on a real (small) finished run."""
import copy
import gzip
import json
import shutil
import subprocess
import sys
from collections import Counter

import pytest

from pipeline import inspect as inspect_mod
from pipeline.cli import main as winnow_main
from tests.conftest import BEAM_TEST_OPTIONS, DATA, ROOT, SAMPLE

# Two sources so shares exist over all sources and per source; three stages that reject:
# langid (a strict confidence, cc_text only), exact_dedup (more_cc repeats a cc_text file),
# quality (more_cc with a high min_words).
CONFIG = f"""
sources:
  - name: cc_text
    kind: public
    paths: [{SAMPLE}/cc_text/*.jsonl.gz]
    stages: {{langid: {{min_confidence: 0.93}}, exact_dedup: {{}}, quality: {{}}}}
  - name: more_cc
    kind: public
    paths: [{DATA}/web_text/*.jsonl.gz, {SAMPLE}/cc_text/cc_en_head-0091.jsonl.gz]
    stages: {{exact_dedup: {{}}, quality: {{min_words: 400}}}}
"""


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A finished run: (output dir, its manifest)."""
    base = tmp_path_factory.mktemp("inspect")
    (base / "config.yaml").write_text(CONFIG)
    out = base / "out"
    assert winnow_main(["run", "--config", str(base / "config.yaml"), "--output", str(out)] + BEAM_TEST_OPTIONS) == 0
    return out, json.loads((out / "manifest.json").read_text())


def _records(directory):
    for path in sorted(directory.glob("part-*")):
        opener = gzip.open if path.name.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as handle:
            yield from (json.loads(line) for line in handle if line.strip())


def _rejections(out):
    """(stage, reason) -> {(source, id): record}, read straight from the files."""
    found = {}
    for directory in (out / "rejected").iterdir():
        for record in _records(directory):
            found.setdefault((record["stage"], record["reason"]), {})[(record["source"], record["id"])] = record
    return found


def _inspect_json(capsys, *args):
    assert inspect_mod.main(list(args) + ["--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_test_run_rejects_at_several_stages(run):
    _, manifest = run
    stages = {stage for entry in manifest["sources"].values() for stage in entry["rejected"]}
    assert {"langid", "exact_dedup", "quality"} <= stages


def test_shares_name_every_rule_with_the_manifest_counts(run):
    out, manifest = run
    rows = inspect_mod.rejection_shares(manifest)
    on_disk = {key: Counter(source for source, _ in records) for key, records in _rejections(out).items()}
    for name, entry in manifest["sources"].items():
        for stage, reasons in entry["rejected"].items():
            for reason, count in reasons.items():
                by_source = [r for r in rows if (r.stage, r.reason, r.source) == (stage, reason, name)]
                assert len(by_source) == 1 and by_source[0].rejected == count == on_disk[(stage, reason)][name]
                assert by_source[0].stage_read == entry["stages"][stage]["in"]
                assert by_source[0].share == count / entry["stages"][stage]["in"]
    for row in (r for r in rows if r.source == inspect_mod.ALL_SOURCES):
        ran = [e for e in manifest["sources"].values() if row.stage in e["stages"]]
        assert row.rejected == sum(e["rejected"].get(row.stage, {}).get(row.reason, 0) for e in ran)
        assert row.stage_read == sum(e["stages"][row.stage]["in"] for e in ran)
    order = ["langid", "exact_dedup", "quality"]  # flow order
    assert [r.stage for r in rows] == sorted((r.stage for r in rows), key=order.index)
    headline = {}  # a rule's first row is its headline (over all sources, or the only source)
    for r in rows:
        headline.setdefault((r.stage, r.reason), r.rejected)
    for stage in order:  # within a stage, the biggest reason first
        counts = [n for (s, _), n in headline.items() if s == stage]
        assert counts == sorted(counts, reverse=True)


def test_report_table_prints_count_and_share_per_rule(run):
    _, manifest = run
    table = inspect_mod.format_rejection_shares(manifest)
    lines = [line.split() for line in table.splitlines()]
    langid = manifest["sources"]["cc_text"]["stages"]["langid"]
    n = langid["rejected"]["low_confidence"]
    assert ["langid", "low_confidence", "cc_text", str(n), str(langid["in"]), f"{100 * n / langid['in']:.1f}%"] in lines
    dup = manifest["sources"]["more_cc"]["stages"]["exact_dedup"]
    assert ["exact_dedup", "duplicate", "more_cc", str(dup["rejected"]["duplicate"]), str(dup["in"]),
            f"{100 * dup['rejected']['duplicate'] / dup['in']:.1f}%"] in lines


def test_one_source_runs_get_no_source_column_and_shares_without_metrics(run):
    _, manifest = run
    only = copy.deepcopy(manifest)
    only["sources"] = {"more_cc": only["sources"]["more_cc"]}
    with_counters = inspect_mod.rejection_shares(only)
    for entry in only["sources"].values():  # a runner that reports no metrics: derived from the data counts
        entry["stages"] = {}
    assert inspect_mod.rejection_shares(only) == with_counters
    table = inspect_mod.format_rejection_shares(only)
    assert table.splitlines()[1].split() == ["stage", "reason", "rejected", "of", "read", "share"]
    assert "more_cc" not in table


def test_samples_are_real_rejections_with_their_measurements(run):
    out, manifest = run
    report = inspect_mod.inspect_run(str(out), samples=3)
    on_disk = _rejections(out)
    assert {(r["stage"], r["reason"]) for r in report["rules"]} == set(on_disk)
    for rule in report["rules"]:
        records = on_disk[(rule["stage"], rule["reason"])]
        assert len(rule["samples"]) == min(3, len(records)) == min(3, rule["rejected"])
        for sample in rule["samples"]:
            record = records[(sample["source"], sample["id"])]
            assert sample["measurements"] == record["measurements"] and sample["measurements"]
            assert sample["origin"] == record["origin"]
            assert sample["excerpt"] == " ".join(record["text_preview"].split())[:500]


def test_same_seed_same_samples_and_the_seed_matters(run):
    out, _ = run
    stage, reason = "exact_dedup", "duplicate"  # 9 rejections, 3 samples: a real choice

    def ids(seed):
        report = inspect_mod.inspect_run(str(out), stage=stage, reason=reason, samples=3, seed=seed)
        return [(s["source"], s["id"]) for s in report["rules"][0]["samples"]]

    assert ids(7) == ids(7)
    draws = [ids(seed) for seed in range(8)]
    assert len({tuple(d) for d in draws}) > 1
    assert len({i for d in draws for i in d}) > 3  # not always the first three of the file
    # a rule's sample does not depend on which other rules are shown
    full = inspect_mod.inspect_run(str(out), samples=3, seed=7)
    assert [(s["source"], s["id"]) for r in full["rules"] if (r["stage"], r["reason"]) == (stage, reason)
            for s in r["samples"]] == ids(7)


def test_kept_samples_show_scores_of_documents_that_pass(run, capsys):
    out, manifest = run
    report = _inspect_json(capsys, str(out), "--kept", "--samples", "2")
    assert set(report["kept"]) == set(manifest["sources"])
    for name, entry in report["kept"].items():
        docs = {d["id"]: d for d in _records(out / "docs" / name)}
        assert entry["written"] == len(docs) == manifest["sources"][name]["written"]
        assert len(entry["samples"]) == 2
        for sample in entry["samples"]:
            assert sample["scores"] == docs[sample["id"]]["scores"] and "quality" in sample["scores"]
    only_quality = _inspect_json(capsys, str(out), "--kept", "--stage", "quality", "--source", "cc_text")
    assert list(only_quality["kept"]) == ["cc_text"]
    assert all(list(s["scores"]) == ["quality"] for s in only_quality["kept"]["cc_text"]["samples"])
    text = inspect_mod.format_report(inspect_mod.inspect_run(str(out), kept=True, samples=1, source="more_cc"))
    assert "kept in more_cc: 1 of" in text and "quality: " in text and "words=" in text


def test_filters_keep_only_that_stage_reason_and_source(run, capsys):
    out, manifest = run
    rules = _inspect_json(capsys, str(out), "--stage", "quality")["rules"]
    assert rules and {r["stage"] for r in rules} == {"quality"}
    entry = manifest["sources"]["more_cc"]
    rules = _inspect_json(capsys, str(out), "--source", "more_cc")["rules"]
    assert {(r["stage"], r["reason"], r["rejected"]) for r in rules} == {
        (stage, reason, n) for stage, reasons in entry["rejected"].items() for reason, n in reasons.items()}
    assert all(r["source"] == "more_cc" and r["stage_read"] == entry["stages"][r["stage"]]["in"] for r in rules)
    assert all(s["source"] == "more_cc" for r in rules for s in r["samples"])
    rules = _inspect_json(capsys, str(out), "--reason", "low_confidence")["rules"]
    assert [(r["stage"], r["reason"]) for r in rules] == [("langid", "low_confidence")]
    assert inspect_mod.main([str(out), "--stage", "quality", "--reason", "no_such_reason"]) == 0
    text = capsys.readouterr().out  # a reason that rejected nothing (or a typo): say which rules did
    assert "no rejections match" in text and "langid/low_confidence" in text


@pytest.mark.parametrize("args, message", [
    (["--stage", "qualty"], "no stage 'qualty'"),
    (["--source", "nope"], "no source 'nope'"),
])
def test_a_filter_naming_nothing_is_an_error(run, capsys, args, message):
    out, _ = run
    assert inspect_mod.main([str(out)] + args) == 2
    assert message in capsys.readouterr().err


def test_text_output_lists_rules_and_sample_ids(run, capsys):
    out, manifest = run
    assert inspect_mod.main([str(out), "--samples", "2", "--chars", "40"]) == 0
    text = capsys.readouterr().out
    report = inspect_mod.inspect_run(str(out), samples=2, chars=40)
    for rule in report["rules"]:
        assert f"{rule['stage']} / {rule['reason']}: {rule['rejected']} rejected" in text
        for sample in rule["samples"]:
            assert sample["id"] in text and len(sample["excerpt"]) <= 40 and f'"{sample["excerpt"]}"' in text


def test_not_a_finished_run_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "docs").mkdir()
    assert inspect_mod.main([str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "not a finished winnow run" in err and "manifest.json" in err


def test_plain_jsonl_output_reads_like_gzip(run, tmp_path):
    out, _ = run
    copy_dir = tmp_path / "out"
    shutil.copytree(out, copy_dir)
    for path in (copy_dir / "rejected").glob("*/part-*.jsonl.gz"):
        path.with_name(path.name[:-3]).write_bytes(gzip.decompress(path.read_bytes()))
        path.unlink()
    plain = inspect_mod.inspect_run(str(copy_dir), samples=3, seed=3)
    gz = inspect_mod.inspect_run(str(out), samples=3, seed=3)
    assert plain["rules"] == gz["rules"]


def test_reservoir_is_uniform_and_bounded():
    picks = Counter()
    for seed in range(1000):
        reservoir = inspect_mod.Reservoir(3, str(seed))
        for item in range(10):
            reservoir.offer(item)
        assert len(reservoir.items) == 3 and len(set(reservoir.items)) == 3
        picks.update(reservoir.items)
    assert all(220 < picks[item] < 380 for item in range(10)), picks  # each expected 300 times


def test_excerpt_collapses_whitespace_and_cuts():
    assert inspect_mod.excerpt("a\n\n  b\tc   ", 100) == "a b c"
    assert inspect_mod.excerpt("word " * 10_000, 12) == "word word wo"
    assert inspect_mod.excerpt("", 5) == ""


def test_runs_as_a_module(run):
    out, _ = run
    done = subprocess.run([sys.executable, "-m", "pipeline.inspect", str(out), "--samples", "0"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "low_confidence" in done.stdout and "apitools" not in done.stderr
