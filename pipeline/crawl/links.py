"""URL normalisation, link discovery in HTML, and the page's own robots directives.

normalise_url: scheme and host lower-cased (IDN hosts to punycode), default port and userinfo
dropped, fragment dropped, dot-segments of the path resolved (RFC 3986 5.2.4), an empty path made
"/", percent-escapes upper-cased and escapes of unreserved characters decoded, spaces and non-ASCII
characters percent-encoded (UTF-8); the query is kept (only its escapes are normalised).
Anything but http/https gives None.

Page directives: <meta name="robots"> and <meta name="TOKEN"> (TOKEN = our user-agent token), and
the X-Robots-Tag header (either unprefixed or prefixed "TOKEN:"). "none" means noindex + nofollow.
Links marked rel="nofollow" are not followed either.
"""
from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser
from typing import Iterable, List, Optional, Set, Tuple
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
_UNRESERVED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_STRIPPED = re.compile(r"[\t\n\r]")  # WHATWG URL parsing removes these anywhere
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_QUERY_SAFE = _PATH_SAFE + "?"


def _escape_component(text: str, safe: str) -> str:
    text = _LONE_PERCENT.sub("%25", text)
    text = quote(text, safe=safe, encoding="utf-8", errors="strict")

    def fix(match: re.Match) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else "%" + match.group(1).upper()

    return _ESCAPE.sub(fix, text)


def remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4."""
    output: List[str] = []
    rest = path
    while rest:
        if rest.startswith("../"):
            rest = rest[3:]
        elif rest.startswith("./"):
            rest = rest[2:]
        elif rest.startswith("/./"):
            rest = rest[2:]
        elif rest == "/.":
            rest = "/"
        elif rest.startswith("/../"):
            rest = rest[3:]
            if output:
                output.pop()
        elif rest == "/..":
            rest = "/"
            if output:
                output.pop()
        elif rest in (".", ".."):
            rest = ""
        else:
            start = 1 if rest.startswith("/") else 0
            end = rest.find("/", start)
            if end == -1:
                end = len(rest)
            output.append(rest[:end])
            rest = rest[end:]
    return "".join(output)


def _normalise_host(host: str) -> Optional[str]:
    host = host.strip().rstrip(".").lower()
    if not host:
        return None
    if ":" in host:  # IPv6 literal
        return f"[{host}]"
    try:
        host.encode("ascii")
    except UnicodeEncodeError:
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    if any(c in host for c in " /\\?#@%"):
        return None
    return host


def normalise_url(href: str, base: Optional[str] = None) -> Optional[str]:
    """The canonical form of `href` (resolved against `base`), or None if it is not a crawlable URL."""
    href = _STRIPPED.sub("", href or "").strip()
    if not href and base is None:
        return None
    try:
        url = urljoin(base, href) if base else href
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS or parts.hostname is None:
            return None
        host = _normalise_host(parts.hostname)
        port = parts.port
    except ValueError:  # bad port, bad IPv6 literal ...
        return None
    if host is None:
        return None
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    try:
        path = _escape_component(remove_dot_segments(parts.path) or "/", _PATH_SAFE)
        if not path.startswith("/"):
            path = "/" + path
        query = _escape_component(parts.query, _QUERY_SAFE)
    except UnicodeError:
        return None
    return urlunsplit((scheme, netloc, path, query, ""))


def origin_of(url: str) -> str:
    """scheme://host[:port] of a normalised URL: the unit of robots.txt and of politeness."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def host_of(url: str) -> str:
    return urlsplit(url).hostname or ""


# --- robots directives --------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Directives:
    noindex: bool = False
    nofollow: bool = False

    def __or__(self, other: "Directives") -> "Directives":
        return Directives(self.noindex or other.noindex, self.nofollow or other.nofollow)


_PREFIXED_DIRECTIVES = {"unavailable_after", "max-snippet", "max-image-preview", "max-video-preview"}


def parse_directives(values: Iterable[str]) -> Directives:
    """Directives from meta robots contents ("noindex, nofollow", "none" ...)."""
    names = {part.strip().lower() for value in values for part in (value or "").split(",")}
    none = "none" in names
    return Directives(noindex=none or "noindex" in names, nofollow=none or "nofollow" in names)


def x_robots_tag(values: Iterable[str], token: str) -> Directives:
    """Directives from X-Robots-Tag header values: "noindex", "winnowbot: nofollow", "otherbot: none"."""
    mine: List[str] = []
    token = token.lower()
    for value in values:
        head, sep, rest = (value or "").partition(":")
        name = head.strip().lower()
        if sep and name not in _PREFIXED_DIRECTIVES and "," not in name and " " not in name:
            if name == token:  # addressed to us; other crawlers' lines are not ours
                mine.append(rest)
        else:
            mine.append(value)
    return parse_directives(mine)


# --- link discovery -----------------------------------------------------------------------------

class _PageParser(HTMLParser):
    def __init__(self, token: str):
        super().__init__(convert_charrefs=True)
        self.token = token.lower()
        self.base: Optional[str] = None
        self.hrefs: List[str] = []
        self.meta: List[str] = []

    def handle_starttag(self, tag: str, attrs: List[Tuple[str, Optional[str]]]) -> None:
        if tag not in ("a", "area", "base", "meta"):
            return
        values = {name.lower(): (value or "") for name, value in attrs}
        if tag in ("a", "area"):
            if "href" in values and "nofollow" not in values.get("rel", "").lower().split():
                self.hrefs.append(values["href"])
        elif tag == "base":
            if self.base is None and values.get("href"):
                self.base = values["href"]
        elif values.get("name", "").strip().lower() in ("robots", self.token):
            self.meta.append(values.get("content", ""))


@dataclasses.dataclass
class Page:
    links: List[str]  # normalised, unique, in page order
    directives: Directives


def parse_page(html: str, url: str, token: str, header_values: Iterable[str] = ()) -> Page:
    """Links and directives of an HTML page served at `url` (X-Robots-Tag values in header_values)."""
    parser = _PageParser(token)
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient; whatever it gathered before giving up is used
        pass
    directives = parse_directives(parser.meta) | x_robots_tag(header_values, token)
    base = url
    if parser.base:
        resolved = normalise_url(parser.base, url)
        if resolved:
            base = resolved
    seen: Set[str] = set()
    links: List[str] = []
    for href in parser.hrefs:
        link = normalise_url(href, base)
        if link and link not in seen:
            seen.add(link)
            links.append(link)
    return Page(links, directives)
