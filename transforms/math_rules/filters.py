"""The tag and symbol filters of `math_filter` and the rule that combines them with the domain filter.

Tag filter (raw HTML): which strings of tags.txt (MathJax/KaTeX loaders and configuration, MathML,
TeX environments and commands, Stack Exchange's and Wikipedia's math markup, formula images, TeX
BBCode) occur in the page, matched on the lower-cased HTML; each string counts once.

Symbol filter (text, after `extract` kept the TeX): math signals per word, where a signal is
  - a formula: a `$$…$$`, `\\[…\\]` or `\\(…\\)` span, or a `$…$` span under pandoc's rule for TeX
    dollars ("the opening $ must have a non-space character immediately to its right, while the
    closing $ must have a non-space character immediately to its left, and must not be followed
    immediately by a digit", pandoc manual, extension tex_math_dollars), which prices and shell
    prompts never form: "$5 or $10", "$20,000 and $30,000", "$5-$10", "$ pip install" are none;
  - a LaTeX command of symbols.txt, as a whole token: `\\frac` counts, `\\fraction`, `\\n`, a Windows
    path or a regular expression's `\\d` does not;
  - a Unicode math symbol of symbols.txt, per character;
  - a Greek letter of symbols.txt standing alone (no letter on either side: "α = 0.05" counts,
    "μm" does not), and none on a page written in Greek (more Greek words, i.e. runs of two or
    more Greek letters, than lone Greek letters), where "η" and "ο" are articles.
`^` and `_` are not counted: outside a formula they are code (`a ^ b`, snake_case) or footnote
marks (Wikipedia's "^"), and inside one the formula already counts. The density is signals per
whitespace-separated word.

The rule (`MathRules.judge`), in this order:
  1. domain filter: a host on the always-math list (or a subdomain of one) is kept, no evidence
     needed. With `require_math_domain`, a host on neither list is rejected `domain_not_allowed`.
  2. tag filter: at least `min_tag_hits` tag strings in the HTML keep the page.
  3. symbol filter: at least `min_math_signals` signals at a density of at least
     `min_symbol_density` keep the page; on an allowed math domain `math_domain_min_signals`
     signals are enough, at any density.
  4. otherwise rejected: `no_math_markup` when the page showed nothing mathematical (no tag hit,
     no signal), else `low_math_symbol_density`: some evidence, too little (also the reason when
     no HTML was given and the symbol filter judged alone).
Either filter alone keeps a page because each sees what the other cannot: the demo pages of
MathJax document it in prose with no formula in their text but load it (tags), and Unicode math
or TeX typed into a forum that renders it with a script loaded later has symbols but no tag.
Measurements: every filter's, whatever decided (`math_rule` names the filter that kept the page).
Defaults and the numbers behind them: perf/math_filter_eval.py and perf/RESULTS.md.

The shipped lists are parsed once per process (functools caches); user lists, read through Beam's
FileSystems, extend them. Build a MathRules once per worker (`build_rules`), not per document.
"""
from __future__ import annotations

import dataclasses
import functools
import re
from importlib import resources
from typing import Any, Dict, FrozenSet, Iterable, NamedTuple, Optional, Tuple

from transforms.math_rules.domains import ALWAYS, DomainMatch, MathDomains, build_math_domains
from transforms.params import param
from transforms.url_rules.lists import read_user_lines

_PACKAGE = "transforms.math_rules"
TAGS_FILE = "tags.txt"
SYMBOLS_FILE = "symbols.txt"

# Display spans first so "$$x$$" is one formula, not two empty inline ones. Lengths are bounded so a
# stray "$" cannot pair with one pages away; inline spans do not cross a line. A span's content
# cannot hold its own opening delimiter, so each search ends at the next opener and a page of
# scripts full of "\[" costs one pass, not one pass per opener.
_FORMULA = re.compile(
    r"\$\$[^$]{1,4000}?\$\$"
    r"|\\\[(?:[^\\]|\\(?!\[)){1,4000}?\\\]"
    r"|\\\((?:[^\\]|\\(?!\()){1,1000}?\\\)"
    r"|(?<![\\$])\$(?![\s$])[^$\n]{0,1000}?(?<![\s\\])\$(?![\d$])",
    re.DOTALL,
)
_COMMAND = re.compile(r"\\([A-Za-z]+)")
_GREEK_WORD = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]{2,}")

NO_MATH_MARKUP = "no_math_markup"
LOW_MATH_SYMBOL_DENSITY = "low_math_symbol_density"
DOMAIN_NOT_ALLOWED = "domain_not_allowed"


# --- the lists ------------------------------------------------------------------------------------


class SymbolTable(NamedTuple):
    commands: FrozenSet[str]  # LaTeX command names without the backslash
    symbols: re.Pattern  # one Unicode math symbol (not Greek)
    greek: re.Pattern  # one Greek letter of the list, standing alone


def _content_lines(lines: Iterable[str]) -> Iterable[str]:
    for line in lines:
        line = line.rstrip()
        if line and not line.lstrip().startswith("#"):
            yield line


def parse_tag_lines(lines: Iterable[str]) -> Tuple[str, ...]:
    """Tag strings in file order, lower-cased, duplicates dropped."""
    return tuple(dict.fromkeys(line.strip().lower() for line in _content_lines(lines)))


def parse_symbol_lines(lines: Iterable[str]) -> Tuple[FrozenSet[str], str, str]:
    """(LaTeX command names, Unicode symbols, Greek letters) from lines whose first field is one
    symbol; the rest of a line is a comment."""
    commands, symbols, greek = set(), [], []
    for line in _content_lines(lines):
        symbol = line.split()[0]
        if symbol.startswith("\\") and symbol[1:].isalpha():
            commands.add(symbol[1:])
        elif len(symbol) == 1:
            (greek if "\u0370" <= symbol <= "\u03ff" else symbols).append(symbol)
        else:
            raise ValueError(f"math symbol list: {symbol!r} is neither one character nor a \\command")
    return frozenset(commands), "".join(dict.fromkeys(symbols)), "".join(dict.fromkeys(greek))


def build_symbol_table(commands: FrozenSet[str], symbols: str, greek: str) -> SymbolTable:
    def char_class(chars: str) -> str:
        return "[" + "".join(re.escape(c) for c in chars) + "]" if chars else "(?!)"

    # "alone": no letter of any script right before or after; digits and punctuation may touch it.
    return SymbolTable(commands, re.compile(char_class(symbols)),
                       re.compile(r"(?<![^\W\d_])" + char_class(greek) + r"(?![^\W\d_])"))


def _shipped_lines(name: str) -> Tuple[str, ...]:
    return tuple(resources.files(_PACKAGE).joinpath(name).read_text(encoding="utf-8").splitlines())


@functools.lru_cache(maxsize=None)
def shipped_tags() -> Tuple[str, ...]:
    return parse_tag_lines(_shipped_lines(TAGS_FILE))


@functools.lru_cache(maxsize=None)
def shipped_symbols() -> Tuple[FrozenSet[str], str, str]:
    return parse_symbol_lines(_shipped_lines(SYMBOLS_FILE))


# --- the measurements -----------------------------------------------------------------------------


class SymbolCounts(NamedTuple):
    words: int
    formulas: int
    commands: int
    symbols: int
    greek: int  # lone Greek letters counted (0 on a page written in Greek)

    @property
    def signals(self) -> int:
        return self.formulas + self.commands + self.symbols + self.greek

    @property
    def density(self) -> float:
        return self.signals / self.words if self.words else 0.0


# Tags sharing one of these cores are looked for only on pages that hold the core (the first core a
# tag contains is its group's): a page without "mathjax" holds none of the nine MathJax strings, and
# two pages in three have no "math" at all. About halves the tag filter's cost against searching
# every string (perf/math_filter_eval.py); a tag without a core is searched directly.
_TAG_CORES = ("mathjax", "katex", "\\begin{", "tex-", "latex", 'class="math', "<math", "math")


class TagMatcher:
    """Which strings of a tag list occur in a page."""

    def __init__(self, tags: Tuple[str, ...]):
        self.tags = tags
        groups: Dict[str, list] = {}
        for tag in tags:
            groups.setdefault(next((core for core in _TAG_CORES if core in tag), tag), []).append(tag)
        self._groups = tuple((core, tuple(members)) for core, members in groups.items())

    def find(self, html: str) -> Tuple[str, ...]:
        """The tag strings found in the page (each once), in list order."""
        lowered = html.lower()
        found = {tag for core, members in self._groups if core in lowered
                 for tag in members if tag == core or tag in lowered}
        return tuple(tag for tag in self.tags if tag in found)


def count_symbols(text: str, table: SymbolTable) -> SymbolCounts:
    words = len(text.split())
    formulas = len(_FORMULA.findall(text)) if "$" in text or "\\" in text else 0
    commands = sum(1 for name in _COMMAND.findall(text) if name in table.commands) if "\\" in text else 0
    symbols = len(table.symbols.findall(text))
    greek = len(table.greek.findall(text))
    if greek and len(_GREEK_WORD.findall(text)) > greek:
        greek = 0  # a page written in Greek: its one-letter words are articles, not variables
    return SymbolCounts(words, formulas, commands, symbols, greek)


# --- the rule -------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class MathRuleParams:
    """The filters' parameters (the `math_filter` stage's, apart from the classifier)."""

    min_tag_hits: Optional[int] = param(
        1, ge=1, help="tag strings that keep a page; null: the tag filter keeps nothing (only measures)")
    min_math_signals: int = param(5, ge=1, help="signals (formulas, commands, symbols) the symbol filter needs")
    min_symbol_density: float = param(
        0.05, ge=0.0, help="signals per word the symbol filter needs; the non-math benchmark pages reach 0.024")
    math_domain_min_signals: int = param(
        1, ge=1, help="signals that keep a page of an allowed math domain, at any density")
    require_math_domain: bool = param(False, help="reject pages of domains on neither list (domain_not_allowed)")
    default_math_domains: bool = param(True, help="use the shipped curated list (domains.DEFAULT_MATH_DOMAINS)")
    math_domains: Tuple[str, ...] = param((), help="more allowed math domains (their pages need less evidence)")
    always_math_domains: Tuple[str, ...] = param((), help="more domains whose every page is math")
    tag_paths: Tuple[str, ...] = param((), help="files of more tag strings, tags.txt's format")
    symbol_paths: Tuple[str, ...] = param((), help="files of more symbols, symbols.txt's format")


class MathRules:
    """The three filters put together: (text, HTML or None, URL or None) -> (reason or None, measurements)."""

    def __init__(self, tags: Tuple[str, ...], symbols: SymbolTable, domains: MathDomains, params: MathRuleParams):
        self.tags = TagMatcher(tags)
        self.symbols = symbols
        self.domains = domains
        self.params = params

    def judge(self, text: str, html: Optional[str] = None, url: Optional[str] = None,
              found_tags: Optional[Tuple[str, ...]] = None) -> Tuple[Optional[str], Dict[str, Any]]:
        """`found_tags`: the tag strings already found in the page (say, by a stage that saw the HTML
        before extract dropped it); then `html` is not needed. Without either the tag filter is
        skipped and the symbol filter judges alone."""
        p = self.params
        m: Dict[str, Any] = {}
        domain = self.domains.match_url(url)
        if domain is not None:
            m["math_domain"], m["math_domain_list"] = domain.domain, domain.tier
        if found_tags is None and html is not None:
            found_tags = self.tags.find(html)
        if found_tags is not None:
            m["tag_hits"], m["tags"] = len(found_tags), list(found_tags)
        counts = count_symbols(text, self.symbols)
        m.update(words=counts.words, formulas=counts.formulas, latex_commands=counts.commands,
                 unicode_symbols=counts.symbols, greek_letters=counts.greek, math_signals=counts.signals,
                 symbol_density=round(counts.density, 4))
        rule = self._keeping_rule(domain, found_tags, counts)
        if rule is None:
            if domain is None and p.require_math_domain:
                return DOMAIN_NOT_ALLOWED, m
            nothing = found_tags is not None and not found_tags and counts.signals == 0
            return (NO_MATH_MARKUP if nothing else LOW_MATH_SYMBOL_DENSITY), m
        m["math_rule"] = rule
        return None, m

    def _keeping_rule(self, domain: Optional[DomainMatch], found_tags, counts: SymbolCounts) -> Optional[str]:
        p = self.params
        if domain is not None and domain.tier == ALWAYS:
            return "always_math_domain"
        if domain is None and p.require_math_domain:
            return None
        if found_tags is not None and p.min_tag_hits is not None and len(found_tags) >= p.min_tag_hits:
            return "tags"
        if counts.signals >= p.min_math_signals and counts.density >= p.min_symbol_density:
            return "symbols"
        if domain is not None and counts.signals >= p.math_domain_min_signals:
            return "math_domain"
        return None


def build_rules(p: MathRuleParams) -> MathRules:
    """The rules from their parameters: shipped lists from the package, user lists read here."""
    tags = shipped_tags()
    commands, symbols, greek = shipped_symbols()
    for path in p.tag_paths:  # user files through Beam's FileSystems: gs://, s3://, hdfs://, local
        tags = tuple(dict.fromkeys(tags + parse_tag_lines(read_user_lines(path))))
    for path in p.symbol_paths:
        more_commands, more_symbols, more_greek = parse_symbol_lines(read_user_lines(path))
        commands, symbols, greek = commands | more_commands, symbols + more_symbols, greek + more_greek
    domains = build_math_domains(p.always_math_domains, p.math_domains, p.default_math_domains)
    return MathRules(tags, build_symbol_table(commands, symbols, greek), domains, p)
