"""URL normalisation and the matchers of the `url_filter` rules; no Beam, no I/O.

Host: the authority of an http(s) URL without user info and port, lower case, without a trailing
dot, non-ASCII labels in IDNA ("bücher.de" -> "xn--bcher-kva.de"), and for URL-prefix lists and the
allow list without a leading "www." / "www2." (a list saying www.example.com means the site).

Domains match on the host and every parent domain of it: "a.b.example.co.uk" is looked up as
itself, "b.example.co.uk", "example.co.uk", "co.uk" and "uk", so a listed registered domain blocks
all its subdomains and a listed subdomain blocks only itself and below. No public-suffix list is
needed for that (lists do not hold "co.uk"; a list that holds a TLD such as "xxx" means it). IP
literals match exactly.

Words follow FineWeb's URL filter (datatrove `URLFilter`): the URL, lower-cased and
percent-decoded, split on every run of characters other than a-z and 0-9, gives the tokens that
banned and soft-banned words must equal; the same string with those runs removed ("squashed") is
where banned subwords ("2 girls 1 cup" -> "2girls1cup") are looked for as substrings. datatrove
tokenises the URL as given, so "/Porn/" or "porn%20videos" escape its word list; lower-casing and
percent-decoding close that gap.
"""
from __future__ import annotations

import re
from typing import Dict, Iterable, List, Mapping, NamedTuple, Optional, Tuple
from urllib.parse import unquote

NON_ALNUM = re.compile(r"[^a-z0-9]+")
ALNUM_RUN = re.compile(r"[a-z0-9]+")
_WWW = re.compile(r"www\d*\.")
# scheme, authority, rest (path, query; the fragment is cut off below)
_HTTP_URL = re.compile(r"[ \t\r\n]*(https?)://([^/?#\\]*)([^#]*)", re.IGNORECASE)


def normalize_word(entry: str) -> str:
    """A list entry as datatrove compares it: lower case, only a-z and 0-9 ("2 girls 1 cup" -> "2girls1cup")."""
    return NON_ALNUM.sub("", entry.lower())


def _idna(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:  # a label the IDNA 2003 codec refuses (too long, prohibited): label by label
        labels = []
        for label in host.split("."):
            if label.isascii():
                labels.append(label)
                continue
            try:
                labels.append("xn--" + label.encode("punycode").decode("ascii"))
            except UnicodeError:
                labels.append(label)
        return ".".join(labels)


def normalize_host(host: str) -> str:
    """Lower case, no trailing dot, percent-escapes decoded, IDNA for non-ASCII labels."""
    host = host.strip()
    if "%" in host:
        host = unquote(host)
    host = host.lower().rstrip(".")
    if not host.isascii():
        host = _idna(host).lower()
    return host


def strip_www(host: str) -> str:
    """ "www.example.com" and "www2.example.com" -> "example.com"; "www.com" stays."""
    if host.startswith("www"):
        match = _WWW.match(host)
        if match is not None and "." in host[match.end():]:
            return host[match.end():]
    return host


class SplitUrl(NamedTuple):
    host: str  # normalised, "www." kept (a domain walk reaches the parent anyway)
    rest: str  # path and query as given (no fragment), "" when the URL has neither


def split_url(url: str) -> Optional[SplitUrl]:
    """The normalised host and the rest of an http(s) URL; None for anything else or no host."""
    match = _HTTP_URL.match(url)
    if match is None:
        return None
    authority = match.group(2)
    if "@" in authority:
        authority = authority.rpartition("@")[2]
    if authority.startswith("["):  # IPv6 literal, maybe with a port: keep the brackets
        end = authority.find("]")
        host = authority[: end + 1] if end > 0 else authority
    elif ":" in authority:
        host = authority.partition(":")[0]
    else:
        host = authority
    if not (host.islower() and host.isascii()) or host.endswith(".") or "%" in host:
        host = normalize_host(host)
    if not host:
        return None
    return SplitUrl(host, match.group(3))


def is_ip_literal(host: str) -> bool:
    """IPv6 in brackets, or IPv4 (no top-level domain ends in a digit)."""
    return host[:1] == "[" or host[-1:].isdigit()


def match_domain(host: str, table: Mapping[str, object]) -> Optional[Tuple[str, object]]:
    """(listed domain, its value) for the host or its nearest listed parent domain, else None."""
    if is_ip_literal(host):
        value = table.get(host)
        return None if value is None else (host, value)
    domain = host
    while True:
        value = table.get(domain)
        if value is not None:
            return domain, value
        dot = domain.find(".")
        if dot < 0:
            return None
        domain = domain[dot + 1:]


# characters after a listed URL prefix that end a path segment: "/bar" matches "/bar", "/bar/x",
# "/bar?x" but not "/barista"
_PREFIX_BOUNDARY = frozenset("/?&;#")


class UrlPrefixes:
    """Blocked URLs as (host without www., lower-cased path prefix), as squidGuard's `urls` lists.

    An entry "example.com/bar" blocks http(s)://[www.]example.com/bar, /bar/..., /bar?...; an entry
    without a path blocks the whole host (not its subdomains: that is what domain lists are for).
    """

    def __init__(self):
        self._by_host: Dict[str, List[Tuple[str, str]]] = {}
        self.size = 0

    def add(self, entry: str, name: str) -> bool:
        """Add one list line ("example.com/path", with or without scheme); False if it is no URL."""
        entry = entry.strip()
        if "://" in entry:
            entry = entry.split("://", 1)[1]
        cut = min((i for i in (entry.find("/"), entry.find("?")) if i >= 0), default=len(entry))
        authority, path = entry[:cut], entry[cut:]
        host = strip_www(normalize_host(authority.rpartition("@")[2].partition(":")[0] if "[" not in authority
                                        else authority))
        if not host or " " in host or "\t" in host:
            return False
        path = path.lower().rstrip("/")
        if path and path[0] != "/":
            path = "/" + path
        self._by_host.setdefault(host, []).append((path, name))
        self.size += 1
        return True

    def __bool__(self):
        return bool(self._by_host)

    def match(self, host: str, rest: str) -> Optional[Tuple[str, str]]:
        """(matched entry as host+prefix, list name) or None. `host` as split_url gives it."""
        host = strip_www(host)
        prefixes = self._by_host.get(host)
        if prefixes is None:
            return None
        path = rest.lower()
        if path and path[0] == "?":
            path = "/" + path
        for prefix, name in prefixes:
            if not prefix:
                return host, name
            if path.startswith(prefix) and (len(path) == len(prefix) or path[len(prefix)] in _PREFIX_BOUNDARY
                                            or prefix[-1] in _PREFIX_BOUNDARY):
                return host + prefix, name
        return None


def url_text(url: str) -> str:
    """The URL as words are looked for in it: lower case, percent-escapes decoded."""
    text = url.lower()
    if "%" in text:
        text = unquote(text)
    return text


def url_words(text: str) -> Tuple[frozenset, str]:
    """(tokens, squashed) of url_text(url): the runs of a-z0-9 as a set, and their concatenation.

    "https://www.x.com/a-b" -> ({https, www, x, com, a, b}, "httpswwwxcomab"); one regex pass for both.
    """
    runs = ALNUM_RUN.findall(text)
    return frozenset(runs), "".join(runs)


def url_tokens(text: str) -> frozenset:
    """The URL's words: the runs of a-z0-9 of url_text(url)."""
    return frozenset(ALNUM_RUN.findall(text))


def squash(text: str) -> str:
    """url_text(url) with everything but a-z0-9 removed: where banned subwords are looked for."""
    return "".join(ALNUM_RUN.findall(text))


class SubwordMatcher:
    """Finds the first listed subword in a squashed URL with one compiled regular expression.

    The entries go into a character trie written as a regex ("ab(?:c|d)" rather than "abc|abd"), so
    the engine tries each position of the URL against the trie once instead of against every entry;
    perf/url_filter_throughput.py compares it with a plain loop of `in` tests.
    """

    def __init__(self, entries: Iterable[str]):
        words = sorted({e for e in entries if e})
        self.size = len(words)
        self._regex = re.compile(_trie_regex(words)) if words else None

    def __bool__(self):
        return self._regex is not None

    def find(self, squashed: str) -> Optional[str]:
        if self._regex is None:
            return None
        match = self._regex.search(squashed)
        return None if match is None else match.group(0)


def _trie_regex(words: List[str]) -> str:
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # end of a word

    def emit(node: dict) -> str:
        if "" in node:  # a listed word ends here: a match already (any match rejects), stop
            return ""
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items())]
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    return emit(trie)
