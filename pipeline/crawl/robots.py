"""robots.txt per origin, with the fetch rules of RFC 9309 and protego as the parser.

What a fetch of `scheme://host:port/robots.txt` means (RFC 9309 section 2.3.1):
- 2xx: the file is parsed (at most 500 KiB of it, the RFC's minimum) and obeyed for our token;
- 3xx: followed, up to 5 redirects (each hop checked like any fetch); more than 5 = unavailable;
- 4xx (404, 401, 403 ...): "unavailable": everything may be crawled;
- 5xx, or the server unreachable (timeout, refused connection, DNS): "unreachable": NOTHING may be
  crawled on that origin; the crawler asks again later (see frontier.py) and gives up on the origin
  after a few tries;
- a redirect to a refused address (private, loopback ...): treated as unreachable, not retried.
The rules are cached per origin for `ttl` seconds (RFC: at most 24 h), then fetched again.
robots.txt responses are not written to the WARC files (the pipeline would read them as text pages).
"""
from __future__ import annotations

import dataclasses
import time
from typing import Optional
from urllib.parse import urljoin

from protego import Protego

from pipeline.crawl.addresses import Refused
from pipeline.crawl.fetch import FetchError, FetchSettings, fetch

MAX_ROBOTS_BYTES = 500 * 1024
MAX_ROBOTS_REDIRECTS = 5
ALLOW_ALL, DISALLOW_ALL, PARSED = "allow_all", "disallow_all", "parsed"


@dataclasses.dataclass
class RobotsRules:
    kind: str  # ALLOW_ALL, DISALLOW_ALL or PARSED
    status: Optional[int] = None  # the final HTTP status, None if no response
    parser: Optional[Protego] = None
    crawl_delay: Optional[float] = None  # seconds between requests asked for our token
    fetched_at: float = dataclasses.field(default_factory=time.monotonic)
    retriable: bool = False  # DISALLOW_ALL because the server was unreachable: ask again later
    detail: str = ""  # why (for logs and crawl.json)
    requests: int = 0  # HTTP requests this fetch made (redirect hops included)

    def allows(self, url: str, token: str) -> bool:
        if self.kind == ALLOW_ALL:
            return True
        if self.kind == DISALLOW_ALL:
            return False
        return bool(self.parser.can_fetch(url, token))

    def expired(self, ttl: float, now: Optional[float] = None) -> bool:
        return ((now if now is not None else time.monotonic()) - self.fetched_at) >= ttl


def parse_robots(text: str, token: str, status: Optional[int] = None) -> RobotsRules:
    """Rules from robots.txt text. Crawl-delay (or Request-rate, as seconds per request) for `token`."""
    parser = Protego.parse(text)
    delay = parser.crawl_delay(token)
    rate = parser.request_rate(token)
    if rate is not None and getattr(rate, "requests", 0):
        per_request = rate.seconds / rate.requests
        delay = max(delay or 0.0, per_request)
    return RobotsRules(PARSED, status=status, parser=parser,
                       crawl_delay=float(delay) if delay is not None else None)


def robots_url(origin: str) -> str:
    return origin.rstrip("/") + "/robots.txt"


def fetch_robots(origin: str, token: str, settings: FetchSettings) -> RobotsRules:
    """Fetch and interpret `origin`'s robots.txt. Raises Refused if the origin itself is refused."""
    url = robots_url(origin)
    limited = dataclasses.replace(settings, max_body_bytes=MAX_ROBOTS_BYTES)  # a longer file: its head is parsed
    requests = 0
    for hop in range(MAX_ROBOTS_REDIRECTS + 1):
        try:
            response = fetch(url, limited)
            requests += 1
        except Refused as refused:
            if hop == 0:
                raise
            return RobotsRules(DISALLOW_ALL, detail=f"robots.txt redirected to a refused address: {refused.detail}",
                               requests=requests)
        except FetchError as error:
            requests += error.kind not in ("dns",)
            return RobotsRules(DISALLOW_ALL, retriable=True, detail=f"robots.txt unreachable: {error}",
                               requests=requests)
        status = response.status
        if 200 <= status < 300:
            text = response.body.decode("utf-8", errors="replace")
            try:
                rules = parse_robots(text, token, status)
            except Exception as error:  # protego is lenient; should it ever raise, obey nothing blindly
                return RobotsRules(DISALLOW_ALL, status=status, detail=f"robots.txt unparseable: {error}",
                                   requests=requests)
            rules.requests = requests
            return rules
        if 300 <= status < 400 and response.header("Location"):
            url = urljoin(url, response.header("Location").strip())
            continue
        if 400 <= status < 500 or 300 <= status < 400:
            return RobotsRules(ALLOW_ALL, status=status, detail=f"robots.txt status {status}: unavailable",
                               requests=requests)
        return RobotsRules(DISALLOW_ALL, status=status, retriable=True,
                           detail=f"robots.txt status {status}: unreachable", requests=requests)
    return RobotsRules(ALLOW_ALL, detail=f"more than {MAX_ROBOTS_REDIRECTS} redirects: unavailable",
                       requests=requests)
