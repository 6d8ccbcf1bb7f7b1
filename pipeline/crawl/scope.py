"""Which URLs belong to the crawl.

- same-site (default): a URL is in scope when its registered domain (public-suffix list, private
  suffixes such as github.io included: a.github.io and b.github.io are different sites) is the
  registered domain of a seed. Hosts without one (IP addresses, "localhost") must equal a seed's host.
  Ports do not matter.
- allow-list: a URL is in scope when its host is listed, or is a subdomain of a listed domain.
  The list file holds one host or domain per line ("example.org", ".example.org" or a URL, whose
  host is taken); blank lines and lines starting with "#" are ignored.
The public-suffix list is tldextract's bundled snapshot: never fetched from the network.
"""
from __future__ import annotations

import functools
from typing import Iterable, Set

from pipeline.crawl.links import host_of, normalise_url

SAME_SITE, ALLOW_LIST = "same-site", "allow-list"


@functools.lru_cache(maxsize=1)
def _extractor():
    import tldextract

    return tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True,
                                 include_psl_private_domains=True)


@functools.lru_cache(maxsize=65536)
def site_of(host: str) -> str:
    """The registered domain of `host` ("a.b.example.co.uk" -> "example.co.uk"), else the host itself."""
    host = host.lower().strip("[]").rstrip(".")
    if not host or host.replace(".", "").isdigit() or ":" in host:
        return host
    result = _extractor()(host)
    registered = getattr(result, "top_domain_under_public_suffix", None)
    if registered is None:  # tldextract < 5.3
        registered = result.registered_domain
    return registered or host


class Scope:
    def __init__(self, mode: str, entries: Iterable[str]):
        if mode not in (SAME_SITE, ALLOW_LIST):
            raise ValueError(f"unknown scope {mode!r}")
        self.mode = mode
        self.entries: Set[str] = set()
        for entry in entries:
            entry = entry.strip()
            if not entry or entry.startswith("#"):
                continue
            if "://" in entry:
                entry = host_of(normalise_url(entry) or "")
            entry = entry.lower().strip(".").strip("[]")
            if entry:
                self.entries.add(site_of(entry) if mode == SAME_SITE else entry)

    @classmethod
    def same_site(cls, seeds: Iterable[str]) -> "Scope":
        return cls(SAME_SITE, [host_of(url) for url in seeds])

    def allows(self, url: str) -> bool:
        host = host_of(url).rstrip(".")
        if self.mode == SAME_SITE:
            return site_of(host) in self.entries
        parts = host.split(".")
        return any(".".join(parts[i:]) in self.entries for i in range(len(parts)))

    def describe(self) -> str:
        shown = ", ".join(sorted(self.entries)[:5]) + (" ..." if len(self.entries) > 5 else "")
        return f"{self.mode}: {shown}"
