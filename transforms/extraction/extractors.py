"""The two extractors and the policy that combines them.

- `fast`: resiliparse (lexbor, C++) parses the page; the content container is found and its
  boilerplate skipped with trafilatura's class/id rules written as CSS (`content_root`), and the
  container's text is cleaned of link debris and trailing junk (`blocks`). Pages without a
  container get the whole body's main-content region instead. Above trafilatura's F1 on both
  evaluation sets at ~6x its pages per second (perf/RESULTS.md).
- `trafilatura`: trafilatura's core extractor (`fast=True`: its readability/jusText fallbacks off,
  comments off).
- `combined` (the default): the fast path, with trafilatura as a second opinion on pages where the
  fast path finds little (< 500 characters: no recognisable container, a product or portal page,
  a page lexbor parses oddly); the longer of the two texts is kept.

Every extractor sees the page after `math.rewrite_math`, so formulas arrive as TeX text.
"""
from __future__ import annotations

import dataclasses
import logging
import re
from typing import Optional

from transforms.extraction.blocks import select_main_text, select_root_text
from transforms.extraction.content_root import ALL_SKIPPED, ALWAYS_SKIPPED, find_content_roots
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
    """Content root first (trafilatura's container and boilerplate rules as CSS, run by lexbor), then
    the whole page's main-content region when no root holds an article."""
    from resiliparse.parse.html import HTMLTree

    tree = HTMLTree.parse(html)
    if tree.body is not None:
        for _, root in find_content_roots(tree.body):
            text, kept = select_root_text(_root_minimal_html(HTMLTree.parse(root.html)))
            if kept >= 2 and len(text) >= MIN_ROOT_CHARS:
                return text
        # No container: the whole body under the same rules, its main region kept.
        text = select_main_text(_root_minimal_html(tree))
        if len(text) >= MIN_ROOT_CHARS:
            return text
    return _page_main_content(tree, html)


# A root that yields less than this is a teaser box or a wrapper, not the article (trafilatura's
# MIN_EXTRACTED_SIZE): the next rank is tried.
MIN_ROOT_CHARS = 250
# Below this much text, the boilerplate rules are checked for taking (nearly) everything.
_CHECK_PRUNING_BELOW = 2000


def _root_minimal_html(tree) -> str:
    from resiliparse.extract.html2text import extract_plain_text

    def render(skip):
        return extract_plain_text(tree, preserve_formatting="minimal_html", links=True, alt_texts=False,
                                  skip_elements=skip)

    minimal = render(ALL_SKIPPED)
    if len(minimal) < _CHECK_PRUNING_BELOW:
        # trafilatura's guard: boilerplate rules that remove 6/7 of the text matched the article.
        everything = len(extract_plain_text(tree, skip_elements=ALWAYS_SKIPPED))
        if len(extract_plain_text(tree, skip_elements=ALL_SKIPPED)) <= everything / 7:
            minimal = render(ALWAYS_SKIPPED)
    return minimal


def _page_main_content(tree, html: str) -> str:
    """resiliparse's own main-content pass over the whole page, the last resort."""
    from resiliparse.extract.html2text import extract_plain_text

    minimal = extract_plain_text(
        tree,
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


# Zero-width and soft-hyphen characters: invisible on the page, but they split words for the
# tokenizer and for every n-gram match downstream (dedup, decontamination).
_INVISIBLE_CHARS = "\u00ad\u200b\u2060\ufeff"
_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE_CHARS))


def drop_invisible(text: str) -> str:
    """`text` without _INVISIBLE_CHARS. str.translate walks every character through a dict (0.3 ms on
    a 5 KB text); four substring scans first make the usual text with none of them ~250x cheaper."""
    if any(char in text for char in _INVISIBLE_CHARS):
        return text.translate(_INVISIBLE)
    return text


def extract_body(html: str, url: Optional[str], method: str = "combined", config=None,
                 second_opinion_below: int = 500) -> Extraction:
    """HTML -> main text with the chosen method. Pure apart from trafilatura's config object.

    `combined`: the fast path first; when it finds less than `second_opinion_below` characters
    (a page with no recognisable container, a product or portal page), trafilatura reads the page
    too and the longer text is kept."""
    tree, page, formulas = _prepare(html)
    if method == "trafilatura":
        text, used = trafilatura_extract(tree if tree is not None else page, url, config or trafilatura_config()), method
    else:
        text, used = fast_extract(page), "fast"
        if method == "combined" and len(text) < second_opinion_below:
            second = trafilatura_extract(tree if tree is not None else page, url, config or trafilatura_config())
            if len(second) > len(text):
                text, used = second, "trafilatura"
    return Extraction(drop_invisible(text), used, formulas)


logging.getLogger("trafilatura").setLevel(logging.ERROR)  # it logs every page without a body
