"""`winnow crawl` against a loopback HTTP server serving real pages (tests/data/crawl/SOURCES.md).

Several hosts share one server: the crawler is told where they are with --resolve NAME=127.0.0.1
(its own DNS override, still address-checked) and the server tells them apart by the Host header.
The server logs every request (host, path, start, end), which is what "fetched" means below.
"""
import gzip
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import BEAM_TEST_OPTIONS, DATA, ROOT
from transforms.document import Document
from transforms.ingest.readers import FileContext, read_warc

from pipeline.crawl import fetch as fetch_module
from pipeline.crawl import journal as journals
from pipeline.crawl.addresses import Refused, refusal, resolve_checked
from pipeline.crawl.cli import main as crawl_main
from pipeline.crawl.crawler import CrawlConfig, Crawler
from pipeline.crawl.links import normalise_url, parse_page, x_robots_tag
from pipeline.crawl.robots import parse_robots
from pipeline.crawl.scope import Scope

CRAWL_DATA = DATA / "crawl"
PAGES = CRAWL_DATA / "pages"
PAGE_FILES = sorted(p.name for p in PAGES.glob("*.html.gz") if p.name != "mozilla-medium-2.html.gz")
BIG_PAGE = "mozilla-medium-2.html.gz"
WATCHDOG_SECONDS = 30


def real_page(name: str) -> bytes:
    return gzip.decompress((PAGES / name).read_bytes())


# --- the loopback server --------------------------------------------------------------------------

class Page:
    def __init__(self, file=None, links=(), status=200, meta_robots=None, content_type="text/html; charset=utf-8",
                 location=None, headers=(), delay=0.0, trickle=None, gzip_body=False, chunked=False, body=None,
                 statuses=None, trickle_headers=None, short_by=0):
        self.file, self.links, self.status, self.meta_robots = file, list(links), status, meta_robots
        self.content_type, self.location, self.headers = content_type, location, list(headers)
        self.delay, self.trickle, self.gzip_body, self.chunked = delay, trickle, gzip_body, chunked
        self.body = body
        self.trickle_headers = trickle_headers  # seconds between the bytes of the status line and headers
        self.short_by = short_by  # the body sent is this many bytes shorter than its Content-Length
        self.statuses = list(statuses or [])  # served in turn before `status` (e.g. [503] then 200)


class Site:
    def __init__(self, robots=None, robots_status=200, robots_location=None, pages=None):
        self.robots, self.robots_status, self.robots_location = robots, robots_status, robots_location
        self.pages = pages or {}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):
        server = self.server
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].lower()
        entry = {"host": host, "path": self.path, "start": time.monotonic(), "end": None,
                 "ua": self.headers.get("User-Agent"), "accept_encoding": self.headers.get("Accept-Encoding")}
        with server.lock:
            server.log.append(entry)
        try:
            self._serve(server.sites.get(host), host)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            pass
        finally:
            entry["end"] = time.monotonic()

    def _send(self, status, body=b"", headers=(), chunked=False):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if chunked:
            for start in range(0, len(body), 1000):
                piece = body[start:start + 1000]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.wfile.write(body)
        self.close_connection = True

    def _serve(self, site, host):
        if site is None:
            return self._send(404, b"no such site")
        if self.path == "/robots.txt":
            if site.robots_location:
                return self._send(site.robots_status, b"", [("Location", site.robots_location)])
            if site.robots is None:
                return self._send(site.robots_status if site.robots_status != 200 else 404, b"not found")
            return self._send(site.robots_status, site.robots.encode(), [("Content-Type", "text/plain")])
        page = site.pages.get(self.path)
        if page is None:
            return self._send(404, b"<html><body>not found</body></html>", [("Content-Type", "text/html")])
        if page.delay:
            time.sleep(page.delay)
        status = page.statuses.pop(0) if page.statuses else page.status
        headers = [("Content-Type", page.content_type)] + page.headers
        if page.location and 300 <= status < 400:
            return self._send(status, b"moved", headers + [("Location", page.location)])
        body = page.body if page.body is not None else self._html(page)
        if status >= 500:
            return self._send(status, b"unavailable", headers + [("Retry-After", "0")])
        if page.trickle_headers:
            for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"a" * 200:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(page.trickle_headers)
            return
        if page.short_by:
            self.send_response(status)
            self.send_header("Content-Type", page.content_type)
            self.send_header("Content-Length", str(len(body) + page.short_by))
            self.end_headers()
            self.wfile.write(body)
            self.close_connection = True
            return
        if page.trickle:
            self.send_response(status)
            self.send_header("Content-Type", page.content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for byte in body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(page.trickle)
            return
        if page.gzip_body:
            body = gzip.compress(body, mtime=0)
            headers.append(("Content-Encoding", "gzip"))
        return self._send(status, body, headers, chunked=page.chunked)

    def _html(self, page):
        html = real_page(page.file).decode("utf-8", errors="replace") if page.file else "<html><body></body></html>"
        nav = "".join(f'<a href="{link}">link</a> ' for link in page.links)
        if nav:
            cut = html.lower().rfind("</body>")
            html = (html[:cut] + f"<nav>{nav}</nav>" + html[cut:]) if cut != -1 else html + f"<nav>{nav}</nav>"
        if page.meta_robots:
            cut = html.lower().find("<head>")
            tag = f'<meta name="robots" content="{page.meta_robots}">'
            html = html[:cut + 6] + tag + html[cut + 6:] if cut != -1 else tag + html
        return html.encode("utf-8")


class LoopbackServer:
    def __init__(self, sites, tls_context=None):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.scheme = "https" if tls_context else "http"
        if tls_context:
            self.httpd.socket = tls_context.wrap_socket(self.httpd.socket, server_side=True)
        self.httpd.daemon_threads = True
        self.httpd.sites = sites
        self.httpd.log = []
        self.httpd.lock = threading.Lock()
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def log(self):
        with self.httpd.lock:
            return list(self.httpd.log)

    def url(self, host, path="/"):
        return f"{self.scheme}://{host}:{self.port}{path}"

    def requests(self, include_robots=True):
        return Counter((e["host"], e["path"]) for e in self.log if include_robots or e["path"] != "/robots.txt")


@pytest.fixture
def connects(monkeypatch):
    """Every address the crawler opens a socket to."""
    seen = []
    original = fetch_module._connect

    def spy(ip, port, timeout):
        seen.append(ip)
        return original(ip, port, timeout)

    monkeypatch.setattr(fetch_module, "_connect", spy)
    return seen


def run_crawl(tmp_path, seeds, resolve=(), **options):
    seeds_file = tmp_path / "seeds.txt"
    seeds_file.write_text("\n".join(seeds) + "\n")
    out = tmp_path / options.pop("out_name", "out")
    resolve = resolve if isinstance(resolve, dict) else {name: "127.0.0.1" for name in resolve}
    settings = dict(output=str(out), per_host_delay=0.0, timeout=2.0, retries=1, backoff=0.05,
                    concurrency=4, quiet=True, allow_loopback=True, resolve=resolve)
    settings.update(options)
    crawler = Crawler(CrawlConfig(seeds=seeds_file.read_text().splitlines(), **settings), log=io.StringIO())
    watchdog = threading.Timer(WATCHDOG_SECONDS, crawler.stop)  # a hung crawl fails its test (status) instead
    watchdog.start()
    try:
        report = crawler.run()
    finally:
        watchdog.cancel()
    if report["status"] == "interrupted":
        pytest.fail(f"the crawl did not finish within {WATCHDOG_SECONDS} s")
    return out, report


def warc_documents(out: Path):
    """Documents the pipeline's own WARC reader gets from every WARC file of a crawl."""
    docs, others = [], Counter()
    for path in sorted(out.glob("*.warc.gz")):
        with open(path, "rb") as handle:
            for item in read_warc(handle, FileContext("web", "web", str(path), path.name)):
                if isinstance(item, Document):
                    docs.append(item)
                else:
                    others[getattr(item, "reason", type(item).__name__)] += 1
    return docs, others


def warc_records(out: Path):
    records = []
    for path in sorted(out.glob("*.warc.gz")):
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                headers = dict(record.rec_headers.headers)
                http = dict(record.http_headers.headers) if record.http_headers else {}
                records.append((record.rec_type, headers, http, record.content_stream().read()))
    return records


# --- the main crawl -------------------------------------------------------------------------------

WWW_ROBOTS = """User-agent: *
Disallow: /

User-agent: winnowbot
Disallow: /private/
"""


def main_sites(port):
    def u(host, path):
        return f"http://{host}:{port}{path}"

    files = PAGE_FILES
    www = Site(robots=WWW_ROBOTS, pages={
        "/": Page(files[0], links=["/a", "/b", "/private/secret", "/a#top", "/x/../b", u("nobots.example.com", "/"),
                                   u("down.example.com", "/"), u("other.org", "/x"), u("meta.example.com", "/"),
                                   "/noindex", "/nofollow", "/moved", "/flaky", "/image.png", "/missing",
                                   "/gz", "mailto:someone@example.com", "javascript:void(0)"]),
        "/a": Page(files[1], links=["/", "/b", "/c?q=1&x=2", "HTTP://WWW.EXAMPLE.COM:%d/a" % port]),
        "/b": Page(files[2], links=["/a", "./c?q=1&x=2"]),
        "/c?q=1&x=2": Page(files[3]),
        "/noindex": Page(files[4], meta_robots="noindex", links=["/from-noindex"]),
        "/from-noindex": Page(files[5]),
        "/nofollow": Page(files[6], meta_robots="nofollow", links=["/never"]),
        "/never": Page(files[7]),
        "/private/secret": Page(files[0]),
        "/moved": Page(status=301, location="/target"),
        "/target": Page(files[6]),
        "/flaky": Page(files[7], statuses=[503]),
        "/image.png": Page(content_type="image/png", body=b"\x89PNG\r\n\x1a\n" + b"\0" * 5000),
        "/gz": Page(files[3], gzip_body=True, chunked=True),
    })
    nobots = Site(robots=None, robots_status=404, pages={
        "/": Page(files[5], links=["/x"]),
        "/x": Page(files[1]),
    })
    down = Site(robots="User-agent: *\nAllow: /\n", robots_status=503, pages={"/": Page(files[2])})
    other = Site(robots=None, robots_status=404, pages={"/x": Page(files[0])})
    return {"www.example.com": www, "nobots.example.com": nobots, "down.example.com": down, "other.org": other}


def test_crawl_fetches_exactly_the_allowed_pages_once_and_the_pipeline_reads_them(tmp_path, connects):
    with LoopbackServer({}) as server:
        server.httpd.sites = main_sites(server.port)
        seeds = tmp_path / "seeds.txt"
        seeds.write_text(f"# seeds\n{server.url('www.example.com')}\n\nftp://example.com/file\n")
        out = tmp_path / "out"
        argv = ["--seeds", str(seeds), "--output", str(out), "--allow-loopback", "--per-host-delay", "0",
                "--retries", "1", "--backoff", "0.05", "--timeout", "2", "--concurrency", "4", "-q",
                "--progress-every", "0.2"]
        for name in ("www.example.com", "nobots.example.com", "down.example.com", "other.org"):
            argv += ["--resolve", f"{name}=127.0.0.1"]
        argv += ["--resolve", "meta.example.com=169.254.169.254"]
        result = []
        thread = threading.Thread(target=lambda: result.append(crawl_main(argv)), daemon=True)
        thread.start()
        thread.join(WATCHDOG_SECONDS)
        assert result == [0]  # finished, and completely
        log = server.log

    requested = Counter((e["host"], e["path"]) for e in log)
    www = {p: 1 for p in ["/robots.txt", "/", "/a", "/b", "/c?q=1&x=2", "/noindex", "/from-noindex", "/nofollow",
                          "/moved", "/target", "/image.png", "/missing", "/gz"]}
    www["/flaky"] = 2  # 503, retried once, then 200
    expected = Counter({("www.example.com", p): n for p, n in www.items()})
    expected.update({("nobots.example.com", "/robots.txt"): 1, ("nobots.example.com", "/"): 1,
                     ("nobots.example.com", "/x"): 1,
                     ("down.example.com", "/robots.txt"): 2})  # 503, asked again once, then given up
    assert requested == expected  # nothing else (not /private/, /never, other.org, down's pages), nothing twice
    assert set(connects) == {"127.0.0.1"}  # meta.example.com -> 169.254.169.254 was never connected to
    assert all(e["ua"].startswith("Mozilla/5.0 (compatible; winnowbot/") for e in log)

    report = json.loads((out / "crawl.json").read_text())
    totals = report["totals"]
    assert report["status"] == "complete"
    assert totals["written"] == 11 and totals["redirects"] == 1 and totals["truncated"] == 0
    skipped = totals["skipped"]
    assert skipped["robots"] == 1 and skipped["robots_unavailable"] == 1 and skipped["noindex"] == 1
    assert skipped["private_address"] == 1 and skipped["http_status"] == 1 and skipped["content_type"] == 1
    assert skipped["scope"] >= 1 and "error" not in skipped
    assert totals["pages_fetched"] == 11 + 1 + 1 + 1 + 1  # written, redirect, noindex, 404, image
    www_host = report["hosts"][f"www.example.com:{server.port}"]
    assert www_host["written"] == 9 and www_host["robots"] == "parsed"
    assert report["hosts"][f"down.example.com:{server.port}"]["closed"] == "robots_unavailable"
    journal = [json.loads(line) for line in (out / "crawl.journal").read_text().splitlines()]
    outcomes = {e["url"]: e["outcome"] for e in journal if e["e"] == "done"}
    assert outcomes[server.url("other.org", "/x")] == "scope"
    assert outcomes[server.url("meta.example.com", "/")] == "private_address"
    assert outcomes[server.url("www.example.com", "/private/secret")] == "robots"

    # the pipeline's WARC reader: one document per written HTML page, with its URL
    docs, others = warc_documents(out)
    expected_urls = {server.url("www.example.com", p) for p in
                     ["/", "/a", "/b", "/c?q=1&x=2", "/from-noindex", "/nofollow", "/target", "/flaky", "/gz"]}
    expected_urls |= {server.url("nobots.example.com", p) for p in ["/", "/x"]}
    assert sorted(d.origin for d in docs) == sorted(expected_urls)
    assert others["warc_request"] == 12 and others["http_status_3xx"] == 1 and others["warc_warcinfo"] >= 1
    by_url = {d.origin: d for d in docs}
    # served gzip-encoded and chunked, stored decoded: the page as it is
    assert by_url[server.url("www.example.com", "/gz")].html == real_page(PAGE_FILES[3]).decode("utf-8")
    assert by_url[server.url("www.example.com", "/a")].html.startswith(real_page(PAGE_FILES[1]).decode()[:2000])
    assert not list(out.glob("*.open"))

    records = warc_records(out)
    types = Counter(r[0] for r in records)
    assert types["response"] == 12 and types["request"] == 12
    responses = {h["WARC-Record-ID"]: h for t, h, _, _ in records if t == "response"}
    for rec_type, headers, _http, _ in records:
        if rec_type in ("response", "request"):
            assert headers["WARC-IP-Address"] == "127.0.0.1" and headers["WARC-Date"].endswith("Z")
            assert headers["WARC-Target-URI"].startswith("http://")
        if rec_type == "request":
            assert headers["WARC-Concurrent-To"] in responses
    gz = next(http for t, h, http, _ in records
              if t == "response" and h["WARC-Target-URI"] == server.url("www.example.com", "/gz"))
    assert gz["X-Crawler-Content-Encoding"] == "gzip" and gz["X-Crawler-Transfer-Encoding"] == "chunked"


def crawl_three_pages(tmp_path):
    """A three-page site crawled whole: (the server, the crawl's output directory)."""
    with LoopbackServer({}) as server:
        server.httpd.sites = {"www.example.com": Site(robots=None, robots_status=404, pages={
            "/": Page(PAGE_FILES[0], links=["/a", "/b"]), "/a": Page(PAGE_FILES[1]), "/b": Page(PAGE_FILES[2])})}
        out, report = run_crawl(tmp_path, [server.url("www.example.com")], resolve=["www.example.com"])
    assert report["totals"]["written"] == 3
    return server, out


def test_the_beam_reader_reads_the_crawl_directory(tmp_path):
    import apache_beam as beam
    from apache_beam.testing.util import assert_that, equal_to

    from transforms.ingest.read import ReadSource

    server, out = crawl_three_pages(tmp_path)
    urls = sorted(server.url("www.example.com", p) for p in ("/", "/a", "/b"))
    # the whole output directory, as `winnow run --input DIR/` would: crawl.journal/crawl.json are not data
    with beam.Pipeline(options=beam.options.pipeline_options.PipelineOptions(BEAM_TEST_OPTIONS)) as p:
        read = p | ReadSource("web", "web", [str(out) + "/"])
        assert_that(read.documents | beam.Map(lambda d: d.origin), equal_to(urls), label="docs")
        assert_that(read.errors, equal_to([]), label="errors")


def test_winnow_run_ingests_a_crawl_end_to_end(tmp_path):
    """`winnow crawl` output straight into `winnow run`: every written page is a document, counts conserve."""
    import json as json_module

    from pipeline.cli import main as winnow

    server, out = crawl_three_pages(tmp_path)
    run_dir = tmp_path / "run"
    assert winnow(["run", "--input", str(out) + "/", "--stages", "extract", "--output", str(run_dir)]) == 0
    manifest = json_module.loads((run_dir / "manifest.json").read_text())
    web = manifest["sources"]["web"]
    assert web["read"] == 3 and web["written"] + web["rejected_total"] + web["errors_total"] == 3
    assert manifest["conserved"] and web["written"] >= 2  # real article pages survive extraction


# --- politeness -----------------------------------------------------------------------------------

def _gaps(log, host):
    starts = sorted(e["start"] for e in log if e["host"] == host)
    return [round(b - a, 3) for a, b in zip(starts, starts[1:])]


def test_crawl_delay_and_per_host_delay_space_the_requests_to_a_host(tmp_path):
    chain = ["/", "/1", "/2", "/3"]

    def pages():
        return {path: Page(PAGE_FILES[i], links=[chain[i + 1]] if i + 1 < len(chain) else [])
                for i, path in enumerate(chain)}

    with LoopbackServer({
        # Crawl-delay 0.5 for everyone (we match "*"); larger than --per-host-delay 0.2: it wins
        "slow.example.com": Site(robots="User-agent: *\nCrawl-delay: 0.5\n", pages=pages()),
        # Crawl-delay 0.1 for our token; --per-host-delay 0.2 is larger: it wins
        "quick.example.com": Site(robots="User-agent: winnowbot\nCrawl-delay: 0.1\nDisallow:\n", pages=pages()),
    }) as server:
        started = time.monotonic()
        out, report = run_crawl(tmp_path, [server.url("slow.example.com"), server.url("quick.example.com")],
                                resolve=["slow.example.com", "quick.example.com"], per_host_delay=0.2)
        elapsed = time.monotonic() - started
        log = server.log
    slow, quick = _gaps(log, "slow.example.com"), _gaps(log, "quick.example.com")
    print(f"gaps between requests: slow.example.com (Crawl-delay 0.5) {slow}; "
          f"quick.example.com (Crawl-delay 0.1, per-host delay 0.2) {quick}")
    assert len(slow) == len(quick) == 4  # robots.txt + 4 pages each
    assert min(slow) >= 0.5 and min(quick) >= 0.2
    assert max(quick) < 0.5  # the smaller Crawl-delay did not slow it down to the other host's pace
    assert elapsed < 4.5  # the two hosts were crawled side by side
    hosts = report["hosts"]
    assert hosts[f"slow.example.com:{server.port}"]["crawl_delay"] == 0.5
    assert report["totals"]["written"] == 8


def test_one_connection_per_host_and_hosts_in_parallel(tmp_path):
    # every page takes 0.15 s to answer: a second connection to the same host would start inside that time
    pages = {"/": Page(PAGE_FILES[0], links=[f"/p{i}" for i in range(5)]),
             **{f"/p{i}": Page(PAGE_FILES[i], delay=0.15) for i in range(5)}}
    hosts = ["a.example.com", "b.example.com", "c.example.com"]
    with LoopbackServer({h: Site(robots=None, robots_status=404, pages=dict(pages)) for h in hosts}) as server:
        started = time.monotonic()
        _, report = run_crawl(tmp_path, [server.url(h) for h in hosts], resolve=hosts, concurrency=4)
        elapsed = time.monotonic() - started
        log = server.log
    assert report["totals"]["written"] == 18
    for host in hosts:
        starts = sorted(e["start"] for e in log if e["host"] == host and e["path"].startswith("/p"))
        assert len(starts) == 5 and min(b - a for a, b in zip(starts, starts[1:])) >= 0.15
    assert elapsed < 3 * 5 * 0.15  # the three hosts were crawled side by side


def test_robots_rules_are_read_again_after_their_ttl(tmp_path):
    chain = ["/", "/1", "/2", "/3", "/4"]
    with LoopbackServer({"www.example.com": Site(robots="User-agent: *\nDisallow: /private\n", pages={
        path: Page(PAGE_FILES[i], links=[chain[i + 1]] if i + 1 < len(chain) else []) for i, path in enumerate(chain)
    })}) as server:
        _, report = run_crawl(tmp_path, [server.url("www.example.com")], resolve=["www.example.com"],
                              per_host_delay=0.25, robots_ttl=0.6)
        log = server.log
    paths = [e["path"] for e in sorted(log, key=lambda e: e["start"])]
    assert paths[0] == "/robots.txt" and 2 <= paths.count("/robots.txt") <= 4
    assert [p for p in paths if p != "/robots.txt"] == chain
    assert min(_gaps(log, "www.example.com")) >= 0.25  # a robots.txt request is spaced like any other
    assert report["totals"]["robots_requests_this_run"] == paths.count("/robots.txt")


def test_robots_503_means_nothing_is_fetched_and_robots_redirects_are_followed(tmp_path):
    with LoopbackServer({
        "down.example.com": Site(robots="User-agent: *\nAllow: /\n", robots_status=503,
                                 pages={"/": Page(PAGE_FILES[0], links=["/a"]), "/a": Page(PAGE_FILES[1])}),
        "moved.example.com": Site(robots_status=301, robots_location="/robots-real.txt", pages={
            "/robots-real.txt": Page(body=b"User-agent: *\nDisallow: /blocked\n", content_type="text/plain"),
            "/": Page(PAGE_FILES[2], links=["/blocked", "/open"]),
            "/blocked": Page(PAGE_FILES[3]), "/open": Page(PAGE_FILES[4])}),
    }) as server:
        out, report = run_crawl(tmp_path, [server.url("down.example.com"), server.url("down.example.com", "/a"),
                                           server.url("moved.example.com")],
                                resolve=["down.example.com", "moved.example.com"], retries=2, backoff=0.05)
        requested = server.requests()
    assert requested == Counter({("down.example.com", "/robots.txt"): 3,  # first try + 2 retries
                                 ("moved.example.com", "/robots.txt"): 1, ("moved.example.com", "/robots-real.txt"): 1,
                                 ("moved.example.com", "/"): 1, ("moved.example.com", "/open"): 1})
    assert report["totals"]["skipped"]["robots_unavailable"] == 2
    assert report["totals"]["skipped"]["robots"] == 1
    assert report["totals"]["robots_requests_this_run"] == 5


# --- safety ---------------------------------------------------------------------------------------

def test_loopback_is_refused_unless_allowed_also_through_dns(tmp_path, connects):
    with LoopbackServer({"local.example.com": Site(robots=None, robots_status=404, pages={"/": Page(PAGE_FILES[0])}),
                         "127.0.0.1": Site(robots=None, robots_status=404, pages={"/": Page(PAGE_FILES[1])})}) as server:
        seeds = [server.url("127.0.0.1"), server.url("local.example.com")]
        _, refused = run_crawl(tmp_path, seeds, resolve=["local.example.com"], allow_loopback=False, out_name="no")
        assert server.log == [] and connects == []
        assert refused["totals"]["skipped"] == {"private_address": 2}
        _, allowed = run_crawl(tmp_path, seeds, resolve=["local.example.com"], allow_loopback=True, out_name="yes")
        assert allowed["totals"]["written"] == 2
        assert server.requests() == Counter({("127.0.0.1", "/robots.txt"): 1, ("127.0.0.1", "/"): 1,
                                             ("local.example.com", "/robots.txt"): 1, ("local.example.com", "/"): 1})


def test_redirects_to_private_addresses_are_refused_without_connecting(tmp_path, connects):
    allow = ["example.com", "10.0.0.1"]
    with LoopbackServer({"www.example.com": Site(robots=None, robots_status=404, pages={
        "/": Page(PAGE_FILES[0], links=["/to-ip", "/to-name", "/to-file", "/ok", "http://other.org/"]),
        "/to-ip": Page(status=302, location="http://10.0.0.1/admin"),
        "/to-name": Page(status=301, location="http://metadata.example.com/latest/meta-data/"),
        "/to-file": Page(status=302, location="file:///etc/passwd"),
        "/ok": Page(PAGE_FILES[1]),
    })}) as server:
        started = time.monotonic()
        out, report = run_crawl(tmp_path, [server.url("www.example.com")], scope="allow-list", allow=allow,
                                timeout=5.0, resolve={"www.example.com": "127.0.0.1",
                                                      "metadata.example.com": "169.254.169.254"})
        elapsed = time.monotonic() - started
    # metadata.example.com "resolves" to the cloud metadata address
    assert connects and set(connects) == {"127.0.0.1"}
    assert elapsed < 3  # refused at once, not after a connect timeout
    journal = [json.loads(line) for line in (out / "crawl.journal").read_text().splitlines()]
    outcomes = {e["url"]: e["outcome"] for e in journal if e["e"] == "done"}
    assert outcomes["http://10.0.0.1/admin"] == "private_address"
    assert outcomes["http://metadata.example.com/latest/meta-data/"] == "private_address"
    assert outcomes["http://other.org/"] == "scope"
    totals = report["totals"]
    assert totals["redirects"] == 3 and totals["written"] == 2
    assert totals["skipped"]["private_address"] == 2 and totals["skipped"]["scheme"] == 1


def _tls_files(tmp_path, hostname):
    """A CA and a certificate for `hostname` signed by it (PEM files): (ca, cert, key)."""
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import datetime

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "winnow test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(1).not_valid_before(now - datetime.timedelta(days=1))
          .not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hostname)]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(2)
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(hostname)]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = [tmp_path / "ca.pem", tmp_path / "cert.pem", tmp_path / "key.pem"]
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


def test_https_connects_to_the_checked_address_with_sni_and_verifies_the_certificate(tmp_path, connects):
    import ssl

    ca, cert, key = _tls_files(tmp_path, "secure.example.com")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with LoopbackServer({"secure.example.com": Site(robots=None, robots_status=404, pages={
        "/": Page(PAGE_FILES[0], links=["/a"]), "/a": Page(PAGE_FILES[1])})}, tls_context=context) as server:
        seed = server.url("secure.example.com")
        assert seed.startswith("https://")
        # the system's CAs do not know ours: refused, nothing fetched, no retry
        _, untrusted = run_crawl(tmp_path, [seed], resolve=["secure.example.com"], out_name="untrusted")
        assert server.log == [] and untrusted["totals"]["written"] == 0
        assert untrusted["hosts"][f"secure.example.com:{server.port}"]["robots"] == "disallow_all"
        out, trusted = run_crawl(tmp_path, [seed], resolve=["secure.example.com"], ca_file=str(ca), out_name="ok")
        requested = server.requests()
    assert trusted["totals"]["written"] == 2 and set(connects) == {"127.0.0.1"}
    assert requested == Counter({("secure.example.com", "/robots.txt"): 1, ("secure.example.com", "/"): 1,
                                 ("secure.example.com", "/a"): 1})
    assert sorted(d.origin for d in warc_documents(out)[0]) == [seed, seed + "a"]


@pytest.mark.parametrize("ip,refused", [
    ("10.0.0.1", True), ("172.16.5.4", True), ("192.168.1.1", True), ("127.0.0.1", True), ("169.254.169.254", True),
    ("0.0.0.0", True), ("224.0.0.251", True), ("239.255.255.250", True), ("100.64.0.1", True), ("240.0.0.1", True),
    ("255.255.255.255", True), ("::1", True), ("::", True), ("fe80::1", True), ("fd00::1", True),
    ("::ffff:10.0.0.1", True), ("::ffff:127.0.0.1", True), ("2002:a00:1::", True), ("ff02::1", True),
    ("93.184.216.34", False), ("8.8.8.8", False), ("2606:2800:220:1:248:1893:25c8:1946", False),
])
def test_address_refusal(ip, refused):
    import ipaddress

    assert (refusal(ipaddress.ip_address(ip)) is not None) == refused


def test_loopback_opt_in_opens_only_loopback():
    import ipaddress

    assert refusal(ipaddress.ip_address("127.0.0.1"), allow_loopback=True) is None
    assert refusal(ipaddress.ip_address("::ffff:127.0.0.1"), allow_loopback=True) is None
    assert refusal(ipaddress.ip_address("10.0.0.1"), allow_loopback=True) is not None
    with pytest.raises(Refused):  # decimal and other inet_aton spellings are resolved, then checked
        resolve_checked("2130706433", 80)
    with pytest.raises(Refused):
        resolve_checked("localhost", 80)


# --- limits ---------------------------------------------------------------------------------------

def test_oversize_bodies_are_cut_and_recorded_as_truncated(tmp_path):
    big = real_page(BIG_PAGE)
    assert len(big) > 40_000
    with LoopbackServer({"www.example.com": Site(robots=None, robots_status=404, pages={
        "/": Page(BIG_PAGE),
        "/gz": Page(BIG_PAGE, gzip_body=True),  # 12 KB on the wire, 48 KB decoded: the cap is on decoded bytes
        "/small": Page(PAGE_FILES[0]),
    })}) as server:
        # seeded, not linked: a page's links to the others would be in the part that is cut off
        out, report = run_crawl(tmp_path, [server.url("www.example.com", p) for p in ("/", "/gz", "/small")],
                                resolve=["www.example.com"], max_body_bytes=20_000)
    assert report["totals"]["written"] == 3 and report["totals"]["truncated"] == 2
    truncated = {h["WARC-Target-URI"].rsplit("/", 1)[1]: (h, http, payload) for t, h, http, payload in warc_records(out)
                 if t == "response" and h.get("WARC-Truncated") == "length"}
    assert set(truncated) == {"", "gz"}
    for _headers, http, payload in truncated.values():
        assert len(payload) == 20_000 and http["Content-Length"] == "20000"
        assert big.startswith(payload)
    assert int(truncated[""][1]["X-Crawler-Content-Length"]) > 40_000
    docs, _ = warc_documents(out)
    assert len(docs) == 3  # a cut page is still a document: its first 20,000 bytes


def test_slow_servers_time_out_without_holding_up_the_crawl(tmp_path):
    hosts = ["www.example.com", "trickle.example.com", "headers.example.com", "short.example.com"]
    with LoopbackServer({}) as server:
        tiny = b"<html><body>" + b"x" * 200 + b"</body></html>"
        server.httpd.sites = {
            "www.example.com": Site(robots=None, robots_status=404, pages={
                "/": Page(PAGE_FILES[0], links=["/stalls", "/fast"] + [server.url(h) for h in hosts[1:]]),
                "/stalls": Page(PAGE_FILES[1], delay=2.5),  # says nothing for 2.5 s
                "/fast": Page(PAGE_FILES[2])}),
            # one byte every 0.1 s: each read is within the timeout, the whole response never is
            "trickle.example.com": Site(robots=None, robots_status=404, pages={"/": Page(body=tiny, trickle=0.1)}),
            "headers.example.com": Site(robots=None, robots_status=404, pages={"/": Page(trickle_headers=0.1)}),
            # the connection closes 4000 bytes before the declared Content-Length
            "short.example.com": Site(robots=None, robots_status=404, pages={"/": Page(PAGE_FILES[3], short_by=4000)}),
        }
        started = time.monotonic()
        out, report = run_crawl(tmp_path, [server.url("www.example.com")], resolve=hosts,
                                timeout=0.3, retries=1, backoff=0.05)  # whole response within 4 x 0.3 s
        elapsed = time.monotonic() - started
        requested = server.requests(include_robots=False)
    assert elapsed < 5
    for key in [("www.example.com", "/stalls")] + [(h, "/") for h in hosts[1:]]:
        assert requested[key] == 2  # tried, retried once, given up
    totals = report["totals"]
    assert totals["written"] == 2 and totals["skipped"]["error"] == 4
    assert totals["errors_by_kind"] == {"timeout": 1, "too_slow": 2, "connection": 1}
    assert {d.origin for d in warc_documents(out)[0]} == {server.url("www.example.com", p) for p in ("/", "/fast")}


def test_max_depth_limits_link_following(tmp_path):
    chain = ["/", "/1", "/2", "/3"]
    with LoopbackServer({"www.example.com": Site(robots=None, robots_status=404, pages={
        path: Page(PAGE_FILES[i], links=[chain[i + 1]] if i + 1 < len(chain) else []) for i, path in enumerate(chain)
    })}) as server:
        _, report = run_crawl(tmp_path, [server.url("www.example.com")], resolve=["www.example.com"], max_depth=1)
        requested = server.requests(include_robots=False)
    assert set(requested) == {("www.example.com", "/"), ("www.example.com", "/1")}
    assert report["totals"]["skipped"]["depth"] == 1 and set(report["totals"]["skipped"]) == {"depth", "scope"}


# --- resuming -------------------------------------------------------------------------------------

def _many_pages(n):
    return {"/": Page(PAGE_FILES[0], links=[f"/p{i}" for i in range(n)]),
            **{f"/p{i}": Page(PAGE_FILES[i % len(PAGE_FILES)]) for i in range(n)}}


def test_max_pages_stops_and_the_same_command_resumes_without_refetching(tmp_path):
    with LoopbackServer({"www.example.com": Site(robots=None, robots_status=404, pages=_many_pages(8))}) as server:
        first_out, first = run_crawl(tmp_path, [server.url("www.example.com")], resolve=["www.example.com"],
                                     max_pages=4, warc_max_bytes=30_000)
        assert first["status"] == "max_pages" and first["totals"]["pages_fetched"] == 4
        _, second = run_crawl(tmp_path, [server.url("www.example.com")], resolve=["www.example.com"],
                              warc_max_bytes=30_000)
        requested = server.requests(include_robots=False)
    assert second["status"] == "complete"
    assert len(requested) == 9 and max(requested.values()) == 1
    assert second["totals"]["written"] == 9 and second["resumed"]["runs_before"] == 1
    docs, _ = warc_documents(first_out)
    assert sorted(Counter(d.origin for d in docs).values()) == [1] * 9
    assert len(second["warc_files"]) >= 2


def _documents_in(path: Path):
    """URLs of the complete page records in one (possibly cut-off) WARC file, read by the pipeline's reader."""
    with open(path, "rb") as handle:
        return {d.origin for d in read_warc(handle, FileContext("web", "web", str(path), path.name))
                if isinstance(d, Document)}


def test_killed_mid_crawl_and_restarted_it_completes_without_refetching(tmp_path):
    n = 24
    concurrency = 2
    with LoopbackServer({
        "k1.example.com": Site(robots=None, robots_status=404, pages=_many_pages(n)),
        "k2.example.com": Site(robots="User-agent: *\nDisallow: /p0\n", pages=_many_pages(n)),
    }) as server:
        seeds = tmp_path / "seeds.txt"
        seeds.write_text(f"{server.url('k1.example.com')}\n{server.url('k2.example.com')}\n")
        out = tmp_path / "out"
        # WARC files of ~40 KB: a few pages each, so the kill usually finds pages in an unclosed file
        command = [sys.executable, "-m", "pipeline.crawl", "--seeds", str(seeds), "--output", str(out),
                   "--allow-loopback", "--per-host-delay", "0.1", "--concurrency", str(concurrency),
                   "--warc-max-bytes", "40000", "-q",
                   "--resolve", "k1.example.com=127.0.0.1", "--resolve", "k2.example.com=127.0.0.1"]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while len(server.requests(include_robots=False)) < 14 and time.monotonic() < deadline:
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait()
        first_run = server.requests(include_robots=False)
        assert 14 <= len(first_run) < 2 * n  # killed in the middle
        in_closed_warc = {d.origin for d in warc_documents(out)[0]}
        assert in_closed_warc  # some files were complete before the kill
        in_open_warc = set()
        for path in out.glob("*.warc.gz.open"):
            in_open_warc |= _documents_in(path)
        unfinished = {(h, p) for h, p in first_run if server.url(h, p) not in in_closed_warc}

        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        total = server.requests(include_robots=False)

    second_run = total - first_run
    refetched = {key for key in second_run if key in first_run}
    refetched_urls = {server.url(h, p) for h, p in refetched}
    print(f"killed after {len(first_run)} pages: {len(in_closed_warc)} in closed WARC files, "
          f"{len(in_open_warc)} in the unclosed one, {len(refetched)} fetched again")
    assert refetched <= unfinished  # only pages that were not yet in a closed WARC file ...
    assert in_open_warc <= refetched_urls  # ... and those written to the unclosed file were not lost
    assert len(refetched_urls - in_open_warc) <= concurrency  # the rest: at most the requests in flight
    assert max(total.values()) <= 2 and sum(total.values()) == len(total) + len(refetched)
    pages = {(h, p) for h in ("k1.example.com", "k2.example.com") for p in ["/"] + [f"/p{i}" for i in range(n)]}
    assert set(total) == pages - {("k2.example.com", "/p0")}
    docs, _ = warc_documents(out)
    assert Counter(d.origin for d in docs) == Counter({server.url(h, p): 1 for h, p in set(total)})
    report = json.loads((out / "crawl.json").read_text())
    assert report["status"] == "complete" and report["totals"]["written"] == 2 * (n + 1) - 1
    assert report["totals"]["skipped"]["robots"] == 1
    assert set(report["totals"]["skipped"]) == {"robots", "scope"}  # scope: the real pages' own links
    assert report["resumed"]["refetched_not_in_closed_warc"] <= len(in_open_warc)
    assert not list(out.glob("*.open"))


def test_sigterm_stops_cleanly_and_the_rerun_fetches_nothing_twice(tmp_path):
    n = 16
    with LoopbackServer({"www.example.com": Site(robots=None, robots_status=404, pages=_many_pages(n))}) as server:
        seeds = tmp_path / "seeds.txt"
        seeds.write_text(server.url("www.example.com") + "\n")
        out = tmp_path / "out"
        command = [sys.executable, "-m", "pipeline.crawl", "--seeds", str(seeds), "--output", str(out), "-q",
                   "--allow-loopback", "--per-host-delay", "0.1", "--resolve", "www.example.com=127.0.0.1"]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while len(server.requests(include_robots=False)) < 5 and time.monotonic() < deadline:
            time.sleep(0.02)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
        assert process.returncode == 1, stderr
        stopped = json.loads((out / "crawl.json").read_text())
        assert stopped["status"] == "interrupted" and 0 < stopped["queued_remaining"] < n
        assert not list(out.glob("*.open"))  # the open WARC file was completed
        first_docs = {d.origin for d in warc_documents(out)[0]}
        assert len(first_docs) == stopped["totals"]["written"] >= 5

        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        requested = server.requests(include_robots=False)
    assert len(requested) == n + 1 and max(requested.values()) == 1  # a clean stop loses nothing
    docs, _ = warc_documents(out)
    assert sorted(Counter(d.origin for d in docs).values()) == [1] * (n + 1)


def test_journal_survives_a_half_written_last_line(tmp_path):
    journal = journals.Journal(str(tmp_path))
    journal.queued("http://a.example.com/", 0, 0)
    journal.done("http://a.example.com/", "written", file="crawl-00000.warc.gz")
    journal.close()
    with open(tmp_path / journals.JOURNAL, "ab") as handle:
        handle.write(b'{"e": "queue", "url": "http://a.exa')  # killed mid-write
    journals.Journal(str(tmp_path)).queued("http://a.example.com/b", 1, 0)
    state = journals.load(str(tmp_path))
    assert state.pending() == [("http://a.example.com/", 0, 0), ("http://a.example.com/b", 1, 0)]  # file not closed
    (tmp_path / "crawl-00000.warc.gz").write_bytes(b"")  # renamed: closed, even without its "closed" line
    state = journals.load(str(tmp_path))
    assert state.pending() == [("http://a.example.com/b", 1, 0)] and state.next_file_index == 1


# --- units ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("href,base,expected", [
    ("HTTP://Example.COM:80/a/./b/../c?x=1#frag", None, "http://example.com/a/c?x=1"),
    ("https://example.com:443", None, "https://example.com/"),
    ("https://example.com:8443/", None, "https://example.com:8443/"),
    ("../d?q", "http://example.com/a/b/c", "http://example.com/a/d?q"),
    ("//cdn.example.org/x", "https://example.com/", "https://cdn.example.org/x"),
    ("/a b/%7euser/%2f", "http://example.com/", "http://example.com/a%20b/~user/%2F"),
    ("http://user:pw@example.com/", None, "http://example.com/"),
    ("http://bücher.example/ü", None, "http://xn--bcher-kva.example/%C3%BC"),
    ("http://example.com/100%", None, "http://example.com/100%25"),
    ("  http://example.com/\n", None, "http://example.com/"),
    ("mailto:x@example.com", None, None), ("javascript:void(0)", "http://example.com/", None),
    ("ftp://example.com/", None, None), ("http://example.com:99999/", None, None), ("http:///path", None, None),
])
def test_normalise_url(href, base, expected):
    assert normalise_url(href, base) == expected


def test_meta_robots_and_x_robots_tag():
    html = real_page("archive.org.dimido.de.marketing.html.gz").decode("utf-8", errors="replace")
    page = parse_page(html, "http://example.com/", "winnowbot")  # its real meta: "index, follow, noodp"
    assert not page.directives.noindex and not page.directives.nofollow and len(page.links) > 10
    marked = html.replace("index, follow, noodp", "noindex,FOLLOW")
    assert parse_page(marked, "http://example.com/", "winnowbot").directives.noindex
    own = html.replace('name="robots" content="index, follow, noodp"', 'name="winnowbot" content="none"')
    assert parse_page(own, "http://example.com/", "winnowbot").directives.nofollow
    assert x_robots_tag(["noindex"], "winnowbot").noindex
    assert x_robots_tag(["otherbot: noindex", "winnowbot: nofollow"], "winnowbot").nofollow
    assert not x_robots_tag(["otherbot: noindex"], "winnowbot").noindex
    assert not x_robots_tag(["unavailable_after: 25 Jun 2010 15:00:00 PST"], "winnowbot").noindex
    nofollow_link = '<a rel="nofollow" href="/x">x</a><a href="y">y</a><base href="/sub/">'
    assert parse_page(nofollow_link, "http://example.com/", "winnowbot").links == ["http://example.com/sub/y"]


def test_same_site_scope_uses_registered_domains():
    scope = Scope.same_site(["https://www.example.co.uk/", "http://127.0.0.1:8000/", "https://alice.github.io/"])
    assert scope.allows("http://shop.example.co.uk/x") and scope.allows("http://127.0.0.1:9/")
    assert not scope.allows("http://other.co.uk/") and not scope.allows("https://bob.github.io/")
    allow = Scope("allow-list", ["# hosts", "example.org", "https://news.example.net/"])
    assert allow.allows("http://a.b.example.org/") and allow.allows("http://news.example.net/")
    assert not allow.allows("http://example.net/") and not allow.allows("http://badexample.org/")


# --- the robots.txt corpus ------------------------------------------------------------------------

def test_real_robots_files_parse():
    rows = [json.loads(line) for line in gzip.decompress(
        (CRAWL_DATA / "robots" / "protego_robots_sample.jsonl.gz").read_bytes()).decode("utf-8").splitlines()]
    assert len(rows) == 300
    delays = 0
    for row in rows:
        rules = parse_robots(row["robots_txt"], "winnowbot", 200)
        rules.allows(f"https://{row['host']}/", "winnowbot")
        rules.allows(f"https://{row['host']}/wp-admin/x?y=1", "winnowbot")
        delays += rules.crawl_delay is not None
    assert delays >= 30
    by_host = {r["host"]: r["robots_txt"] for r in rows}
    dblp = parse_robots(by_host["dblp.uni-trier.de"], "winnowbot")
    assert dblp.crawl_delay == 1.0
    assert not dblp.allows("https://dblp.uni-trier.de/db/indices/a-tree/", "winnowbot")
    assert dblp.allows("https://dblp.uni-trier.de/db/conf/icml/", "winnowbot")
    assert dblp.allows("https://dblp.uni-trier.de/search/", "winnowbot")  # "Allow: /search/$"
    assert not dblp.allows("https://dblp.uni-trier.de/search/x", "winnowbot")
    aiaa = parse_robots(by_host["www.aiaa.org"], "winnowbot")
    assert aiaa.crawl_delay == 120.0 and not aiaa.allows("https://www.aiaa.org/Sitefinity/x", "winnowbot")


def test_the_progress_line_gives_an_eta_from_this_runs_page_rate():
    from pipeline.crawl.stats import eta_text

    # 30 pages in 10 s; 100 queued + 2 in flight, a --max-pages budget of 58 left: 60 pages at 3/s
    assert eta_text(30, 10.0, {"queued": 100, "in_flight": 2, "budget_left": 58}) == "  3.0 pages/s  ETA 0m20s"
    # no budget: what is queued now, said to be a lower bound
    assert eta_text(30, 10.0, {"queued": 540, "in_flight": 0, "budget_left": None}).endswith("ETA 3m00s (queued now)")
    assert eta_text(0, 10.0, {"queued": 5, "in_flight": 0, "budget_left": None}) == ""
