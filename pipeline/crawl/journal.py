"""The resume state: `crawl.journal` in the output directory, one JSON object per line, append-only.

Events (each line is flushed to the OS as it is written, so it survives the process being killed;
WARC closes are also fsync'ed):
    {"e": "queue", "url": U, "depth": D, "redirects": R}      U entered the frontier (the seen set)
    {"e": "done",  "url": U, "outcome": O, "file": F | null, ...}
                                                            U is finished; F is the WARC file holding
                                                            its records (written pages and redirects)
    {"e": "depth", "url": U}                                U was found beyond --max-depth
    {"e": "closed", "file": F}                              F was completed (renamed from .open)
    {"e": "run", ...}                                       a run started (its options)

On restart, a "done" event counts only if it has no file, or its file was closed (a closed-file
event, or the file present under its final name: the rename is atomic). So a page fetched but not
yet in a closed WARC file is fetched again; everything else that was done stays done, and every
URL queued but not done is queued again. Leftover `.warc.gz.open` files are deleted (their pages
are refetched) and file numbers are never reused. The name has no .jsonl suffix on purpose: the
pipeline, pointed at the output directory, would read a .jsonl file as documents.
"""
from __future__ import annotations

import dataclasses
import json
import os
import re
import threading
from typing import Dict, List, Optional, Set, Tuple

JOURNAL = "crawl.journal"
WARC_NAME = re.compile(r"^(?P<prefix>.+)-(?P<index>\d{5,})\.warc\.gz(?P<open>\.open)?$")


@dataclasses.dataclass
class ResumeState:
    queued: Dict[str, Tuple[int, int]] = dataclasses.field(default_factory=dict)  # url -> (depth, redirects), in order
    done: Dict[str, dict] = dataclasses.field(default_factory=dict)  # url -> its valid "done" event
    depth_skipped: Set[str] = dataclasses.field(default_factory=set)
    closed_files: List[str] = dataclasses.field(default_factory=list)
    next_file_index: int = 0
    runs: int = 0
    discarded: int = 0  # done events dropped because their WARC file was never closed

    def pending(self) -> List[Tuple[str, int, int]]:
        return [(url, d, r) for url, (d, r) in self.queued.items() if url not in self.done]


def load(directory: str) -> ResumeState:
    """What an earlier run in `directory` left; an empty state if there was none."""
    state = ResumeState()
    path = os.path.join(directory, JOURNAL)
    done_events: Dict[str, dict] = {}
    closed: List[str] = []
    max_index = -1
    if os.path.exists(path):
        with open(path, "rb") as handle:
            for raw in handle:
                try:
                    event = json.loads(raw)
                except ValueError:  # the last line of a killed run may be cut short
                    continue
                kind = event.get("e")
                if kind == "queue":
                    state.queued.setdefault(event["url"], (event.get("depth", 0), event.get("redirects", 0)))
                elif kind == "done":
                    done_events[event["url"]] = event
                    if event.get("file"):
                        max_index = max(max_index, _index(event["file"]))
                elif kind == "depth":
                    state.depth_skipped.add(event["url"])
                elif kind == "closed":
                    closed.append(event["file"])
                    max_index = max(max_index, _index(event["file"]))
                elif kind == "run":
                    state.runs += 1
    on_disk = os.listdir(directory) if os.path.isdir(directory) else []
    for name in on_disk:
        match = WARC_NAME.match(name)
        if match:
            max_index = max(max_index, int(match.group("index")))
            if not match.group("open") and name not in closed:
                closed.append(name)  # renamed, then killed before the "closed" line was written
    closed_set = set(closed)
    for url, event in done_events.items():
        if event.get("file") and event["file"] not in closed_set:
            state.discarded += 1
            continue
        state.done[url] = event
    state.closed_files = sorted(closed_set)
    state.next_file_index = max_index + 1
    return state


def _index(name: str) -> int:
    match = WARC_NAME.match(name)
    return int(match.group("index")) if match else -1


def remove_open_files(directory: str) -> List[str]:
    removed = []
    for name in sorted(os.listdir(directory)):
        match = WARC_NAME.match(name)
        if match and match.group("open"):
            os.remove(os.path.join(directory, name))
            removed.append(name)
    return removed


class Journal:
    def __init__(self, directory: str):
        self.path = os.path.join(directory, JOURNAL)
        self._lock = threading.Lock()
        _drop_partial_last_line(self.path)
        self._handle = open(self.path, "ab")

    def write(self, event: dict, sync: bool = False) -> None:
        line = (json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        with self._lock:
            self._handle.write(line)
            self._handle.flush()
            if sync:
                os.fsync(self._handle.fileno())

    def queued(self, url: str, depth: int, redirects: int) -> None:
        self.write({"e": "queue", "url": url, "depth": depth, "redirects": redirects})

    def done(self, url: str, outcome: str, file: Optional[str] = None, **fields) -> None:
        self.write({"e": "done", "url": url, "outcome": outcome, "file": file, **fields})

    def depth_skipped(self, url: str) -> None:
        self.write({"e": "depth", "url": url})

    def closed(self, file: str) -> None:
        self.write({"e": "closed", "file": file}, sync=True)

    def close(self) -> None:
        with self._lock:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()


def _drop_partial_last_line(path: str) -> None:
    """A killed run may leave half a line; cut it so the next event starts on a line of its own."""
    if not os.path.exists(path):
        return
    with open(path, "rb+") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        if size == 0:
            return
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return
        position = size
        while position > 0:
            step = min(4096, position)
            handle.seek(position - step)
            block = handle.read(step)
            cut = block.rfind(b"\n")
            if cut != -1:
                handle.truncate(position - step + cut + 1)
                return
            position -= step
        handle.truncate(0)
