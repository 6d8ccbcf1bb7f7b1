"""`winnow crawl`: a polite crawler that writes WARC files the pipeline reads.

    winnow crawl --seeds FILE --output DIR [--user-agent TOKEN] [--max-pages N] [--max-depth D]
                 [--scope same-site|allow-list] [--allow FILE] [--allow-loopback] [--concurrency C]
                 [--per-host-delay S] [--timeout S] [--max-body-bytes B] [--warc-max-bytes B] [-q] ...

Run it again with the same command to resume an interrupted crawl. Then:
    winnow run --input 'DIR/*.warc.gz' --kind web --output OUT

Exit codes: 0 the crawl completed (or reached --max-pages), 1 it was interrupted or failed,
2 bad usage. Also runnable as `python -m pipeline.crawl ...`.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from typing import Dict, List, Optional, Sequence

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
_TOKEN = re.compile(r"^[A-Za-z_-]+$")  # RFC 9309 product token
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(i?B?)?\s*$", re.IGNORECASE)


def byte_size(text: str) -> int:
    """'2097152', '2MiB', '2M', '1GB' -> bytes (K/M/G/T are powers of 1024)."""
    match = _SIZE.match(text)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 2097152, 512K, 2M, 1G)")
    value = float(match.group(1)) * 1024 ** "BKMGT".index((match.group(2) or "B").upper())
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1 byte")
    return int(value)


def _positive(kind):
    def parse(text: str):
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive: {text}")
        return value
    return parse


def _non_negative(kind):
    def parse(text: str):
        value = kind(text)
        if value < 0:
            raise argparse.ArgumentTypeError(f"must not be negative: {text}")
        return value
    return parse


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="winnow crawl",
        description="Crawl the web politely (robots.txt, per-host delays, no private addresses) into WARC "
                    "files that `winnow run` reads. Run the same command again to resume.",
        epilog="Outcomes and skip reasons are explained in crawl.json and in pipeline/crawl/stats.py.",
    )
    p.add_argument("--seeds", metavar="FILE", required=True, help="seed URLs, one per line ('#' comments)")
    p.add_argument("--output", metavar="DIR", required=True,
                   help="WARC files crawl-NNNNN.warc.gz, the resume journal and crawl.json go here")
    p.add_argument("--user-agent", metavar="TOKEN", default="winnowbot",
                   help="the product token matched against robots.txt and sent in User-Agent (default winnowbot)")
    p.add_argument("--contact", metavar="URL", help="a page or mailto: about the crawler, added to the User-Agent")
    p.add_argument("--max-pages", type=_positive(int), metavar="N", help="stop after N page requests (robots.txt not counted; counted over resumed runs; default: no limit)")
    p.add_argument("--max-depth", type=_non_negative(int), metavar="D",
                   help="follow links at most D steps from a seed (seeds are depth 0; default: no limit)")
    p.add_argument("--scope", choices=("same-site", "allow-list"), default="same-site",
                   help="same-site: the registered domains of the seeds (default); allow-list: the hosts in --allow")
    p.add_argument("--allow", metavar="FILE", help="with --scope allow-list: hosts/domains, one per line")
    p.add_argument("--allow-loopback", action="store_true",
                   help="allow 127.0.0.0/8 and ::1 (for tests); other private addresses stay refused")
    p.add_argument("--concurrency", type=_positive(int), default=8, metavar="C",
                   help="requests in flight over all hosts (default 8)")
    p.add_argument("--per-host-connections", type=_positive(int), default=1, metavar="N",
                   help="requests in flight per host (default 1)")
    p.add_argument("--per-host-delay", type=_non_negative(float), default=1.0, metavar="S",
                   help="seconds between requests to a host; a larger Crawl-delay wins (default 1)")
    p.add_argument("--max-crawl-delay", type=_non_negative(float), default=600.0, metavar="S",
                   help="skip hosts whose Crawl-delay is longer (default 600)")
    p.add_argument("--timeout", type=_positive(float), default=10.0, metavar="S",
                   help="connect and read timeout; a whole response must arrive within 4x this (default 10)")
    p.add_argument("--retries", type=_non_negative(int), default=2, metavar="N",
                   help="retries after a 5xx, 429, timeout or connection error, and of an unreachable "
                        "robots.txt (default 2)")
    p.add_argument("--backoff", type=_non_negative(float), default=1.0, metavar="S",
                   help="first retry wait; doubles with each retry (default 1)")
    p.add_argument("--max-redirects", type=_non_negative(int), default=5, metavar="N",
                   help="redirects followed in a row (default 5)")
    p.add_argument("--max-body-bytes", type=byte_size, default=2 * 1024 * 1024, metavar="B",
                   help="longer bodies are cut and written with WARC-Truncated: length (default 2MiB)")
    p.add_argument("--warc-max-bytes", type=byte_size, default=1024 ** 3, metavar="B",
                   help="start a new WARC file once one reaches this size (default 1GiB)")
    p.add_argument("--robots-ttl", type=_positive(float), default=86400.0, metavar="S",
                   help="re-read a host's robots.txt after this long (default 86400)")
    p.add_argument("--resolve", action="append", default=[], metavar="HOST=IP",
                   help="use IP for HOST instead of DNS (repeatable; the address is still checked)")
    p.add_argument("--ca-file", metavar="PEM", help="trust only the CA certificates in this file for https "
                                                    "(default: the system's)")
    p.add_argument("--progress-every", type=_positive(float), default=5.0, metavar="S",
                   help="seconds between progress lines on stderr (default 5)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    return p


def _read_lines(path: str, what: str) -> List[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read().splitlines()
    except OSError as error:
        raise ValueError(f"cannot read {what} {path}: {error.strerror or error}") from None


def _usage_error(message: str) -> int:
    print(f"winnow crawl: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _resolve_map(items: Sequence[str]) -> Dict[str, str]:
    from pipeline.crawl.addresses import parse_ip

    out = {}
    for item in items:
        host, sep, ip = item.partition("=")
        if not sep or not host.strip() or parse_ip(ip.strip()) is None:
            raise ValueError(f"--resolve wants HOST=IP, got {item!r}")
        out[host.strip().lower()] = ip.strip()
    return out


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    if not _TOKEN.match(args.user_agent):
        return _usage_error(f"--user-agent must be a product token (letters, '_' and '-'), got {args.user_agent!r}")
    if args.scope == "allow-list" and not args.allow:
        return _usage_error("--scope allow-list needs --allow FILE")
    if args.allow and args.scope != "allow-list":
        return _usage_error("--allow is only used with --scope allow-list")
    if args.ca_file and not os.path.isfile(args.ca_file):
        return _usage_error(f"--ca-file {args.ca_file}: no such file")
    try:
        resolve = _resolve_map(args.resolve)
        seeds = _read_lines(args.seeds, "seeds file")
        allow = _read_lines(args.allow, "allow-list") if args.allow else []
    except ValueError as error:
        return _usage_error(str(error))

    from pipeline.crawl.crawler import CrawlConfig, CrawlError, Crawler
    from pipeline.crawl.stats import format_summary

    config = CrawlConfig(
        seeds=seeds, output=args.output, token=args.user_agent, contact=args.contact, max_pages=args.max_pages,
        max_depth=args.max_depth, scope=args.scope, allow=allow, allow_loopback=args.allow_loopback,
        concurrency=args.concurrency, per_host_delay=args.per_host_delay,
        per_host_connections=args.per_host_connections, timeout=args.timeout, max_body_bytes=args.max_body_bytes,
        warc_max_bytes=args.warc_max_bytes, retries=args.retries, backoff=args.backoff,
        max_redirects=args.max_redirects, robots_ttl=args.robots_ttl, max_crawl_delay=args.max_crawl_delay,
        resolve=resolve, ca_file=args.ca_file, progress_every=args.progress_every, quiet=args.quiet,
    )
    try:
        report = Crawler(config).run()
    except CrawlError as error:
        return _usage_error(str(error))
    except Exception as error:
        print(f"winnow crawl: error: the crawl failed: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_FAILED
    print(format_summary(report))
    return EXIT_OK if report["status"] in ("complete", "max_pages") else EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
