"""The lists of the `url_filter` stage: shipped in lists/ (see lists/SOURCES.md) or given as paths.

Shipped, verbatim:
  easylist.txt.gz        EasyList (CC-BY-SA-3.0 / GPL-3.0), the ad-blocking list Dolma's URL tagger
                         reads. Two domain lists are taken from it at load time: its ad-server
                         sections (`easylist_adservers`: ad, tracker and pop-up servers) and its adult
                         ad-server sections (`easylist_adult`). Only whole-domain rules `||host^` count,
                         with no option other than third-party, popup or document: a rule restricted to
                         scripts or images, to some sites (domain=) or to a path does not say the
                         domain's own pages are ads. Exceptions (@@) with no domain= remove a host.
  banned_words.txt,      FineWeb's URL word lists (datatrove src/datatrove/assets, Apache-2.0). Lines
  soft_banned_words.txt, starting with "#" are entries datatrove switched off and are skipped, as
  banned_subwords.txt    datatrove does.

Not shipped: the UT1 blacklists (Université Toulouse 1 Capitole, CC-BY-SA-4.0) that FineWeb's
domain and URL rules use. The project has no copy of them; point `domain_list_paths` at UT1's
`adult/domains` and `url_list_paths` at `adult/urls` (reasons blocked_domain:adult, blocked_url:adult).

The shipped lists are parsed once per worker process (functools caches); user lists are read when
the stage builds its rules, which it also does once per process (transforms/url_filter.py).
User files are read with Beam's FileSystems (gs://, s3://, hdfs:// or local; .gz/.bz2/.zst
decompressed by extension).
"""
from __future__ import annotations

import functools
import gzip
import re
from importlib import resources
from typing import Dict, FrozenSet, Iterable, Tuple

from transforms.url_rules.matching import normalize_host, normalize_word, strip_www

_PACKAGE = "transforms.url_rules"
_FOLDER = "lists"
EASYLIST_FILE = "easylist.txt.gz"

# list name -> the EasyList sections (as named in its "! *** easylist:<section> ***" headers) it takes
# (a domain on both lists is reported under the first: adult is the more specific)
EASYLIST_SECTIONS: Dict[str, Tuple[str, ...]] = {
    "easylist_adult": ("easylist_adult/adult_adservers.txt", "easylist_adult/adult_adservers_popup.txt"),
    "easylist_adservers": ("easylist/easylist_adservers.txt", "easylist/easylist_adservers_popup.txt"),
}
SHIPPED_DOMAIN_LISTS = tuple(EASYLIST_SECTIONS)
WORD_LIST_FILES = {
    "banned_words": "banned_words.txt",
    "soft_banned_words": "soft_banned_words.txt",
    "banned_subwords": "banned_subwords.txt",
}

_ADBLOCK_DOMAIN_RULE = re.compile(r"\|\|([a-z0-9.-]+)\^(?:\$(.*))?")
# options under which a whole-domain rule still says "this domain serves ads" (block when embedded
# by other sites, when opened as a pop-up, or as a page)
_DOMAIN_WIDE_OPTIONS = frozenset({"third-party", "3p", "popup", "document", "doc", "all"})
_SECTION_HEADER = re.compile(r"! \*\*\* easylist:(\S+) \*\*\*")
_HOSTS_FILE_ADDRESSES = frozenset({"0.0.0.0", "127.0.0.1", "::", "::1", "255.255.255.255"})
_PLAIN_DOMAIN = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)+\.?")
_VALID_HOST = re.compile(r"(?:[a-z0-9_-]+\.)*[a-z0-9_-]+|\[[0-9a-f:.]+\]")


def _shipped_text(file_name: str) -> str:
    data = resources.files(_PACKAGE).joinpath(_FOLDER, file_name).read_bytes()
    if file_name.endswith(".gz"):
        data = gzip.decompress(data)
    return data.decode("utf-8")


def parse_easylist(text: str) -> Dict[str, FrozenSet[str]]:
    """{list name: domains} from EasyList's text, by EASYLIST_SECTIONS (see the module docstring)."""
    wanted = {section: name for name, sections in EASYLIST_SECTIONS.items() for section in sections}
    found: Dict[str, set] = {name: set() for name in EASYLIST_SECTIONS}
    unblocked = set()
    section = None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("!"):
            header = _SECTION_HEADER.fullmatch(line)
            if header:
                section = header.group(1)
            continue
        if line.startswith("@@"):
            rule = _ADBLOCK_DOMAIN_RULE.fullmatch(line[2:])
            if rule and "domain=" not in (rule.group(2) or ""):
                unblocked.add(rule.group(1))
            continue
        name = wanted.get(section)
        if name is None:
            continue
        rule = _ADBLOCK_DOMAIN_RULE.fullmatch(line)
        if rule is None:
            continue
        options = [o for o in (rule.group(2) or "").split(",") if o]
        host = rule.group(1)
        if any(o not in _DOMAIN_WIDE_OPTIONS for o in options) or "." not in host.strip("."):
            continue
        if host.startswith(".") or host.endswith("."):
            continue
        found[name].add(host)
    return {name: frozenset(hosts - unblocked) for name, hosts in found.items()}


@functools.lru_cache(maxsize=None)
def easylist_domains() -> Dict[str, FrozenSet[str]]:
    """The shipped EasyList's domain lists, parsed once per process."""
    return parse_easylist(_shipped_text(EASYLIST_FILE))


def shipped_domain_list(name: str) -> FrozenSet[str]:
    if name not in EASYLIST_SECTIONS:
        raise ValueError(f"no shipped domain list {name!r} (have: {', '.join(SHIPPED_DOMAIN_LISTS)})")
    return easylist_domains()[name]


def parse_word_lines(lines: Iterable[str]) -> FrozenSet[str]:
    """datatrove's reading of a word list: "#" lines are switched-off entries; entries normalised."""
    words = set()
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        word = normalize_word(line)
        if word:
            words.add(word)
    return frozenset(words)


@functools.lru_cache(maxsize=None)
def shipped_word_list(kind: str) -> FrozenSet[str]:
    """banned_words, soft_banned_words or banned_subwords, as shipped (normalised, "#" lines off)."""
    if kind not in WORD_LIST_FILES:
        raise ValueError(f"no shipped word list {kind!r} (have: {', '.join(WORD_LIST_FILES)})")
    return parse_word_lines(_shipped_text(WORD_LIST_FILES[kind]).splitlines())


def domain_from_line(line: str):
    """The domain a blocklist line names, or None (comment, blank, not a domain).

    Accepts plain domains (UT1 `domains`), hosts files ("0.0.0.0 example.com") and whole-domain
    adblock rules ("||example.com^"); a URL stands for its host. "www." is dropped: a list naming
    www.example.com means the site.
    """
    plain = line.strip().lower()
    if _PLAIN_DOMAIN.fullmatch(plain):  # the common case (UT1, most lists): one plain domain
        plain = strip_www(plain.rstrip("."))
        return None if plain in _HOSTS_FILE_ADDRESSES else plain
    line = line.split("#", 1)[0].strip().lower()  # "#" starts a comment; no domain holds one
    if not line or line.startswith("!"):
        return None
    fields = line.split()
    if len(fields) >= 2 and fields[0] in _HOSTS_FILE_ADDRESSES:
        line = fields[1]
    elif len(fields) != 1:
        return None
    if line.startswith("||"):
        rule = _ADBLOCK_DOMAIN_RULE.fullmatch(line)
        if rule is None or any(o not in _DOMAIN_WIDE_OPTIONS for o in (rule.group(2) or "").split(",") if o):
            return None
        line = rule.group(1)
    if "://" in line:
        line = line.split("://", 1)[1]
    line = re.split(r"[/?#]", line, maxsplit=1)[0]
    host = strip_www(normalize_host(line.lstrip(".*")))
    if not host or host in _HOSTS_FILE_ADDRESSES or not _VALID_HOST.fullmatch(host):
        return None
    return host


def list_name(path: str) -> str:
    """A user list's name in reasons: its file name without extensions; for UT1's layout
    (`<category>/domains`, `<category>/urls`) the category: ".../adult/domains" -> "adult"."""
    parts = [p for p in re.split(r"[/\\]", path) if p]
    base = parts[-1] if parts else path
    stem = base
    while True:
        head, dot, ext = stem.rpartition(".")
        if dot and head and ext.lower() in ("gz", "bz2", "zst", "txt", "list", "lst", "csv", "tsv"):
            stem = head
        else:
            break
    if stem.lower() in ("domains", "urls", "hosts", "list", "blocklist") and len(parts) >= 2:
        stem = parts[-2]
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", stem).strip("_").lower()
    return name or "list"


def read_user_lines(path: str) -> Tuple[str, ...]:
    """The lines of a user list, read through Beam's FileSystems. Not cached: the stage caches the
    rules built from them (transforms/url_filter.py shared_rules), so a list is read once per process
    and not kept twice in memory."""
    from apache_beam.io.filesystems import FileSystems  # only user lists need Beam's I/O

    with FileSystems.open(path) as handle:
        data = handle.read()
    if data[:2] == b"\x1f\x8b":  # gzip without a .gz name
        data = gzip.decompress(data)
    return tuple(data.decode("utf-8", errors="replace").splitlines())


def user_domain_list(path: str) -> FrozenSet[str]:
    return frozenset(d for d in map(domain_from_line, read_user_lines(path)) if d)


def user_word_list(path: str) -> FrozenSet[str]:
    return parse_word_lines(read_user_lines(path))


def user_url_lines(path: str) -> Tuple[str, ...]:
    """URL-list entries of a user file: blank lines and "#" comments dropped."""
    return tuple(line.strip() for line in read_user_lines(path)
                 if line.strip() and not line.lstrip().startswith("#"))
