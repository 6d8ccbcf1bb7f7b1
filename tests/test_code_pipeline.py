"""Code end to end: repositories in (git at a revision, archives, checkouts, dumps), licence, language,
code quality, and `winnow run --kind code` on the six real repositories."""
import collections
import gzip
import json
import os
import subprocess

import apache_beam as beam
import pytest
from apache_beam.testing.util import assert_that, equal_to

from tests.conftest import BEAM_TEST_OPTIONS, DATA, read_jsonl_gz
from transforms.code_quality import CodeQuality, CodeQualityStageParams
from transforms.document import Document
from transforms.ingest.readers import FileContext, ReadFailure, ReadParams, Skipped, read_file
from transforms.license import License
from transforms.params import ConfigError, parse_params
from transforms.stage import RunStage

REPOS = DATA / "code" / "permissive_and_gpl_repo_files.jsonl.gz"


@pytest.fixture(scope="module")
def rows():
    return read_jsonl_gz(REPOS)


def _files_of(rows, repo):
    return {r["path"]: r["content"] for r in rows if r["repo"] == repo}


def _write_tree(root, files):
    for path, content in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")


def _git(root, *args):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_AUTHOR_DATE": "2024-01-01T00:00:00Z",
           "GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z"}
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env).stdout.decode().strip()


@pytest.fixture(scope="module")
def inih_git(tmp_path_factory, rows):
    """benhoyt/inih's real files as a git repository with two commits (v1: as published; then an edit)."""
    root = tmp_path_factory.mktemp("repos") / "inih"
    _write_tree(root, _files_of(rows, "benhoyt/inih"))
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "v1")
    _git(root, "tag", "v1")
    first = _git(root, "rev-parse", "HEAD")
    (root / "ini.c").write_text("/* rewritten */\n", encoding="utf-8")
    (root / "node_modules" / "left-pad").mkdir(parents=True)
    (root / "node_modules" / "left-pad" / "index.js").write_text("module.exports = leftPad;\n")
    os.symlink("ini.h", root / "ini_link.h")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "v2")
    return root, first


def _read(path, kind="code", revision=None, fileobj=None, fmt="repo"):
    ctx = FileContext("code", kind, str(path), os.path.basename(str(path)), ReadParams(revision=revision))
    items = list(read_file(fmt, fileobj, ctx))
    docs = [i for i in items if isinstance(i, Document)]
    return docs, [i for i in items if isinstance(i, ReadFailure)], collections.Counter(
        i.reason for i in items if isinstance(i, Skipped))


def test_a_git_repository_is_read_at_a_revision_without_a_checkout(inih_git, rows):
    root, first = inih_git
    published = _files_of(rows, "benhoyt/inih")
    docs, failures, skipped = _read(root, revision="v1")
    assert not failures and not skipped and {d.meta["path"]: d.text for d in docs} == published
    assert {d.meta["revision"] for d in docs} == {first} and {d.meta["repo"] for d in docs} == {"inih"}
    ini_c = next(d for d in docs if d.meta["path"] == "ini.c")
    assert ini_c.meta["language"] == "C" and ini_c.meta["size_bytes"] == len(published["ini.c"].encode())
    assert ini_c.origin == "inih/ini.c"
    # HEAD of the same repository: the edit, the symlink and the vendored tree are seen and handled
    docs, _, skipped = _read(root, revision="main")
    assert next(d for d in docs if d.meta["path"] == "ini.c").text == "/* rewritten */\n"
    assert skipped["symlink"] == 1 and skipped["vendored_dir"] == 1
    # a bare clone reads at HEAD by default
    bare = root.parent / "inih.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(root), str(bare)], check=True)
    docs_bare, _, _ = _read(bare)
    assert sorted(d.meta["path"] for d in docs_bare) == sorted(d.meta["path"] for d in docs)
    assert {d.meta["repo"] for d in docs_bare} == {"inih"}


def test_archives_from_git_archive_keep_the_commit_and_lose_the_top_directory(inih_git, tmp_path):
    root, first = inih_git
    for fmt in ("tar.gz", "zip"):
        archive = tmp_path / f"inih-v1.{fmt}"
        _git(root, "archive", f"--format={fmt}", "--prefix=inih-v1/", "-o", str(archive), "v1")
        with open(archive, "rb") as handle:
            docs, failures, _ = _read(archive, fileobj=handle)
        assert not failures and {d.meta["revision"] for d in docs} == {first}, fmt
        assert "ini.c" in {d.meta["path"] for d in docs} and {d.meta["repo"] for d in docs} == {"inih-v1"}


def test_a_plain_directory_is_walked_and_binary_and_lock_files_are_counted_not_read(tmp_path, rows):
    root = tmp_path / "slugify"
    _write_tree(root, _files_of(rows, "sindresorhus/slugify"))
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (root / "package-lock.json").write_text("{}\n")
    docs, failures, skipped = _read(root)
    assert not failures and skipped == {"binary": 1, "lock_file": 1}
    assert {d.meta["path"] for d in docs} == set(_files_of(rows, "sindresorhus/slugify"))
    assert all(d.meta["revision"] is None for d in docs)


def test_a_truncated_archive_is_a_dead_letter_after_the_files_before_the_damage(inih_git, tmp_path):
    from transforms.ingest.read import ReadSource

    root, _ = inih_git
    archive = tmp_path / "inih.tar.gz"
    _git(root, "archive", "--format=tar.gz", "--prefix=inih/", "-o", str(archive), "v1")
    whole = archive.read_bytes()
    (tmp_path / "cut").mkdir()
    (tmp_path / "cut" / "inih.tar.gz").write_bytes(whole[: len(whole) // 2])
    with beam.Pipeline(options=beam.options.pipeline_options.PipelineOptions(BEAM_TEST_OPTIONS)) as p:
        out = p | ReadSource("code", "code", [str(tmp_path / "cut" / "*.tar.gz")], "repo")
        assert_that(out.errors | beam.Map(lambda e: e["stage"]), equal_to(["read"]), label="errors")
        assert_that(out.documents | beam.combiners.Count.Globally() | beam.Map(lambda n: n > 0),
                    equal_to([True]), label="some files")


def _run_stage(stage, docs, out_dir):
    """Documents through a stage in Beam: (kept documents, rejection records) as JSON objects."""
    with beam.Pipeline(options=beam.options.pipeline_options.PipelineOptions(BEAM_TEST_OPTIONS)) as p:
        out = p | beam.Create(docs) | RunStage(stage)
        out.kept | "Kept" >> beam.Map(lambda d: json.dumps(d.to_output_record())) | "WriteKept" >> beam.io.WriteToText(
            str(out_dir / "kept"))
        out.rejected | "Rejected" >> beam.Map(json.dumps) | "WriteRejected" >> beam.io.WriteToText(
            str(out_dir / "rejected"))
    return tuple([json.loads(line) for part in out_dir.glob(f"{name}-*") for line in part.read_text().splitlines()]
                 for name in ("kept", "rejected"))


def test_every_reference_licence_as_a_repositorys_license_file_is_detected_and_judged(tmp_path, rows):
    """The 47 reference texts, each the LICENSE of a repository holding slugify's real index.js."""
    from transforms.license_detection import DEFAULT_ALLOWED, is_allowed
    from transforms.license_detection.references import reference_files, split_front_matter

    source = _files_of(rows, "sindresorhus/slugify")["index.js"]
    docs, expected = [], {}
    for name, raw in sorted(reference_files().items()):
        spdx, text = split_front_matter(raw)
        text = text.replace("[year]", "2021").replace("[fullname]", "Jane Doe")
        repo = f"example/{name}"
        for path, content in (("LICENSE", text), ("index.js", source)):
            meta = {"repo": repo, "commit": "abc", "path": path}
            docs.append(Document(f"{repo}/{path}", "code", "code", f"{repo}/{path}", text=content, meta=meta))
        expected[repo] = spdx
    assert len(expected) == 47
    kept, rejected = _run_stage(License(), docs, tmp_path)
    verdicts = {}
    for record in kept:
        verdicts.setdefault(record["meta"]["repo"], set()).add(("kept", record["scores"]["license"]["license"]))
    for record in rejected:
        repo = record["origin"].rsplit("/", 1)[0]
        verdicts.setdefault(repo, set()).add((record["reason"], record["measurements"]["license"]))
    for repo, spdx in expected.items():
        (outcome, found), = verdicts[repo]  # both files of a repository judged alike
        base = lambda s: s.replace("-or-later", "").replace("-only", "")  # noqa: E731
        assert base(found) == base(spdx), repo
        assert (outcome == "kept") == is_allowed(found, DEFAULT_ALLOWED), repo
        if outcome != "kept":
            assert outcome == f"not_allowed:{found}"


def test_code_quality_keeps_the_languages_asked_for_and_names_the_failing_rule(rows):
    stage = CodeQuality()
    stage.setup()
    files = _files_of(rows, "benhoyt/inih")

    def judged(path, text, language=None):
        meta = {"path": path, "language": language} if language else {"path": path}
        return stage.judge(Document(path, "code", "code", path, text=text, meta=meta))

    assert judged("ini.c", files["ini.c"]).kept
    verdict = judged("README.md", files["README.md"])
    assert verdict.reason == "other_language" and verdict.measurements["language"] == "Markdown"
    minified = judged("ini.c", files["ini.c"].replace("\n", " "))
    assert minified.reason in ("max_line_length", "mean_line_length")
    loose = CodeQuality(parse_params(CodeQualityStageParams, {"languages": ["C", "Markdown"], "per_language": {
        "C": {"max_line_length": None, "max_mean_line_length": None}}}, "code_quality"))
    loose.setup()
    assert loose.judge(Document("x", "code", "code", "x", text=files["README.md"], meta={"path": "README.md"})).kept
    with pytest.raises(ConfigError, match="per_language.C.max_line_length"):
        parse_params(CodeQualityStageParams, {"per_language": {"C": {"max_line_length": "long"}}}, "code_quality")


def test_winnow_run_on_the_six_real_repositories(tmp_path, rows):
    from pipeline.cli import main

    out = tmp_path / "out"
    assert main(["run", "--input", str(REPOS), "--kind", "code", "--output", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    code = manifest["sources"]["code"]
    assert code["conserved"] and code["read"] + sum(code["skipped_records"].values()) == len(rows)
    assert code["skipped_records"] == {"lock_file": 1, "symlink": 7}  # uv.lock; ranger's doc/config links
    assert code["rejected"]["license"] == {"not_allowed:GPL-3.0-or-later": 156}  # all of ranger read (163 - 7 links)
    written = [json.loads(line) for part in (out / "docs" / "code").glob("part-*") for line in gzip.open(part, "rt")]
    by_repo = collections.Counter(r["meta"]["repo"] for r in written)
    licences = {r["meta"]["repo"]: r["meta"]["license"] for r in written}
    assert set(by_repo) == {"pallets/itsdangerous", "benhoyt/inih", "google/python-fire", "kennethreitz/records",
                            "sindresorhus/slugify"}
    for repo, licence in licences.items():
        assert licence == next(r["repo_license_spdx"] for r in rows if r["repo"] == repo)
    assert {r["meta"]["language"] for r in written} <= {"Python", "C", "C++", "JavaScript", "TypeScript", "Shell"}
    assert code["rejected"]["code_quality"]["other_language"] > 0 and code["tokens"] > 0


def test_fuzzy_dedup_finds_a_lightly_edited_copy_of_a_real_source_file(rows, tmp_path):
    """Shingles are 5-grams of identifier-level tokens (punctuation is a separator), as BigCode's
    near-dedup of The Stack: a fork's copy with a new header, renamed variable and reformatting
    collides; other files of the same repository do not."""
    from transforms.fuzzy_dedup import FuzzyDedup, FuzzyDedupParams

    files = _files_of(rows, "google/python-fire")
    originals = sorted((p for p in files if p.endswith(".py") and len(files[p]) > 3000), key=len)[:6]
    base = files[originals[0]]
    fork = ("# Vendored copy, modified for our build.\n" + base.replace("    ", "  ")
            .replace("component", "comp").replace("\n\n\n", "\n\n"))
    docs = [Document(f"fire/{p}", "code", "code", p, text=files[p], meta={"path": p}) for p in originals]
    docs.append(Document("fork/copy.py", "code", "code", "fork/copy.py", text=fork, meta={"path": "copy.py"}))
    with beam.Pipeline(options=beam.options.pipeline_options.PipelineOptions(BEAM_TEST_OPTIONS)) as p:
        out = p | beam.Create(docs) | FuzzyDedup(FuzzyDedupParams(), str(tmp_path))
        out.rejected | beam.Map(lambda r: r["id"]) | beam.io.WriteToText(str(tmp_path / "rejected"))
    rejected = [line for part in tmp_path.glob("rejected-*") for line in part.read_text().splitlines()]
    assert len(rejected) == 1 and rejected[0] in ("fork/copy.py", f"fire/{originals[0]}")
