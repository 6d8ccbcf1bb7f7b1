"""What the crawl did: counters per outcome and per host, the progress line, crawl.json, the summary.

Every URL the crawl meets ends with exactly one outcome:
    written             a 2xx HTML/text page, in a WARC file (`truncated` counts those cut at --max-body-bytes)
    redirect            a 3xx response, in a WARC file; its target was queued (or skipped, see below)
    and the skip reasons:
    robots              disallowed by robots.txt for our token
    robots_unavailable  robots.txt answered 5xx / was unreachable, also after retries: nothing fetched
    noindex             meta robots / X-Robots-Tag noindex: fetched, not written (links followed unless nofollow)
    scope               outside the crawl's scope (same-site or allow-list); never requested
    depth               beyond --max-depth; never requested
    private_address     the host resolves to a refused address (private, loopback, link-local ...); never connected to
    scheme              not http/https (a seed or a redirect target)
    http_status         a final 4xx/5xx response (5xx and 429 after retries)
    content_type        not HTML or plain text (body not downloaded)
    redirect_limit      more than --max-redirects redirects in a row
    crawl_delay         the host's Crawl-delay is above --max-crawl-delay
    error               no usable response after retries (timeouts, connection and TLS errors ...)
"pages fetched" = URLs that got a final HTTP response (any status): written + redirect + noindex +
http_status + content_type, and the truncated ones.
"""
from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter, defaultdict
from typing import Dict, Optional

from pipeline.crawl.links import host_of

WRITTEN, REDIRECT = "written", "redirect"
FETCHED_OUTCOMES = {WRITTEN, REDIRECT, "noindex", "http_status", "content_type"}
SKIP_REASONS = ("robots", "robots_unavailable", "noindex", "scope", "depth", "private_address", "scheme",
                "http_status", "content_type", "redirect_limit", "crawl_delay", "error")


def host_key(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).netloc or host_of(url)


class Stats:
    def __init__(self):
        self._lock = threading.Lock()
        self.outcomes: Counter = Counter()
        self.per_host: Dict[str, Counter] = defaultdict(Counter)
        self.errors: Counter = Counter()  # error kinds (timeout, connection ...), final ones only
        self.requests = 0  # HTTP requests sent this run, robots.txt and retries included
        self.robots_requests = 0
        self.started = time.monotonic()

    def record(self, url: str, outcome: str, truncated: bool = False, error_kind: Optional[str] = None) -> None:
        host = host_key(url)
        with self._lock:
            self.outcomes[outcome] += 1
            self.per_host[host][outcome] += 1
            if truncated:
                self.outcomes["truncated"] += 1
                self.per_host[host]["truncated"] += 1
            if error_kind:
                self.errors[error_kind] += 1

    def count_request(self, robots: bool = False) -> None:
        with self._lock:
            self.requests += 1
            if robots:
                self.robots_requests += 1

    def set_depth_skipped(self, by_host: Dict[str, int]) -> None:
        with self._lock:
            self.outcomes["depth"] = sum(by_host.values())
            for counters in self.per_host.values():
                counters.pop("depth", None)
            for host, n in by_host.items():
                self.per_host[host]["depth"] = n

    @staticmethod
    def _summarise(counter: Counter) -> dict:
        fetched = sum(counter[o] for o in FETCHED_OUTCOMES)
        return {
            "pages_fetched": fetched,
            "written": counter[WRITTEN],
            "truncated": counter["truncated"],
            "redirects": counter[REDIRECT],
            "skipped": {reason: counter[reason] for reason in SKIP_REASONS if counter[reason]},
        }

    def totals(self) -> dict:
        with self._lock:
            out = self._summarise(self.outcomes)
            out["errors_by_kind"] = dict(self.errors)
            out["requests_this_run"] = self.requests
            out["robots_requests_this_run"] = self.robots_requests
            return out

    def hosts(self) -> Dict[str, dict]:
        with self._lock:
            return {host: self._summarise(counter) for host, counter in sorted(self.per_host.items())}

    def progress_line(self, snapshot: dict) -> str:
        with self._lock:
            o = self.outcomes
            fetched = sum(o[x] for x in FETCHED_OUTCOMES)
            skipped = sum(o[r] for r in SKIP_REASONS if r not in ("noindex", "http_status", "content_type"))
            line = (f"crawl: {time.monotonic() - self.started:6.0f}s  fetched {fetched}  written {o[WRITTEN]}  "
                    f"queued {snapshot['queued']}  in flight {snapshot['in_flight']}  skipped {skipped}  "
                    f"errors {o['error']}  hosts {snapshot['hosts']}")
        line += eta_text(self.requests - self.robots_requests, time.monotonic() - self.started, snapshot)
        if snapshot["busiest"]:
            line += "  | busiest: " + ", ".join(f"{origin.split('://', 1)[-1]} {n}" for origin, n in snapshot["busiest"])
        return line


def eta_text(pages_this_run: int, elapsed: float, snapshot: dict) -> str:
    """"  ETA 4m10s" from this run's page rate and the pages left: the --max-pages budget if set,
    else what is queued (a lower bound: discovery adds more); "" before any page is fetched."""
    if pages_this_run <= 0 or elapsed <= 0:
        return ""
    left = snapshot["queued"] + snapshot["in_flight"]
    budget = snapshot.get("budget_left")
    if budget is not None:
        left = min(left, budget + snapshot["in_flight"])
    seconds = left / (pages_this_run / elapsed)
    minutes, secs = divmod(int(seconds), 60)
    bound = "" if budget is not None else " (queued now)"
    return f"  {pages_this_run / elapsed:.1f} pages/s  ETA {minutes}m{secs:02d}s{bound}"


def write_report(path: str, report: dict) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=2, sort_keys=False)
        handle.write("\n")
    os.replace(tmp, path)


def format_summary(report: dict, top: int = 10) -> str:
    t = report["totals"]
    lines = [
        f"winnow crawl: {report['status']} in {report['elapsed_seconds']:.1f} s: {t['pages_fetched']} pages fetched, "
        f"{t['written']} written ({t['truncated']} truncated), {t['redirects']} redirects, "
        f"{len(report['warc_files'])} WARC file(s), {report['queued_remaining']} still queued",
    ]
    if t["skipped"]:
        lines.append("skipped: " + ", ".join(f"{reason} {n}" for reason, n in t["skipped"].items()))
    if t["errors_by_kind"]:
        lines.append("errors: " + ", ".join(f"{kind} {n}" for kind, n in sorted(t["errors_by_kind"].items())))
    hosts = sorted(report["hosts"].items(), key=lambda item: (-item[1].get("pages_fetched", 0), item[0]))[:top]
    if hosts:
        lines.append(f"{'host':<40}{'fetched':>9}{'written':>9}{'skipped':>9}")
        for host, h in hosts:
            lines.append(f"{host[:39]:<40}{h.get('pages_fetched', 0):>9}{h.get('written', 0):>9}"
                         f"{sum(h.get('skipped', {}).values()):>9}")
        if len(report["hosts"]) > top:
            lines.append(f"... {len(report['hosts']) - top} more hosts in the report")
    lines.append(f"report: {report['report_path']}   WARC files: {report['output_dir']}/*.warc.gz "
                 f"(winnow run --input '{report['output_dir']}/*.warc.gz')")
    return "\n".join(lines)
