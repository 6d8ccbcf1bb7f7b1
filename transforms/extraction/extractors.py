"""The two extractors and the policy that combines them.

- `fast`: resiliparse (lexbor, C++) renders the page's main content as minimal HTML; `blocks` then
  keeps the main region. ~6x trafilatura's default throughput, a few F1 points below it.
- `trafilatura`: trafilatura's core extractor (`fast=True`: its readability/jusText fallbacks off,
  comments off), which on the evaluation sets scores as well as its default mode at ~1.6x the speed.
- `combined` (the default): trafilatura first; when it finds no body or a much shorter one than the
  fast path, the fast path's text is taken instead. trafilatura's misses are whole-page failures
  (a portal page it reads as navigation, a page of short paragraphs), which the fast path catches.

Every extractor sees the page after `math.rewrite_math`, so formulas arrive as TeX text.
"""
from __future__ import annotations

import dataclasses
import logging
import re
from typing import Optional

from transforms.extraction.blocks import select_main_text
from transforms.extraction.math import has_math_markup, rewrite_math

METHODS = ("combined", "fast", "trafilatura")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


@dataclasses.dataclass(frozen=True)
class Extraction:
    text: str
    extractor: str  # which extractor's text was kept
    formulas: int = 0  # formulas rewritten to TeX before extraction


def trafilatura_config():
    """trafilatura's default config with its signal-based timeout off (signal.alarm fails off the
    main thread; `time_budget` replaces it)."""
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
    return config


# resiliparse's main-content pass costs O(depth x elements) in C, where no time budget can interrupt
# it: 13 s for 20,000 nested <div>s in a 140 KB page. Pages with very many elements, or with a chain
# of bare nested tags (the shape broken generators and hostile pages have), get its linear plain
# pass instead, and `blocks` still removes their boilerplate. Plain substring searches: a regex
# over the page to measure nesting costs ~2.5 ms, as much as the whole extraction.
_NESTING_CHAINS = tuple(f"<{tag}>" * 16 for tag in ("div", "span", "font", "b", "i", "p", "td", "li", "ul",
                                                   "table", "blockquote", "section", "center", "a"))
MAX_ELEMENTS_FOR_MAIN_CONTENT = 60_000


def _main_content_pass_is_safe(html: str) -> bool:
    if html.count("<") > MAX_ELEMENTS_FOR_MAIN_CONTENT:
        return False
    return not any(chain in html for chain in _NESTING_CHAINS)  # lower-case tags: nearly every page


def fast_extract(html: str) -> str:
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    minimal = extract_plain_text(
        HTMLTree.parse(html),
        main_content=_main_content_pass_is_safe(html),
        preserve_formatting="minimal_html",
        links=True,  # link text is the main boilerplate signal of `blocks`
        alt_texts=False,
        skip_elements=SKIP_SELECTORS,
    )
    return select_main_text(minimal)


def trafilatura_extract(tree_or_html, url: Optional[str], config, favor_precision: bool = False,
                        include_tables: bool = True) -> str:
    import trafilatura

    result = trafilatura.bare_extraction(
        tree_or_html,
        url=url,
        fast=True,
        favor_precision=favor_precision,
        include_comments=False,
        include_tables=include_tables,
        with_metadata=False,
        config=config,
    )
    return (result.text or "") if result is not None else ""


# Whole-token class and id names of boilerplate containers (WordPress, Drupal and news-site
# conventions). Whole tokens only: a substring match ("share" in "shared-content", "sidebar" in a
# body's "has-sidebar") removes articles, which cost more F1 than the boilerplate gained.
_BOILERPLATE_NAMES = (
    "comments", "comment-respond", "comments-area", "comment-list", "commentlist", "respond", "related",
    "related-posts", "relatedposts", "jp-relatedposts", "yarpp-related", "share", "sharing", "sharedaddy",
    "share-buttons", "social-share", "social", "newsletter", "cookie-banner", "cookie-notice",
    "cookie-consent", "breadcrumb", "breadcrumbs", "author-box", "author-bio", "about-author", "post-tags",
    "tags", "tag-links", "entry-meta", "post-meta", "widget", "sidebar", "advertisement", "ad", "ads",
    "sponsored", "paywall", "subscribe", "subscription", "popup", "modal", "navigation", "nav", "menu",
    "pagination", "post-navigation", "nav-links", "footer", "site-footer", "print", "rating", "outbrain",
    "taboola", "disqus_thread",
)
SKIP_SELECTORS = [f'[class~="{name}" i]' for name in _BOILERPLATE_NAMES] + [
    f'[id="{name}" i]' for name in _BOILERPLATE_NAMES
]


def _prepare(html: str):
    """Parse with lxml and rewrite math when the page has math markup; otherwise leave the page as a
    string (most pages: no parse spent here)."""
    if not has_math_markup(html):
        return None, html, 0
    from lxml import html as lxml_html

    tree = lxml_html.document_fromstring(_XML_DECLARATION.sub("", html, count=1))
    formulas = rewrite_math(tree)
    rewritten = lxml_html.tostring(tree, encoding="unicode")
    return tree, rewritten, formulas


def extract_body(html: str, url: Optional[str], method: str = "combined", config=None,
                 second_opinion_below: int = 500, fallback_ratio: float = 0.5) -> Extraction:
    """HTML -> main text with the chosen method. Pure apart from trafilatura's config object."""
    tree, page, formulas = _prepare(html)
    if method == "fast":
        return Extraction(fast_extract(page), "fast", formulas)
    config = config or trafilatura_config()
    primary = trafilatura_extract(tree if tree is not None else page, url, config)
    if method == "trafilatura":
        return Extraction(primary, "trafilatura", formulas)
    if len(primary) >= second_opinion_below:
        return Extraction(primary, "trafilatura", formulas)
    fallback = fast_extract(page)
    if len(primary) < fallback_ratio * len(fallback):
        return Extraction(fallback, "fast", formulas)
    return Extraction(primary, "trafilatura", formulas)


logging.getLogger("trafilatura").setLevel(logging.ERROR)  # it logs every page without a body
