"""The frontier: per-host queues, the seen set, politeness and retries, shared by the worker threads.

Politeness is per origin (scheme://host:port, also the unit of robots.txt):
- at most `per_host_connections` requests in flight to an origin (default 1);
- the next request to an origin starts no sooner than `delay` seconds after the previous one ended,
  where delay = max(--per-host-delay, the origin's Crawl-delay for our token);
- before the first page of an origin (and again when the cached rules are older than the TTL), its
  robots.txt is fetched; until it has been read nothing else is requested from that origin. An
  unreachable robots.txt (5xx, timeout) is asked for again after backoff * 2^n seconds, at most
  `robots_retries` more times; then the origin's URLs are all skipped ("robots_unavailable").
- a page that failed with a retriable error (5xx, 429, timeout, connection error) goes back to the
  front of its origin's queue and the origin waits backoff * 2^attempt seconds (or Retry-After).
The global concurrency is the number of worker threads asking `next_task`.

Every URL enters `seen` once: a URL is never queued (so never fetched) twice. A URL leaves the
frontier either as a task or through `on_skip(entry, reason)`, called for URLs dropped here
(disallowed by robots.txt, origin refused or unavailable).
"""
from __future__ import annotations

import dataclasses
import heapq
import itertools
import threading
import time
from collections import deque
from typing import Callable, Deque, Dict, List, Optional, Set, Tuple

from pipeline.crawl.links import origin_of
from pipeline.crawl.robots import RobotsRules

ROBOTS, PAGE = "robots", "page"
COMPLETE, MAX_PAGES, STOPPED = "complete", "max_pages", "interrupted"


@dataclasses.dataclass
class Entry:
    url: str
    depth: int
    redirects: int = 0  # how many redirects led here
    attempt: int = 0  # retries so far

    def retry(self) -> "Entry":
        return dataclasses.replace(self, attempt=self.attempt + 1)


@dataclasses.dataclass
class Task:
    kind: str  # ROBOTS or PAGE
    origin: str
    entry: Optional[Entry] = None


@dataclasses.dataclass
class Host:
    origin: str
    queue: Deque[Entry] = dataclasses.field(default_factory=deque)
    next_time: float = 0.0  # monotonic time before which nothing is sent
    active: int = 0
    delay: float = 0.0
    robots: Optional[RobotsRules] = None
    robots_fetching: bool = False
    robots_failures: int = 0
    closed_reason: Optional[str] = None  # every URL of the origin is skipped with this reason
    scheduled: bool = False


@dataclasses.dataclass(frozen=True)
class Politeness:
    token: str = "winnowbot"
    per_host_delay: float = 1.0
    per_host_connections: int = 1
    robots_ttl: float = 86400.0
    robots_retries: int = 2
    backoff: float = 1.0
    max_crawl_delay: float = 600.0


class Frontier:
    def __init__(self, politeness: Politeness, on_skip: Callable[[Entry, str], None],
                 page_budget: Optional[int] = None):
        self.policy = politeness
        self._on_skip = on_skip
        self._budget = page_budget  # page requests still allowed (None: no limit)
        self._hosts: Dict[str, Host] = {}
        self._seen: Set[str] = set()
        self._heap: List[Tuple[float, int, str]] = []
        self._order = itertools.count()
        self._cond = threading.Condition()
        self._in_flight = 0
        self._stopping = False
        self.finished: Optional[str] = None

    # --- adding -----------------------------------------------------------------------------

    def seen(self, url: str) -> bool:
        with self._cond:
            return url in self._seen

    def mark_seen(self, url: str) -> bool:
        """Remember `url` without queueing it; False if it was already seen."""
        with self._cond:
            if url in self._seen:
                return False
            self._seen.add(url)
            return True

    def add(self, entry: Entry) -> bool:
        """Queue a new URL; False (and nothing done) if it was seen before."""
        with self._cond:
            if entry.url in self._seen:
                return False
            self._seen.add(entry.url)
            host = self._host(origin_of(entry.url))
            if host.closed_reason:
                self._on_skip(entry, host.closed_reason)
                return True
            host.queue.append(entry)
            self._schedule(host, time.monotonic())
            self._cond.notify()
            return True

    def _host(self, origin: str) -> Host:
        host = self._hosts.get(origin)
        if host is None:
            host = self._hosts[origin] = Host(origin, delay=self.policy.per_host_delay)
        return host

    # --- scheduling -------------------------------------------------------------------------

    def _budget_left(self) -> bool:
        return self._budget is None or self._budget > 0

    def _schedule(self, host: Host, now: float) -> None:
        if (host.scheduled or not host.queue or host.closed_reason or host.robots_fetching
                or host.active >= self.policy.per_host_connections or not self._budget_left()):
            return
        host.scheduled = True
        heapq.heappush(self._heap, (max(host.next_time, now), next(self._order), host.origin))

    def next_task(self) -> Optional[Task]:
        """The next request to make, waiting until one is due; None when the crawl is over."""
        with self._cond:
            while True:
                if self._stopping:
                    self.finished = self.finished or STOPPED
                    return None
                now = time.monotonic()
                if self._heap and self._heap[0][0] <= now:
                    origin = heapq.heappop(self._heap)[2]
                    host = self._hosts[origin]
                    host.scheduled = False
                    task = self._take(host, now)
                    if task is not None:
                        host.active += 1
                        self._in_flight += 1
                    self._schedule(host, now)
                    if task is not None:
                        return task
                    continue
                if self._in_flight == 0 and (not self._heap or not self._budget_left()):
                    work_left = any(h.queue for h in self._hosts.values())
                    self.finished = MAX_PAGES if work_left and not self._budget_left() else COMPLETE
                    self._cond.notify_all()
                    return None
                self._cond.wait(self._heap[0][0] - now if self._heap else None)

    def _take(self, host: Host, now: float) -> Optional[Task]:
        if host.closed_reason or host.robots_fetching or host.active >= self.policy.per_host_connections:
            return None
        if host.next_time > now or not self._budget_left():
            return None
        if host.robots is None or host.robots.expired(self.policy.robots_ttl, now):
            if host.queue:
                host.robots_fetching = True
                return Task(ROBOTS, host.origin)
            return None
        while host.queue:
            entry = host.queue.popleft()
            if not host.robots.allows(entry.url, self.policy.token):
                self._on_skip(entry, "robots")
                continue
            if self._budget is not None:
                self._budget -= 1
            return Task(PAGE, host.origin, entry)
        return None

    def _close(self, host: Host, reason: str) -> None:
        host.closed_reason = reason
        while host.queue:
            self._on_skip(host.queue.popleft(), reason)

    # --- results ----------------------------------------------------------------------------

    def page_done(self, task: Task, requested: bool, retry_in: Optional[float] = None) -> None:
        """A page task ended. `requested`: a request went out (the delay applies); `retry_in`: put
        the page back, to be tried again no sooner than that many seconds."""
        with self._cond:
            host = self._hosts[task.origin]
            now = time.monotonic()
            host.active -= 1
            self._in_flight -= 1
            if requested:
                host.next_time = max(host.next_time, now + host.delay)
            refund = not requested or retry_in is not None
            if refund and self._budget is not None:
                was_out = self._budget == 0
                self._budget += 1
                if was_out:
                    for other in self._hosts.values():
                        self._schedule(other, now)
            if retry_in is not None:
                host.next_time = max(host.next_time, now + retry_in)
                if host.closed_reason:
                    self._on_skip(task.entry, host.closed_reason)
                else:
                    host.queue.appendleft(task.entry.retry())
            self._schedule(host, now)
            self._cond.notify_all()

    def robots_done(self, task: Task, rules: RobotsRules) -> None:
        with self._cond:
            host = self._hosts[task.origin]
            now = time.monotonic()
            host.active -= 1
            self._in_flight -= 1
            host.robots_fetching = False
            policy = self.policy
            if rules.retriable:  # unreachable: nothing may be fetched; ask again later, a few times
                host.robots = None
                host.robots_failures += 1
                if host.robots_failures > policy.robots_retries:
                    host.robots = rules
                    self._close(host, "robots_unavailable")
                else:
                    wait = policy.backoff * 2 ** (host.robots_failures - 1)
                    host.next_time = max(host.next_time, now + max(wait, policy.per_host_delay))
            else:
                host.robots = rules
                host.robots_failures = 0
                host.delay = max(policy.per_host_delay, rules.crawl_delay or 0.0)
                if rules.crawl_delay is not None and rules.crawl_delay > policy.max_crawl_delay:
                    self._close(host, "crawl_delay")
                if rules.requests:
                    host.next_time = max(host.next_time, now + host.delay)
            self._schedule(host, now)
            self._cond.notify_all()

    def origin_refused(self, task: Task, reason: str) -> None:
        """The origin's address is refused (robots.txt could not even be asked for)."""
        with self._cond:
            host = self._hosts[task.origin]
            host.active -= 1
            self._in_flight -= 1
            host.robots_fetching = False
            self._close(host, reason)
            self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()

    # --- reporting --------------------------------------------------------------------------

    def snapshot(self, top: int = 5) -> Dict:
        with self._cond:
            queued = {o: len(h.queue) for o, h in self._hosts.items() if h.queue}
            busiest = heapq.nlargest(top, queued.items(), key=lambda item: item[1])
            return {"queued": sum(queued.values()), "in_flight": self._in_flight, "hosts": len(self._hosts),
                    "busiest": busiest, "budget_left": self._budget}

    def host_info(self) -> Dict[str, Dict]:
        with self._cond:
            info = {}
            for origin, host in self._hosts.items():
                robots = host.robots
                info[origin] = {
                    "queued": len(host.queue),
                    "robots": None if robots is None else robots.kind,
                    "robots_status": None if robots is None else robots.status,
                    "crawl_delay": None if robots is None else robots.crawl_delay,
                    "delay": host.delay,
                    "closed": host.closed_reason,
                }
            return info

    def pending(self) -> List[Entry]:
        with self._cond:
            return [entry for host in self._hosts.values() for entry in host.queue]
