#!/usr/bin/env python3
"""End to end, side by side: winnow's web pipeline and datatrove's FineWeb pipeline on the same
WARC corpus, the same cores, in one run (issue 13).

    .venv/bin/python perf/e2e_vs_datatrove.py --pages 5000 [--rounds 2] [--profile]

What it does, in order:
  1. Builds the corpus with ../shared/perf/make_corpus.py if missing (CORPUS_DIR/corpus-N.warc.gz and
     its .truth.json: every record's URL, source page and kind: original / exact / near / variant /
     contaminated), then deals its records round-robin into --shards WARC files (datatrove gives
     each task whole files, so one file would use one core), adding to each response record the
     WARC-Identified-Payload-Type header Common Crawl's WARCs carry (without it datatrove's reader
     sniffs payloads with libmagic and silently skips ~19% of these pages; --raw-payload-type keeps
     the records byte for byte). Both pipelines read the same shard files.
  2. Creates datatrove's own virtual environment (--datatrove-venv; python3.11 -m venv, then
     pip install "datatrove[io,processing]" spacy aiohttp) if missing. What it needs offline is described in
     perf/datatrove_fineweb.py.
  3. Runs, --rounds times, in alternating order:
       datatrove      perf/datatrove_fineweb.py run (FineWeb's steps, LocalPipelineExecutor
                      tasks=--workers, workers=--workers), with the datatrove venv's python
       winnow-same    winnow run with the same work: extract, langid (English, >= 0.65, like
                      FineWeb's LanguageFilter), url_filter, exact_dedup, fuzzy_dedup (5-grams,
                      14 x 8), quality (Gopher quality + repetition, C4, FineWeb; the fastText score
                      off), docs written
       winnow-full    (--full) winnow's whole default web pipeline: + safety, pii, decontaminate,
                      tokenize, the quality model, every language
     winnow runs with --direct_running_mode=--winnow-mode --direct_num_workers=--workers.
     Each run is timed from process start to exit, with the peak memory of its whole process tree
     (RSS and PSS summed over the root and every descendant, sampled from /proc every 0.2 s) and
     its CPU time (user+sys of every process seen; the sampler itself costs ~0.1 core, on both sides).
     Processes a run leaves behind (multiprocess's forkserver) are ended by pid after it.
  4. Scores what each kept against truth.json:
       - extraction: token F1 against the AEB article bodies and snippet P/R/F1 on trafilatura's
         evaluation set (perf/extract_eval.py's functions), on the final documents whose page has
         ground truth and that are originals or exact copies; also on the pages both kept; and
         each extractor alone, as configured in its pipeline, on every ground-truth page (untimed).
       - dedup: documents grouped by their source page (make_corpus's copies of one page are
         duplicates of each other; Mozilla Readability's source.html and expected.html of one case
         are one group). Over the documents that entered each pipeline's dedup: duplicate copies
         that should go (entered - 1 per group), those still kept (missed), recall, and pages whose
         every copy was removed (false merges).
  5. Per-stage cost: datatrove's own per-step times (stats.json, summed over tasks); for winnow,
     --profile runs winnow-same once more under py-spy (--pyspy; `pip install py-spy` in any venv;
     all processes, 100 Hz, samples of waiting threads left out) and
     attributes each sample to the stage whose code is innermost on the stack (core-seconds summed
     over workers), and lists the hottest lines.
Prints a side-by-side table; writes everything to --json.
"""
from __future__ import annotations

import argparse
import collections
import glob
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "perf"))

from extract_eval import score_snippets, token_prf  # noqa: E402

SHARED = ROOT.parent / "shared"
MAKE_CORPUS = SHARED / "perf" / "make_corpus.py"
EXTRACTION = SHARED / "data" / "extraction"
WINNOW = ROOT / ".venv" / "bin" / "winnow"
PY = ROOT / ".venv" / "bin" / "python"


# ---------------------------------------------------------------- memory of a process tree

def _children_map():
    children = collections.defaultdict(list)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        children[int(fields[1])].append(int(entry))
    return children


def _tree(root: int):
    children, out, todo = _children_map(), [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, ()))
    return out


_PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss_pss(pid: int):
    try:
        with open(f"/proc/{pid}/statm") as fh:
            rss = int(fh.read().split()[1]) * _PAGE
        pss = 0
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
                    break
        return rss, pss
    except (OSError, ValueError, IndexError):
        return 0, 0


_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int):
    """(start time, CPU seconds user+sys) of a process, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat", "rb") as fh:
        fields = fh.read().rsplit(b")", 1)[1].split()
    return int(fields[19]), (int(fields[11]) + int(fields[12])) / _TICK


class TreeMemory(threading.Thread):
    """Samples a process and all its descendants every `interval` s: peak summed RSS and PSS, and
    each process's CPU time (the last value seen; processes living < interval are missed)."""

    def __init__(self, pid: int, interval: float = 0.2):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_rss = self.peak_pss = 0
        self.max_processes = 0
        self.cpu = {}  # (pid, start time) -> CPU seconds
        self._halt = threading.Event()

    def run(self):
        while not self._halt.is_set():
            pids = _tree(self.pid)
            rss = pss = 0
            for pid in pids:
                r, p = _rss_pss(pid)
                rss, pss = rss + r, pss + p
                try:
                    start, cpu = _stat(pid)
                    self.cpu[(pid, start)] = cpu
                except (OSError, IndexError, ValueError):
                    pass
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            self.max_processes = max(self.max_processes, len(pids))
            self._halt.wait(self.interval)

    def stop(self):
        self._halt.set()
        self.join()

    def leftovers(self):
        """Processes of the tree still alive after the root exited (daemons reparented to init,
        e.g. multiprocess's forkserver and resource tracker): the same pid and start time."""
        alive = []
        for pid, start in self.cpu:
            try:
                if pid != self.pid and _stat(pid)[0] == start:
                    alive.append(pid)
            except (OSError, IndexError, ValueError):
                pass
        return alive


def timed_run(cmd, log_path: Path, env=None):
    """Runs cmd; returns wall seconds, CPU seconds and peak RSS/PSS (MiB) of its process tree."""
    import signal

    started = time.perf_counter()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        sampler = TreeMemory(proc.pid)
        sampler.start()
        code = proc.wait()
        wall = time.perf_counter() - started
        sampler.stop()
    left = sampler.leftovers()
    for pid in left:  # only processes this run started, by pid (and start time)
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:
            pass
    return {"wall_seconds": wall, "cpu_seconds": sum(sampler.cpu.values()),
            "peak_rss_mib": sampler.peak_rss / 2**20, "peak_pss_mib": sampler.peak_pss / 2**20,
            "max_processes": sampler.max_processes, "leftover_processes_ended": len(left), "exit_code": code,
            "log": str(log_path)}


# ---------------------------------------------------------------- corpus

def ensure_corpus(pages: int, corpus_dir: Path, shards: int, payload_type: bool) -> tuple[Path, Path, Path]:
    """The corpus, and its records dealt round-robin into `shards` files (one gzip member each, as
    written). With `payload_type`, every record gets the WARC-Identified-Payload-Type header that
    Common Crawl's WARCs carry (text/html: what the records' HTTP Content-Type says); the WARC block
    and its digests are untouched. Without it, datatrove's WarcReader sniffs each payload with
    libmagic and silently drops the pages it does not call HTML."""
    corpus_dir.mkdir(parents=True, exist_ok=True)
    warc = corpus_dir / f"corpus-{pages}.warc.gz"
    truth = Path(str(warc) + ".truth.json")
    if not (warc.exists() and truth.exists()):
        print(f"building the corpus: {MAKE_CORPUS} --pages {pages} --out {warc}", flush=True)
        subprocess.run([str(PY), str(MAKE_CORPUS), "--pages", str(pages), "--out", str(warc)], check=True)
    shard_dir = corpus_dir / f"shards-{pages}-{shards}{'-cc' if payload_type else ''}"
    done = shard_dir / "_done"
    if not done.exists():
        from warcio.archiveiterator import ArchiveIterator

        shutil.rmtree(shard_dir, ignore_errors=True)
        shard_dir.mkdir()
        with open(warc, "rb") as src:
            it = ArchiveIterator(src)
            starts = [it.get_record_offset() for _record in it]
        outs = [open(shard_dir / f"part-{i:04d}.warc.gz", "wb") for i in range(shards)]
        data = warc.read_bytes()
        n = 0
        for n, (start, end) in enumerate(zip(starts, starts[1:] + [len(data)])):
            chunk = data[start:end]  # one gzip member: one record
            record = gzip.decompress(chunk)
            if payload_type and b"WARC-Type: response" in record[:2000]:
                first = record.index(b"\r\n") + 2
                chunk = gzip.compress(record[:first] + b"WARC-Identified-Payload-Type: text/html\r\n" + record[first:],
                                      compresslevel=6)
            outs[n % shards].write(chunk)
        n += 1
        for fh in outs:
            fh.close()
        done.write_text(json.dumps({"records": n}))
    return warc, truth, shard_dir


# ---------------------------------------------------------------- datatrove's venv

def ensure_datatrove_venv(venv: Path) -> Path:
    python = venv / "bin" / "python"
    marker = venv / ".winnow-perf-ready"
    if not marker.exists():
        if not python.exists():
            subprocess.run(["python3.11", "-m", "venv", str(venv)], check=True)
        # io: warcio for WarcReader; spacy: datatrove's English word tokenizer (spacy.blank, no model);
        # aiohttp: fsspec's https support, which datatrove's asset cache path computation imports
        subprocess.run([str(python), "-m", "pip", "install", "-q", "datatrove[io,processing]==0.10.1", "spacy>=3.8",
                        "aiohttp"], check=True)
        marker.write_text("ok\n")
    return python


# ---------------------------------------------------------------- winnow configs

def winnow_config(path: Path, shard_glob: str, variant: str) -> Path:
    """winnow-same: datatrove's FineWeb steps (winnow runs them in its own flow order: url_filter
    after extract, quality after dedup); winnow-full: the default web flow with default parameters."""
    import yaml

    if variant == "same":
        stages = ["extract", "langid", "url_filter", "exact_dedup", "fuzzy_dedup", "quality"]
        params = {"langid": {"languages": ["en"], "min_confidence": 0.65},  # FineWeb's LanguageFilter
                  "fuzzy_dedup": {"ngram": 5, "num_perm": 112, "bands": 14, "rows": 8, "seed": 1},
                  "quality": {"model": False}}  # the rules only: FineWeb has no quality model
    else:
        stages = ["extract", "langid", "url_filter", "safety", "pii", "exact_dedup", "fuzzy_dedup", "quality",
                  "decontaminate", "tokenize"]
        params = {}
    config = {"stages": params,
              "sources": [{"name": "web", "kind": "web", "paths": [shard_glob], "stages": stages}]}
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def winnow_cmd(config: Path, out: Path, mode: str, workers: int):
    cmd = [str(WINNOW), "run", "--config", str(config), "--output", str(out), "--overwrite", "--progress-seconds", "0"]
    if mode == "in_memory":
        cmd += ["--direct_running_mode=in_memory"]
    else:
        cmd += [f"--direct_running_mode={mode}", f"--direct_num_workers={workers}"]
    return cmd


# ---------------------------------------------------------------- reading outputs

def read_jsonl_gz(pattern: str):
    for name in sorted(glob.glob(pattern, recursive=True)):
        with gzip.open(name, "rt", encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield json.loads(line)


def winnow_outcome(out: Path) -> dict:
    manifest = json.loads((out / "manifest.json").read_text())
    kept = {r["origin"]: r["text"] for r in read_jsonl_gz(str(out / "docs" / "*" / "*.jsonl.gz"))}
    rejected = collections.defaultdict(dict)
    for stage_dir in sorted((out / "rejected").glob("*")):
        for r in read_jsonl_gz(str(stage_dir / "*.jsonl.gz")):
            rejected[stage_dir.name][r["origin"]] = r["reason"]
    dedup_removed = set(rejected.get("exact_dedup", {})) | set(rejected.get("fuzzy_dedup", {}))
    # what passed both dedup stages: rejected later (quality, safety...) or written
    after_stages = [s for s in ("quality", "decontaminate", "tokenize") if s in rejected]
    after_dedup = set(kept) | {u for s in after_stages for u in rejected[s]}
    source = next(iter(manifest["sources"].values()))
    return {"kept": kept, "dedup_in": dedup_removed | after_dedup, "dedup_kept": after_dedup,
            "stages": source["stages"], "read": source["read"], "written": source["written"],
            "manifest_wall_seconds": manifest["wall_seconds"],
            "rejected_by_stage": {s: len(v) for s, v in rejected.items()}}


def datatrove_outcome(work: Path) -> dict:
    def url(r):
        return (r.get("metadata") or {}).get("url") or r.get("url")

    filtered = {url(r): r["text"] for r in read_jsonl_gz(str(work / "filtered" / "*.jsonl.gz"))}
    kept = {url(r): r["text"] for r in read_jsonl_gz(str(work / "output" / "*.jsonl.gz"))}
    return {"kept": kept, "dedup_in": set(filtered), "dedup_kept": set(kept), "written": len(kept),
            "filtered": len(filtered)}


# ---------------------------------------------------------------- ground truth

def page_group(page: str) -> str:
    """Copies of one source page form a group; a Readability case's source and expected pages too."""
    m = re.match(r"extraction/mozilla_readability/([^/]+)/", page)
    return f"readability/{m.group(1)}" if m else page


def load_ground_truth():
    """page name (as in truth.json) -> ("aeb", articleBody) or ("tev", case)."""
    gt = {}
    aeb = json.loads((EXTRACTION / "scrapinghub_aeb" / "ground-truth.json").read_text())
    for page_id, case in aeb.items():
        gt[f"extraction/scrapinghub_aeb/html/{page_id}.html.gz"] = ("aeb", case["articleBody"], case["url"])
    tev = json.loads((EXTRACTION / "trafilatura_eval" / "evaldata.json").read_text())
    for page_url, case in tev.items():
        gt[f"extraction/trafilatura_eval/html/{case['file']}"] = ("tev", case, page_url)
    return gt


def extraction_scores(texts_by_page: dict, gt: dict) -> dict:
    """texts_by_page: page name -> extracted text. AEB token P/R/F1 (mean over pages); TEV snippets."""
    aeb = [token_prf(text, gt[p][1]) for p, text in texts_by_page.items() if p in gt and gt[p][0] == "aeb"]
    tev_pages = [(p, text) for p, text in texts_by_page.items() if p in gt and gt[p][0] == "tev"]
    out = {"aeb_pages": len(aeb), "tev_pages": len(tev_pages)}
    if aeb:
        out.update(aeb_p=statistics.mean(s[0] for s in aeb), aeb_r=statistics.mean(s[1] for s in aeb),
                   aeb_f1=statistics.mean(s[2] for s in aeb))
    if tev_pages:
        p, r, f, found, absent = score_snippets([t for _, t in tev_pages], [(None, None, gt[p][1]) for p, _ in tev_pages])
        out.update(tev_p=p, tev_r=r, tev_f1=f, tev_with=found, tev_without=absent)
    return out


def kept_extraction(kept: dict, truth_by_url: dict, gt: dict, only_urls=None) -> dict:
    texts = {}
    for url, text in kept.items():
        t = truth_by_url.get(url)
        if t is None or t["kind"] not in ("original", "exact") or t["page"] not in gt:
            continue
        if only_urls is not None and url not in only_urls:
            continue
        texts.setdefault(t["page"], text)  # one text per page (an exact copy has the same text)
    return extraction_scores(texts, gt)


def dedup_scores(outcome: dict, truth_by_url: dict) -> dict:
    entered = collections.Counter(page_group(truth_by_url[u]["page"]) for u in outcome["dedup_in"])
    survived = collections.Counter(page_group(truth_by_url[u]["page"]) for u in outcome["dedup_kept"])
    should_go = sum(n - 1 for n in entered.values())
    missed = sum(max(survived[g] - 1, 0) for g in entered)
    lost = sorted(g for g in entered if survived[g] == 0)
    by_kind = collections.defaultdict(lambda: [0, 0])
    for u in outcome["dedup_in"]:
        kind = truth_by_url[u]["kind"]
        by_kind[kind][0] += 1
        by_kind[kind][1] += u not in outcome["dedup_kept"]
    final = collections.Counter(page_group(truth_by_url[u]["page"]) for u in outcome["kept"])
    return {
        "entered": sum(entered.values()), "groups": len(entered), "removed": sum(entered.values()) - sum(survived.values()),
        "should_go": should_go, "missed": missed,
        "recall": (should_go - missed) / should_go if should_go else 1.0,
        "false_merges_pages_lost": len(lost), "lost_groups": lost[:20],
        "removed_by_kind": {k: {"entered": v[0], "removed": v[1]} for k, v in sorted(by_kind.items())},
        "final_docs": sum(final.values()), "final_distinct_pages": len(final),
        "final_redundant_copies": sum(n - 1 for n in final.values()),
    }


# ---------------------------------------------------------------- extraction alone

def extraction_alone(truth: list, gt: dict, dt_python: Path, work: Path) -> dict:
    """Each pipeline's extractor, as it is configured there, on every ground-truth page (one thread)."""
    import logging

    logging.disable(logging.WARNING)
    from transforms.document import Document
    from transforms.extract import Extract
    from transforms.ingest.decode import decode_html

    pages = sorted({t["page"] for t in truth if t["page"] in gt})
    htmls = {}
    for page in pages:
        data = (SHARED / "data" / page).read_bytes()
        if page.endswith(".gz"):
            data = gzip.decompress(data)
        htmls[page] = decode_html(data)[0]
    stage = Extract()
    stage.setup()
    started = time.perf_counter()
    ours = {}
    for page in pages:
        doc = Document(id=page, source="web", kind="web", origin=gt[page][2], html=htmls[page], meta={"url": gt[page][2]})
        verdict = stage.judge(doc)
        ours[page] = verdict.document.text if verdict.kept else ""
    ours_seconds = time.perf_counter() - started
    request = work / "extract_pages.json"
    request.write_text(json.dumps([{"key": p, "html": htmls[p], "path": str(SHARED / "data" / p)} for p in pages]))
    answer = work / "extract_texts.json"
    subprocess.run([str(dt_python), str(ROOT / "perf" / "datatrove_fineweb.py"), "extract", "--pages", str(request),
                    "--out", str(answer)], check=True, cwd=ROOT)
    theirs = json.loads(answer.read_text())
    return {"pages": len(pages),
            "winnow": {**extraction_scores(ours, gt), "pages_per_second": len(pages) / ours_seconds},
            "datatrove": {**extraction_scores(theirs["texts"], gt), "pages_per_second": len(pages) / theirs["seconds"]}}


# ---------------------------------------------------------------- winnow profile (py-spy)

STAGE_OF_PATH = [
    ("transforms/extract.py", "extract"), ("transforms/extraction/", "extract"), ("trafilatura/", "extract"),
    ("resiliparse", "extract"), ("transforms/langid.py", "langid"), ("classifiers/langid", "langid"),
    ("transforms/url_filter.py", "url_filter"), ("transforms/url_rules/", "url_filter"),
    ("transforms/safety", "safety"), ("transforms/pii", "pii"), ("transforms/exact_dedup.py", "exact_dedup"),
    ("transforms/fuzzy_dedup.py", "fuzzy_dedup"), ("transforms/fuzzy/", "fuzzy_dedup"),
    ("transforms/quality.py", "quality"), ("transforms/quality_rules/", "quality"), ("classifiers/quality", "quality"),
    ("transforms/decontaminate.py", "decontaminate"), ("transforms/tokenize.py", "tokenize"),
    ("transforms/shards.py", "tokenize"), ("transforms/ingest/", "read (WARC decode)"),
    ("transforms/document.py", "Document coder"), ("transforms/stage.py", "stage bookkeeping"),
    ("pipeline/build.py", "write + counts"), ("pipeline/", "write + counts"),
]
_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*):(?P<line>\d+)\)$")


def _frame_stage(path: str):
    for key, stage in STAGE_OF_PATH:
        if key in path:
            return stage
    return None


# Innermost frames of threads that wait (py-spy's idle detection misses these Python-level waits:
# Beam's worker and gRPC threads blocked on a condition or a channel).
_IDLE = re.compile(r"^(Condition\.wait|Event\.wait|wait|_wait_for_tstate_lock|select|poll|sleep|get|"
                   r"channel_spin|_serve|_run_channel_spin_thread.*|_next|_read_until|recv.*|accept)"
                   r"$|threading\.py|queue\.py|selectors\.py|grpc/_channel\.py|grpc/_server\.py")


def _is_idle(frame: str) -> bool:
    m = _FRAME.match(frame)
    if not m:
        return False
    return bool(_IDLE.search(m.group("func").split(".<locals>.")[-1]) or _IDLE.search(m.group("file")))


def profile_winnow(cmd, work: Path, pyspy: Path, rate: int = 100) -> dict:
    raw = work / "winnow.pyspy.txt"
    log = work / "winnow.pyspy.log"
    started = time.perf_counter()
    with open(log, "wb") as fh:
        subprocess.run([str(pyspy), "record", "--subprocesses", "--rate", str(rate), "--format", "raw",
                        "--full-filenames", "--output", str(raw), "--", *cmd],
                       stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT, check=True)
    return {"wall_seconds": time.perf_counter() - started, **analyse_profile(raw, rate)}


def analyse_profile(raw: Path, rate: int = 100) -> dict:
    """py-spy raw (folded) stacks -> core-seconds per stage and the hottest lines (self time).
    A sample goes to the stage whose code is innermost on its stack; samples whose innermost frame
    is a wait (a blocked Beam/gRPC thread) are counted apart as idle."""
    entries, pending = [], ""
    for line in raw.read_text().splitlines():  # a process's command line may hold newlines
        pending = f"{pending}\n{line}" if pending else line
        if re.search(r" \d+$", pending):
            entries.append(pending)
            pending = ""
    by_stage = collections.Counter()
    self_lines = collections.Counter()
    total = idle = 0
    for entry in entries:
        stack, _, count = entry.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        frames = [f for f in stack.split(";") if _FRAME.match(f)]
        if not frames:
            continue
        if _is_idle(frames[-1]):
            idle += n
            continue
        total += n
        stage = None
        for frame in reversed(frames):  # innermost first
            stage = _frame_stage(_FRAME.match(frame).group("file"))
            if stage:
                break
        if stage is None:
            stage = "beam runner / shuffle / coders" if "apache_beam" in stack else "other"
        by_stage[stage] += n
        m = _FRAME.match(frames[-1])
        path = m.group("file")
        if "site-packages/" in path:
            path = path.split("site-packages/")[-1]
        elif path.startswith(str(ROOT)):
            path = os.path.relpath(path, ROOT)
        self_lines[(stage, f"{path}:{m.group('line')}", m.group("func"))] += n
    return {"samples": total, "idle_samples": idle, "rate": rate,
            "core_seconds_by_stage": {s: n / rate for s, n in by_stage.items()},
            "top_lines": [{"stage": s, "where": w, "function": f, "core_seconds": n / rate}
                          for (s, w, f), n in self_lines.most_common(30)]}


# ---------------------------------------------------------------- main

def fmt(x, spec=".3f"):
    return "-" if x is None else format(x, spec)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--corpus-dir", type=Path, default=Path("/tmp/winnow-perf/corpus"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/winnow-perf/e2e"))
    parser.add_argument("--shards", type=int, default=2, help="WARC files the corpus is split into (>= workers)")
    parser.add_argument("--workers", type=int, default=2, help="cores: datatrove tasks/workers, Beam direct_num_workers")
    parser.add_argument("--winnow-mode", default="multi_processing", choices=["multi_processing", "multi_threading", "in_memory"])
    parser.add_argument("--rounds", type=int, default=1, help="runs of each side, alternating order; best wall kept")
    parser.add_argument("--full", action="store_true", help="also run winnow's whole default web pipeline")
    parser.add_argument("--only", choices=["datatrove", "winnow-same", "winnow-full"], action="append",
                        help="run only these (repeatable)")
    parser.add_argument("--profile", action="store_true", help="profile winnow-same with py-spy (one more run)")
    parser.add_argument("--pyspy", type=Path, default=Path("/tmp/winnow-perf/pyspy-venv/bin/py-spy"))
    parser.add_argument("--datatrove-venv", type=Path, default=Path("/tmp/winnow-perf/datatrove-venv"))
    parser.add_argument("--no-extract-eval", action="store_true")
    parser.add_argument("--raw-payload-type", action="store_true",
                        help="shards without Common Crawl's WARC-Identified-Payload-Type header (datatrove then "
                             "sniffs payloads with libmagic and skips those it does not call HTML)")
    parser.add_argument("--json", type=Path, help="write the results here (default WORK/result-N.json)")
    parser.add_argument("--report", type=Path, metavar="JSON", help="only print the table of a saved result")
    args = parser.parse_args(argv)
    if args.report:
        report(json.loads(args.report.read_text()))
        return

    work = args.work / str(args.pages)
    work.mkdir(parents=True, exist_ok=True)
    warc, truth_path, shard_dir = ensure_corpus(args.pages, args.corpus_dir, args.shards, not args.raw_payload_type)
    truth = json.loads(truth_path.read_text())
    truth_by_url = {t["url"]: t for t in truth}
    dt_python = ensure_datatrove_venv(args.datatrove_venv)
    lid_model = ROOT / "classifiers" / "models" / "lid.176.ftz"
    env = {**os.environ, "HF_HOME": str(args.datatrove_venv.parent / "hf-home"), "PYTHONWARNINGS": "ignore"}

    sides = args.only or (["datatrove", "winnow-same"] + (["winnow-full"] if args.full else []))
    configs = {"winnow-same": winnow_config(work / "winnow-same.yaml", str(shard_dir / "*.warc.gz"), "same"),
               "winnow-full": winnow_config(work / "winnow-full.yaml", str(shard_dir / "*.warc.gz"), "full")}

    def command(side):
        if side == "datatrove":
            return [str(dt_python), str(ROOT / "perf" / "datatrove_fineweb.py"), "run", "--input", str(shard_dir),
                    "--work", str(work / "datatrove"), "--tasks", str(args.workers), "--workers", str(args.workers),
                    "--lid-model", str(lid_model), "--summary", str(work / "datatrove-summary.json")]
        return winnow_cmd(configs[side], work / side, args.winnow_mode, args.workers)

    runs = collections.defaultdict(list)
    for round_no in range(args.rounds):
        order = sides if round_no % 2 == 0 else list(reversed(sides))
        for side in order:
            print(f"round {round_no + 1}: {side} ...", flush=True)
            r = timed_run(command(side), work / f"{side}.round{round_no + 1}.log", env=env)
            if r["exit_code"] != 0:
                raise SystemExit(f"{side} failed (exit {r['exit_code']}); see {r['log']}")
            if side == "datatrove":
                r["summary"] = json.loads((work / "datatrove-summary.json").read_text())
            else:
                r["manifest_wall_seconds"] = json.loads((work / side / "manifest.json").read_text())["wall_seconds"]
            print(f"  {r['wall_seconds']:.1f} s wall, {r['cpu_seconds']:.1f} s CPU, peak RSS {r['peak_rss_mib']:.0f} MiB, PSS {r['peak_pss_mib']:.0f} MiB",
                  flush=True)
            runs[side].append(r)

    gt = load_ground_truth()
    results = {"pages": args.pages, "shards": args.shards, "payload_type_header": not args.raw_payload_type, "workers": args.workers, "winnow_mode": args.winnow_mode,
               "rounds": args.rounds, "corpus": str(warc), "sides": {}}
    outcomes = {}
    for side in sides:
        best = min(runs[side], key=lambda r: r["wall_seconds"])
        outcome = datatrove_outcome(work / "datatrove") if side == "datatrove" else winnow_outcome(work / side)
        outcomes[side] = outcome
        entry = {"runs": [{k: v for k, v in r.items() if k != "summary"} for r in runs[side]],
                 "best_wall_seconds": best["wall_seconds"], "pages_per_second": args.pages / best["wall_seconds"],
                 "cpu_seconds": best["cpu_seconds"],
                 "peak_rss_mib": max(r["peak_rss_mib"] for r in runs[side]),
                 "peak_pss_mib": max(r["peak_pss_mib"] for r in runs[side]),
                 "written": outcome["written"], "dedup": dedup_scores(outcome, truth_by_url),
                 "extraction_kept": kept_extraction(outcome["kept"], truth_by_url, gt)}
        if side == "datatrove":
            entry["phases"] = best["summary"]["phases"]
            entry["filtered_before_dedup"] = outcome["filtered"]
        else:
            entry["stages"] = outcome["stages"]
            entry["rejected_by_stage"] = outcome["rejected_by_stage"]
        results["sides"][side] = entry
    if "datatrove" in outcomes and "winnow-same" in outcomes:
        both = set(outcomes["datatrove"]["kept"]) & set(outcomes["winnow-same"]["kept"])
        results["extraction_both_kept"] = {
            side: kept_extraction(outcomes[side]["kept"], truth_by_url, gt, only_urls=both)
            for side in ("datatrove", "winnow-same")}
    if not args.no_extract_eval:
        results["extraction_alone"] = extraction_alone(truth, gt, dt_python, work)
    if args.profile:
        if not args.pyspy.exists():  # a scratch venv holding py-spy (a binary wheel from PyPI)
            venv = args.pyspy.parent.parent
            subprocess.run(["python3.11", "-m", "venv", str(venv)], check=True)
            subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "py-spy"], check=True)
        print("profiling winnow-same under py-spy ...", flush=True)
        results["winnow_profile"] = profile_winnow(command("winnow-same"), work, args.pyspy)
        results["winnow_profile"]["raw"] = str(work / "winnow.pyspy.txt")

    out_json = args.json or work / f"result-{args.pages}.json"
    out_json.write_text(json.dumps(results, indent=1, default=str))
    report(results)
    print(f"\nresults: {out_json}")


def report(res: dict) -> None:
    sides = res["sides"]
    names = list(sides)
    n = res["pages"]
    print(f"\n{n:,} pages, {res['shards']} WARC shards, {res['workers']} cores; winnow DirectRunner "
          f"{res['winnow_mode']}; best of {res['rounds']} (alternating order)")
    print(f"{'':<34}" + "".join(f"{s:>16}" for s in names))

    def row(label, values, spec):
        print(f"{label:<34}" + "".join(f"{fmt(v, spec):>16}" for v in values))

    row("wall seconds (process start-exit)", [sides[s]["best_wall_seconds"] for s in names], ".1f")
    row("pages/s end to end", [sides[s]["pages_per_second"] for s in names], ".1f")
    row("CPU seconds (user+sys, tree)", [sides[s]["cpu_seconds"] for s in names], ".1f")
    row("cores busy (CPU / wall)", [sides[s]["cpu_seconds"] / sides[s]["best_wall_seconds"] for s in names], ".2f")
    row("peak RSS of process tree, MiB", [sides[s]["peak_rss_mib"] for s in names], ".0f")
    row("peak PSS of process tree, MiB", [sides[s]["peak_pss_mib"] for s in names], ".0f")
    row("documents written", [sides[s]["written"] for s in names], "d")
    row("distinct pages in output", [sides[s]["dedup"]["final_distinct_pages"] for s in names], "d")
    row("redundant copies in output", [sides[s]["dedup"]["final_redundant_copies"] for s in names], "d")
    row("entered dedup", [sides[s]["dedup"]["entered"] for s in names], "d")
    row("  copies that should go", [sides[s]["dedup"]["should_go"] for s in names], "d")
    row("  copies missed (kept)", [sides[s]["dedup"]["missed"] for s in names], "d")
    row("  dedup recall", [sides[s]["dedup"]["recall"] for s in names], ".4f")
    row("  false merges (pages lost)", [sides[s]["dedup"]["false_merges_pages_lost"] for s in names], "d")
    for key, label in (("aeb_f1", "kept AEB token F1"), ("aeb_pages", "  AEB pages kept"),
                       ("tev_f1", "kept TEV snippet F1"), ("tev_pages", "  TEV pages kept")):
        row(label, [sides[s]["extraction_kept"].get(key) for s in names], "d" if "pages" in key else ".3f")
    if "extraction_both_kept" in res:
        b = res["extraction_both_kept"]
        print(f"pages both kept: AEB {b['datatrove'].get('aeb_pages')} F1 datatrove {fmt(b['datatrove'].get('aeb_f1'))}"
              f" winnow {fmt(b['winnow-same'].get('aeb_f1'))}; TEV {b['datatrove'].get('tev_pages')} F1 datatrove "
              f"{fmt(b['datatrove'].get('tev_f1'))} winnow {fmt(b['winnow-same'].get('tev_f1'))}")
    if "datatrove" in sides:
        for other in names:
            if other != "datatrove":
                print(f"ratio {other} / datatrove, pages/s end to end: "
                      f"{sides[other]['pages_per_second'] / sides['datatrove']['pages_per_second']:.2f}x")
    if "extraction_alone" in res:
        e = res["extraction_alone"]
        print(f"\nextractors alone on the {e['pages']} ground-truth pages, one thread:")
        for side in ("winnow", "datatrove"):
            x = e[side]
            print(f"  {side:<10} AEB P/R/F1 {x['aeb_p']:.3f}/{x['aeb_r']:.3f}/{x['aeb_f1']:.3f}  TEV P/R/F1 "
                  f"{x['tev_p']:.3f}/{x['tev_r']:.3f}/{x['tev_f1']:.3f}  {x['pages_per_second']:.1f} pages/s")
    if "datatrove" in sides:
        print("\ndatatrove per phase (wall) and per step (seconds summed over tasks; docs in -> out; per-core pages/s):")
        for phase in sides["datatrove"]["phases"]:
            print(f"  {phase['name']:<20} wall {phase['wall_seconds']:7.1f} s  tasks {phase['tasks']}")
            for step in phase["steps"]:
                st = step["stats"]
                docs_in = st.get("total") or st.get("documents")
                out = st.get("forwarded")
                rate = (docs_in / step["seconds"]) if docs_in and step["seconds"] else None
                print(f"      {step['name']:<28} {step['seconds']:8.1f} s  {fmt(docs_in, 'd') if docs_in else '-':>6} -> "
                      f"{fmt(out, 'd') if out is not None else '-':>6}  {fmt(rate, '.1f')}")
    for side in names:
        if side.startswith("winnow"):
            print(f"\n{side} stage funnel (Beam counters):")
            for stage, c in sides[side]["stages"].items():
                print(f"  {stage:<14} in {c.get('in', 0):>6}  kept {c.get('kept', 0):>6}  "
                      f"rejected {sum((c.get('rejected') or {}).values()):>6}")
    if "winnow_profile" in res:
        p = res["winnow_profile"]
        total = sum(p["core_seconds_by_stage"].values())
        stages_in = sides.get("winnow-same", {}).get("stages", {})
        print(f"\nwinnow-same under py-spy ({p['wall_seconds']:.1f} s wall, {total:.1f} busy core-seconds sampled, "
              f"{p['idle_samples'] / p['rate']:.1f} s of waiting threads left out):")
        for stage, sec in sorted(((k, v) for k, v in p["core_seconds_by_stage"].items() if v >= 0.05),
                                 key=lambda kv: -kv[1]):
            docs = stages_in.get(stage, {}).get("in")
            rate = f"{docs / sec:8.1f} docs/core-s" if docs and sec else ""
            print(f"  {stage:<32} {sec:7.1f} core-s  {100 * sec / total:5.1f}%  {rate}")
        print("  hottest lines (self time):")
        for t in p["top_lines"][:15]:
            print(f"    {t['core_seconds']:6.1f} s  {t['stage']:<22} {t['where']}  {t['function']}")


if __name__ == "__main__":
    main()
