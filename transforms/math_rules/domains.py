"""The domain filter of `math_filter`: human-curated math domains, matched with their subdomains.

Two lists (AFM 3.1: "a domain filter that processes all web pages from domains manually labeled by
humans"):
  always   every page of the domain is processed as math, whatever the tag and symbol filters
           find: sites where each page is mathematics (Q&A sites for mathematicians, encyclopedias
           of mathematics, problem archives, the OEIS)
  allowed  math-rich domains whose pages also hold other things (Khan Academy teaches history,
           Physics Forums has lounges, arXiv has every science): a page there needs evidence, but
           less of it (transforms/math_rules/filters.py)

A listed domain matches its host and every subdomain ("math.libretexts.org" matches
"math.libretexts.org" and "www.math.libretexts.org", not "chem.libretexts.org"); "www." is
ignored. The shipped DEFAULT_MATH_DOMAINS are our curation, from what each site is known to publish
(not measured here); the config adds domains to either list or switches the default off.
"""
from __future__ import annotations

from typing import Iterable, Mapping, NamedTuple, Optional

from transforms.url_rules.lists import domain_from_line
from transforms.url_rules.matching import match_domain, split_url, strip_www

ALWAYS = "always"
ALLOWED = "allowed"

DEFAULT_MATH_DOMAINS: Mapping[str, str] = {
    # Q&A sites on mathematics (Stack Exchange network)
    "math.stackexchange.com": ALWAYS,
    "mathoverflow.net": ALWAYS,
    "matheducators.stackexchange.com": ALWAYS,
    # encyclopedias, references and sequences of mathematics
    "mathworld.wolfram.com": ALWAYS,
    "proofwiki.org": ALWAYS,
    "planetmath.org": ALWAYS,
    "encyclopediaofmath.org": ALWAYS,
    "ncatlab.org": ALWAYS,
    "oeis.org": ALWAYS,
    "dlmf.nist.gov": ALWAYS,  # NIST Digital Library of Mathematical Functions
    # tutorials and course notes that are all mathematics
    "tutorial.math.lamar.edu": ALWAYS,  # Paul's Online Math Notes
    "math.libretexts.org": ALWAYS,
    "purplemath.com": ALWAYS,
    "cut-the-knot.org": ALWAYS,
    "nrich.maths.org": ALWAYS,
    "projecteuler.net": ALWAYS,
    # a forum whose boards are mathematics
    "mathhelpforum.com": ALWAYS,
    # research blogs of mathematicians
    "terrytao.wordpress.com": ALWAYS,
    "gowers.wordpress.com": ALWAYS,
    # math-rich sites with other subjects or off-topic boards beside the mathematics
    "artofproblemsolving.com": ALLOWED,  # contest problems, plus community boards of every kind
    "brilliant.org": ALLOWED,  # mathematics, science and computer science courses
    "khanacademy.org": ALLOWED,  # mathematics beside humanities and economics
    "physicsforums.com": ALLOWED,  # mathematics and physics boards, plus lounges
    "mathhelpboards.com": ALLOWED,  # mathematics boards, plus a chat room
    "mathsisfun.com": ALLOWED,  # school mathematics, plus some physics and money pages
    "mathpages.com": ALLOWED,  # mathematics and relativity physics
    "stats.stackexchange.com": ALLOWED,  # statistics and machine learning, often applied
    "physics.stackexchange.com": ALLOWED,
    "cstheory.stackexchange.com": ALLOWED,
    "cs.stackexchange.com": ALLOWED,
    "mathematica.stackexchange.com": ALLOWED,  # mostly programming in the Wolfram Language
    "arxiv.org": ALLOWED,  # abstracts of every science, mathematics among them
    "wolframalpha.com": ALLOWED,
    "desmos.com": ALLOWED,
    "geogebra.org": ALLOWED,
}


class DomainMatch(NamedTuple):
    domain: str  # the listed domain that matched (the host or a parent of it)
    tier: str  # ALWAYS or ALLOWED


class MathDomains:
    """Listed domain -> tier, looked up with the host's parent domains."""

    def __init__(self, table: Mapping[str, str]):
        self._table = dict(table)

    def __len__(self) -> int:
        return len(self._table)

    def match_host(self, host: str) -> Optional[DomainMatch]:
        found = match_domain(strip_www(host.lower().rstrip(".")), self._table)
        return None if found is None else DomainMatch(*found)

    def match_url(self, url: Optional[str]) -> Optional[DomainMatch]:
        """The match for an http(s) URL's host; None for no URL, another scheme or no listed domain."""
        split = split_url(url) if url else None
        return None if split is None else self.match_host(split.host)


def build_math_domains(always: Iterable[str] = (), allowed: Iterable[str] = (),
                       use_defaults: bool = True) -> MathDomains:
    """The shipped list (if `use_defaults`) plus config entries. Entries are normalised as the
    url_filter's user lists are (URL or host, "www." dropped, IDNA); ALWAYS wins over ALLOWED for a
    domain on both, whichever list names it."""
    table = {}
    if use_defaults:
        for entry, tier in DEFAULT_MATH_DOMAINS.items():
            domain = domain_from_line(entry)
            if domain:
                table[domain] = tier
    for entry in allowed:
        domain = domain_from_line(entry)
        if domain and table.get(domain) != ALWAYS:
            table[domain] = ALLOWED
    for entry in always:
        domain = domain_from_line(entry)
        if domain:
            table[domain] = ALWAYS
    return MathDomains(table)
