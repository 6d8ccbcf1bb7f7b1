"""A wall-clock budget for pure-Python work that cannot be trusted to finish (trafilatura on a
pathological page), usable off the main thread.

signal.alarm only works on the main thread, and Beam runs DoFns on worker threads. Instead one
watchdog thread per process raises `BudgetExceeded` inside the worker thread when its budget runs
out (CPython's PyThreadState_SetAsyncExc, the mechanism behind `func_timeout`). The exception is
delivered at the next bytecode boundary of the worker, so Python loops stop within milliseconds; a
single long C call (a regex, lxml parsing) finishes first, which is why page size is capped as well.
`BudgetExceeded` derives from BaseException so that libraries' `except Exception:` cannot swallow it;
a bare `except:` still can (the page then comes back half-read), and an exception delivered inside a
garbage-collection callback is lost, so the watchdog fires again every 50 ms until the block ends,
and a budget that fired raises again when its block ends.
"""
from __future__ import annotations

import ctypes
import heapq
import itertools
import threading
import time
from contextlib import contextmanager
from typing import Iterator, List, Tuple


REFIRE_SECONDS = 0.05


class BudgetExceeded(BaseException):
    """Raised inside the worker thread whose time budget ran out."""


class _Watchdog:
    def __init__(self):
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._heap: List[Tuple[float, int, int]] = []  # (deadline, token, thread id)
        self._active = {}  # token -> thread id, for budgets still running
        self._fired = set()  # tokens whose exception was sent, until their block ends
        self._tokens = itertools.count()
        self._thread = None

    def _ensure_started(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="winnow-time-budget", daemon=True)
            self._thread.start()

    def start(self, seconds: float) -> int:
        with self._lock:
            self._ensure_started()
            token = next(self._tokens)
            thread_id = threading.get_ident()
            self._active[token] = thread_id
            heapq.heappush(self._heap, (time.monotonic() + seconds, token, thread_id))
            self._wake.notify()
            return token

    def finish(self, token: int) -> bool:
        """End a budget; True if it ran out. Under the lock: once this returns the watchdog can no
        longer fire for this token."""
        with self._lock:
            self._active.pop(token, None)
            if token not in self._fired:
                return False
            self._fired.discard(token)
            # Withdraw the exception if it is still pending, so it cannot surface in later code.
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(threading.get_ident()), None)
            return True

    def _run(self) -> None:
        with self._lock:
            while True:
                while self._heap and self._heap[0][1] not in self._active:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._wake.wait()
                    continue
                deadline, token, thread_id = self._heap[0]
                remaining = deadline - time.monotonic()
                if remaining > 0:
                    self._wake.wait(remaining)
                    continue
                heapq.heappop(self._heap)
                self._fired.add(token)
                # Fire again shortly until the block ends: an exception delivered where nobody can
                # raise it (a weakref callback during garbage collection) is lost, not raised.
                heapq.heappush(self._heap, (time.monotonic() + REFIRE_SECONDS, token, thread_id))
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(BudgetExceeded))


_WATCHDOG = _Watchdog()


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Run the block with a wall-clock budget; raises BudgetExceeded when it runs out.
    `seconds <= 0` means no budget."""
    if seconds <= 0:
        yield
        return
    token = _WATCHDOG.start(seconds)
    try:
        yield
    finally:
        while True:  # the watchdog may fire once more while we are ending the budget
            try:
                ran_out = _WATCHDOG.finish(token)
                break
            except BudgetExceeded:
                continue
    if ran_out:  # the block ended normally although its budget ran out: something swallowed it
        raise BudgetExceeded()
