"""The crawl: worker threads take tasks from the frontier, fetch, write WARC records, queue new links.

    Crawler(CrawlConfig(...)).run() -> the crawl.json report (also written to the output directory)

Threads: `concurrency` workers (the global limit on requests in flight), one progress printer and
the caller's thread, which waits and turns SIGINT/SIGTERM into a clean stop (in-flight requests
finish, the open WARC file is closed, crawl.json is written; the next run resumes).
"""
from __future__ import annotations

import dataclasses
import os
import signal
import sys
import threading
import time
from datetime import datetime, timezone
from typing import Dict, List, Mapping, Optional, Sequence, TextIO, Tuple

from pipeline.crawl import journal as journals
from pipeline.crawl.addresses import Refused
from pipeline.crawl.fetch import FetchError, FetchSettings, Response, fetch
from pipeline.crawl.frontier import ROBOTS, Entry, Frontier, Politeness, Task
from pipeline.crawl.links import normalise_url, parse_page, x_robots_tag
from pipeline.crawl.robots import DISALLOW_ALL, RobotsRules, fetch_robots
from pipeline.crawl.scope import ALLOW_LIST, SAME_SITE, Scope
from pipeline.crawl.stats import FETCHED_OUTCOMES, REDIRECT, WRITTEN, Stats, host_key, write_report
from pipeline.crawl.warc_out import RollingWarcWriter

REPORT = "crawl.json"
HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPES = ("text/plain",)
MAX_RETRY_AFTER = 120.0  # a Retry-After longer than this is shortened to it


class CrawlError(Exception):
    """The crawl cannot start (bad seeds, an output directory that is not ours ...)."""


@dataclasses.dataclass(frozen=True)
class CrawlConfig:
    seeds: Sequence[str]
    output: str
    token: str = "winnowbot"
    contact: Optional[str] = None
    max_pages: Optional[int] = None
    max_depth: Optional[int] = None
    scope: str = SAME_SITE
    allow: Sequence[str] = ()
    allow_loopback: bool = False
    concurrency: int = 8
    per_host_delay: float = 1.0
    per_host_connections: int = 1
    timeout: float = 10.0
    max_body_bytes: int = 2 * 1024 * 1024
    warc_max_bytes: int = 1024 ** 3
    retries: int = 2
    backoff: float = 1.0
    max_redirects: int = 5
    robots_ttl: float = 86400.0
    max_crawl_delay: float = 600.0
    resolve: Mapping[str, str] = dataclasses.field(default_factory=dict)
    ca_file: Optional[str] = None
    progress_every: float = 5.0
    quiet: bool = False

    @property
    def user_agent(self) -> str:
        from pipeline import __version__

        contact = f"; +{self.contact}" if self.contact else ""
        return f"Mozilla/5.0 (compatible; {self.token}/{__version__}{contact})"

    def options(self) -> dict:
        out = dataclasses.asdict(self)
        out.pop("seeds")
        out["allow"] = list(self.allow)
        out["resolve"] = dict(self.resolve)
        return out


class Crawler:
    def __init__(self, config: CrawlConfig, log: TextIO = sys.stderr):
        self.config = config
        self.log = log
        self.stats = Stats()
        self.settings = FetchSettings(user_agent=config.user_agent, timeout=config.timeout,
                                      max_body_bytes=config.max_body_bytes, allow_loopback=config.allow_loopback,
                                      resolve={k.lower(): v for k, v in config.resolve.items()},
                                      ca_file=config.ca_file)
        self._depth_lock = threading.Lock()
        self._depth_skipped: set = set()
        self._done_event = threading.Event()
        self._stop_requested = False

    # --- setup --------------------------------------------------------------------------------

    def _say(self, message: str) -> None:
        if not self.config.quiet:
            print(message, file=self.log, flush=True)

    def _prepare(self) -> journals.ResumeState:
        out = self.config.output
        os.makedirs(out, exist_ok=True)
        has_journal = os.path.exists(os.path.join(out, journals.JOURNAL))
        if not has_journal and any(journals.WARC_NAME.match(n) for n in os.listdir(out)):
            raise CrawlError(f"{out} holds WARC files but no {journals.JOURNAL}: not a crawl to resume; "
                             "use an empty directory")
        state = journals.load(out)
        removed = journals.remove_open_files(out)
        self._resumed = {"runs_before": state.runs, "pending_at_start": len(state.pending()),
                         "done_before": len(state.done), "refetched_not_in_closed_warc": state.discarded,
                         "removed_open_files": removed}
        if state.runs:
            self._say(f"crawl: resuming in {out}: {len(state.done)} URLs done, {len(state.pending())} queued"
                      + (f", {state.discarded} to fetch again (their WARC file was not closed)" if state.discarded else ""))
        return state

    def _lock_directory(self) -> None:
        try:
            import fcntl
        except ImportError:  # not POSIX: no protection against two crawls in one directory
            return
        self._lock_handle = open(os.path.join(self.config.output, ".crawl.lock"), "w")
        try:
            fcntl.flock(self._lock_handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise CrawlError(f"another crawl is running in {self.config.output}") from None

    def _unlock_directory(self) -> None:
        handle = getattr(self, "_lock_handle", None)
        if handle is not None:
            handle.close()  # closing releases the flock
            self._lock_handle = None

    def _seed_urls(self) -> List[str]:
        urls, bad = [], []
        for line in self.config.seeds:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            url = normalise_url(line)
            (urls if url else bad).append(url or line)
        for line in bad:
            self._say(f"crawl: warning: not an http(s) URL, ignored: {line}")
        if not urls:
            raise CrawlError("no http(s) seed URL")
        return urls

    # --- run ----------------------------------------------------------------------------------

    def run(self) -> dict:
        config = self.config
        started_at = datetime.now(timezone.utc)
        started = time.monotonic()
        seeds = self._seed_urls()
        os.makedirs(config.output, exist_ok=True)
        self._lock_directory()
        try:
            return self._run(seeds, started_at, started)
        finally:
            self._unlock_directory()

    def _run(self, seeds: List[str], started_at: datetime, started: float) -> dict:
        config = self.config
        state = self._prepare()
        self.scope = Scope.same_site(seeds) if config.scope == SAME_SITE else Scope(ALLOW_LIST, config.allow)
        self.journal = journals.Journal(config.output)
        self.journal.write({"e": "run", "started_at": started_at.isoformat(timespec="seconds"),
                            "options": config.options()})
        for url, event in state.done.items():
            self.stats.record(url, event["outcome"], bool(event.get("truncated")), event.get("error"))
        budget = None
        if config.max_pages is not None:
            already = sum(1 for e in state.done.values() if e["outcome"] in FETCHED_OUTCOMES or e["outcome"] == "error")
            budget = max(0, config.max_pages - already)
        politeness = Politeness(token=config.token, per_host_delay=config.per_host_delay,
                                per_host_connections=config.per_host_connections, robots_ttl=config.robots_ttl,
                                robots_retries=config.retries, backoff=config.backoff,
                                max_crawl_delay=config.max_crawl_delay)
        self.frontier = Frontier(politeness, on_skip=self._skipped, page_budget=budget)
        if self._stop_requested:
            self.frontier.stop()
        for url, depth, redirects in state.pending():
            self.frontier.add(Entry(url, depth, redirects))
        for url in list(state.queued) + list(state.done):
            self.frontier.mark_seen(url)
        self._depth_skipped = set(state.depth_skipped)
        info = {"software": "winnow-crawl (warcio)", "format": "WARC File Format 1.0",
                "conformsTo": "http://bibnum.bnf.fr/WARC/WARC_ISO_28500_version1_latestdraft.pdf",
                "robots": "obey", "http-header-user-agent": config.user_agent,
                "isPartOf": os.path.basename(os.path.abspath(config.output))}
        if config.contact:
            info["operator"] = config.contact
        self.writer = RollingWarcWriter(config.output, config.warc_max_bytes, start_index=state.next_file_index,
                                        info=info, on_closed=self.journal.closed)
        for url in seeds:
            self._discover(url, depth=0, redirects=0)
        self._say(f"crawl: {len(seeds)} seeds, scope {self.scope.describe()}, user-agent token {config.token!r}, "
                  f"{config.concurrency} workers, per-host delay {config.per_host_delay:g} s")

        workers = [threading.Thread(target=self._work, name=f"crawl-worker-{i}", daemon=True)
                   for i in range(max(1, config.concurrency))]
        progress = threading.Thread(target=self._progress, name="crawl-progress", daemon=True)
        restore = self._install_signal_handlers()
        try:
            for worker in workers:
                worker.start()
            progress.start()
            for worker in workers:
                while worker.is_alive():
                    worker.join(0.2)
        finally:
            self._done_event.set()
            restore()
            self.writer.close()
        return self._finish(state, started_at, started)

    def stop(self) -> None:
        """Stop after the requests in flight (also from another thread, or before run has set up)."""
        self._stop_requested = True
        frontier = getattr(self, "frontier", None)
        if frontier is not None:
            frontier.stop()

    def _install_signal_handlers(self):
        if threading.current_thread() is not threading.main_thread():
            return lambda: None
        previous = {}

        def handler(signum, frame):
            self._say(f"crawl: {signal.Signals(signum).name}: stopping after the requests in flight "
                      "(run the same command again to resume)")
            self.stop()

        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, handler)

        def restore():
            for signum, old in previous.items():
                signal.signal(signum, old)

        return restore

    def _progress(self) -> None:
        while not self._done_event.wait(self.config.progress_every):
            self._say(self.stats.progress_line(self.frontier.snapshot()))

    def _finish(self, state: journals.ResumeState, started_at: datetime, started: float) -> dict:
        seen_depth = [u for u in self._depth_skipped if not self.frontier.seen(u)]
        by_host: Dict[str, int] = {}
        for url in seen_depth:
            by_host[host_key(url)] = by_host.get(host_key(url), 0) + 1
        self.stats.set_depth_skipped(by_host)
        status = self.frontier.finished or "interrupted"
        hosts, out_of_scope = {}, {}
        for host, entry in self.stats.hosts().items():  # hosts only ever seen in out-of-scope links: counted apart
            if set(entry["skipped"]) == {"scope"} and not entry["pages_fetched"]:
                out_of_scope[host] = entry["skipped"]["scope"]
            else:
                hosts[host] = entry
        for origin, info in self.frontier.host_info().items():
            hosts.setdefault(origin.split("://", 1)[1], {}).update(
                {k: v for k, v in info.items() if k in ("queued", "robots", "robots_status", "crawl_delay", "closed")})
        top_out = sorted(out_of_scope.items(), key=lambda item: (-item[1], item[0]))[:50]
        report = {
            "status": status,
            "started_at": started_at.isoformat(timespec="seconds"),
            "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "elapsed_seconds": round(time.monotonic() - started, 3),
            "output_dir": self.config.output,
            "report_path": os.path.join(self.config.output, REPORT),
            "user_agent": {"token": self.config.token, "header": self.config.user_agent},
            "options": self.config.options(),
            "policy": {
                "oversize": "bodies over max_body_bytes are cut at that size and written with WARC-Truncated: length",
                "robots": "RFC 9309: 2xx parsed, 4xx allow all, 5xx/unreachable disallow all (retried), "
                          "redirects followed up to 5; Crawl-delay honoured as max(it, per_host_delay)",
                "resume": "a page fetched but not yet in a closed WARC file is fetched again on resume",
                "warc": "robots.txt responses are not written; 2xx HTML/text pages and 3xx redirects are",
            },
            "totals": {**self.stats.totals(), "queued_remaining": len(self.frontier.pending())},
            "queued_remaining": len(self.frontier.pending()),
            "hosts": hosts,
            "out_of_scope_hosts": {"count": len(out_of_scope), "links_by_host_top50": dict(top_out)},
            "warc_files": sorted(set(state.closed_files) | set(self.writer.closed_files)),
            "resumed": self._resumed,
        }
        self.journal.close()
        write_report(report["report_path"], report)
        return report

    # --- discovery and outcomes ---------------------------------------------------------------

    def _discover(self, url: str, depth: int, redirects: int) -> None:
        frontier = self.frontier
        if frontier.seen(url):
            return
        if not self.scope.allows(url):
            if frontier.mark_seen(url):
                self._finish_url(url, "scope")
            return
        if self.config.max_depth is not None and depth > self.config.max_depth:
            with self._depth_lock:
                if url in self._depth_skipped:
                    return
                self._depth_skipped.add(url)
            self.journal.depth_skipped(url)
            return
        if frontier.add(Entry(url, depth, redirects)):
            self.journal.queued(url, depth, redirects)

    def _skipped(self, entry: Entry, reason: str) -> None:
        self._finish_url(entry.url, reason)

    def _finish_url(self, url: str, outcome: str, file: Optional[str] = None, truncated: bool = False,
                    error: Optional[str] = None, **fields) -> None:
        extra = dict(fields)
        if truncated:
            extra["truncated"] = True
        if error:
            extra["error"] = error
        self.journal.done(url, outcome, file, **extra)
        self.stats.record(url, outcome, truncated, error)

    # --- workers ------------------------------------------------------------------------------

    def _work(self) -> None:
        while True:
            task = self.frontier.next_task()
            if task is None:
                return
            if task.kind == ROBOTS:
                self._robots(task)
                continue
            requested, retry_in = True, None
            try:
                requested, retry_in = self._page(task.entry)
            except Exception as error:  # a bug must neither kill the worker nor lose the URL silently
                self._say(f"crawl: internal error on {task.entry.url}: {type(error).__name__}: {error}")
                self._finish_url(task.entry.url, "error", error="internal")
            finally:
                self.frontier.page_done(task, requested, retry_in)

    def _robots(self, task: Task) -> None:
        try:
            rules = fetch_robots(task.origin, self.config.token, self.settings)
        except Refused as refused:
            self._say(f"crawl: refused {task.origin}: {refused.detail}")
            self.frontier.origin_refused(task, refused.reason)
            return
        except Exception as error:
            rules = RobotsRules(DISALLOW_ALL, retriable=True, detail=f"{type(error).__name__}: {error}")
        for _ in range(rules.requests):
            self.stats.count_request(robots=True)
        if rules.kind == DISALLOW_ALL:
            self._say(f"crawl: {task.origin}: {rules.detail or 'robots.txt disallows everything'}")
        self.frontier.robots_done(task, rules)

    def _want_body(self, status: int, mime: str) -> bool:
        if 200 <= status < 300:
            return mime in HTML_TYPES + TEXT_TYPES
        return 300 <= status < 400

    def _retry_in(self, entry: Entry, response: Optional[Response] = None) -> float:
        wait = self.config.backoff * 2 ** entry.attempt
        if response is not None:
            value = (response.header("Retry-After") or "").strip()
            if value.isdigit():
                wait = max(wait, min(float(value), MAX_RETRY_AFTER))
        return wait

    def _page(self, entry: Entry) -> Tuple[bool, Optional[float]]:
        """Fetch one page and record its outcome; returns (a request was sent, retry in N s or None)."""
        config = self.config
        try:
            response = fetch(entry.url, self.settings, want_body=self._want_body)
        except Refused as refused:
            self._finish_url(entry.url, refused.reason)
            return False, None
        except FetchError as error:
            sent = error.kind != "dns"
            if sent:
                self.stats.count_request()
            if error.retriable and entry.attempt < config.retries:
                return sent, self._retry_in(entry)
            self._finish_url(entry.url, "error", error=error.kind)
            return sent, None
        self.stats.count_request()
        status = response.status
        if status >= 500 or status == 429:
            if entry.attempt < config.retries:
                return True, self._retry_in(entry, response)
            self._finish_url(entry.url, "http_status", status=status)
            return True, None
        location = response.header("Location")
        if 300 <= status < 400 and location:
            self._redirect(entry, location.strip())
            self._write(response, REDIRECT)
            return True, None
        if not 200 <= status < 300:
            self._finish_url(entry.url, "http_status", status=status)
            return True, None
        if not response.body_read:
            self._finish_url(entry.url, "content_type", status=status)
            return True, None
        header_directives = [v for k, v in response.headers if k.lower() == "x-robots-tag"]
        if response.mime in HTML_TYPES:
            from transforms.ingest.decode import charset_from_content_type, decode_html

            html, _ = decode_html(response.body, charset_from_content_type(response.header("Content-Type")))
            page = parse_page(html, entry.url, config.token, header_directives)
            directives, links = page.directives, page.links
        else:
            directives, links = x_robots_tag(header_directives, config.token), []
        if not directives.nofollow:
            for link in links:
                self._discover(link, entry.depth + 1, 0)
        if directives.noindex:
            self._finish_url(entry.url, "noindex", status=status)
            return True, None
        self._write(response, WRITTEN)
        return True, None

    def _redirect(self, entry: Entry, location: str) -> None:
        target = normalise_url(location, entry.url)
        if target is None:  # file:, ftp:, javascript: ... or no URL at all
            if self.frontier.mark_seen(location):
                self._finish_url(location, "scheme")
            return
        if entry.redirects + 1 > self.config.max_redirects:
            if self.frontier.mark_seen(target):
                self._finish_url(target, "redirect_limit")
            return
        self._discover(target, entry.depth, entry.redirects + 1)

    def _write(self, response: Response, outcome: str) -> None:
        def journal(name: str) -> None:
            self._finish_url(response.url, outcome, file=name, truncated=response.truncated, status=response.status)

        self.writer.write(response, after=journal)
