"""Progress and ETA of SentencePiece BPE training, read from SentencePiece's own log.

SentencePiece trains in C++ and logs to the process's stderr (file descriptor 2): the alphabet size,
then one line per 100 merges ("Merged: freq=… merges=N piece=…"; older versions: "Added: freq=…
size=N" per 20). While training runs, fd 2 is pointed at a pipe; a thread reads it, keeps the merge
count, and prints one line every `every` seconds with the merge rate and the time left to reach the
merges the vocabulary needs (its size less the alphabet: approximate, as meta pieces also count). Everything else SentencePiece says is passed
through only in verbose mode.
"""
from __future__ import annotations

import contextlib
import os
import re
import sys
import threading
import time
from typing import Iterator

_MERGES = re.compile(rb"(?:Merged: freq=\d+ merges=|Added: freq=\d+ size=)(\d+)")
_ALPHABET = re.compile(rb"Alphabet size=(\d+)")


def eta_line(merges: int, target: int, merge_seconds: float, first_merges: int) -> str:
    """"tokenizer: 12,000 of ~48,300 merges, 310 merges/s, ETA ~2m00s" (rate over the merges seen)."""
    rate = (merges - first_merges) / merge_seconds if merge_seconds > 0 else 0.0
    line = f"tokenizer: {merges:,} of ~{target:,} merges"
    if rate > 0:
        minutes, seconds = divmod(int(max(target - merges, 0) / rate), 60)
        line += f", {rate:,.0f} merges/s, ETA ~{minutes}m{seconds:02d}s"
    return line


@contextlib.contextmanager
def training_progress(vocab_size: int, every: float = 10.0, verbose: bool = False) -> Iterator[None]:
    read_end, write_end = os.pipe()
    saved = os.dup(2)
    sys.stderr.flush()
    os.dup2(write_end, 2)
    os.close(write_end)
    original = os.fdopen(saved, "w", buffering=1, closefd=False)
    state = {"merges": 0, "target": vocab_size, "first": None, "first_at": None, "last_print": time.monotonic()}

    def pump() -> None:
        with os.fdopen(read_end, "rb") as pipe:
            for line in pipe:
                alphabet = _ALPHABET.search(line)
                if alphabet:
                    state["target"] = max(vocab_size - int(alphabet.group(1)), 1)
                match = _MERGES.search(line)
                if match:
                    now = time.monotonic()
                    state["merges"] = int(match.group(1))
                    if state["first"] is None:
                        state["first"], state["first_at"] = state["merges"], now
                    if now - state["last_print"] >= every:
                        state["last_print"] = now
                        original.write(eta_line(state["merges"], state["target"], now - state["first_at"],
                                                state["first"]) + "\n")
                elif verbose:
                    original.write(line.decode("utf-8", errors="replace"))

    reader = threading.Thread(target=pump, name="spm-progress", daemon=True)
    reader.start()
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)  # closes the pipe's last write end: the reader sees the end and stops
        reader.join(timeout=5)
        original.close()
        os.close(saved)
