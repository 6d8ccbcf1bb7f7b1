"""Find the page's content container and the boilerplate inside it, as CSS selectors run by lexbor.

trafilatura's quality comes from its rules on class and id names: it first picks a content root (an
element named like `entry-content`, `article-body`, `<article>`, `#content`, `main`, in that order
of trust), then deletes from it the descendants named like share bars, related links, bylines,
cookie banners, comments and hidden parts. Its cost is that it runs those rules as XPath with EXSLT
regexes over an lxml tree from Python (~18 ms a page). The same rules written as CSS attribute
selectors run inside resiliparse's C++ walk: the root lookup is one `query_selector` per rank, and
the deletions are `skip_elements` of the text extraction, so the fast path applies them for free.

The vocabulary below follows trafilatura 2.3 (`xpaths.py`, `settings.py`; Apache-2.0, Adrien
Barbaresi), with each regular-expression alternative spelled out as CSS: `post[-_]?content`
becomes `post-content`, `post_content` and `postcontent`; `^shar` becomes `[class^="shar"]`.
CSS cannot say "class contains `comment` but not `commentary`" with one test, so those use `:not`.
"""
from __future__ import annotations

from typing import Iterable, List, Sequence


def _attrs(attr: str, op: str, words: Iterable[str], flags: str = "") -> List[str]:
    return [f'[{attr}{op}"{word}"{flags}]' for word in words]


def _on(tags: Sequence[str], conditions: Sequence[str]) -> str:
    return f':is({",".join(tags)}):is({",".join(conditions)})'


# Tags trafilatura deletes before it looks for a root (its MANUALLY_CLEANED list).
CLEANED_TAGS = (
    "aside", "embed", "footer", "form", "head", "iframe", "menu", "object", "script", "applet", "audio",
    "canvas", "figure", "map", "picture", "svg", "video", "area", "blink", "button", "datalist",
    "dialog", "frame", "frameset", "fieldset", "link", "input", "label", "legend", "marquee",
    "menuitem", "nav", "noindex", "noscript", "optgroup", "option", "output", "param", "progress", "rp",
    "rt", "rtc", "select", "source", "style", "track", "textarea", "time", "use",
)
CLEANED = ", ".join(CLEANED_TAGS)

# Comment sections (REMOVE_COMMENTS_XPATH): removed whole, as trafilatura does with comments off.
COMMENTS = _on(("div", "ul", "ol", "dl", "section", "details"), [
    '[id^="comment"]:not([id^="commentary"])', '[id^="Comment"]:not([id^="Commentary"])', '[id^="comol"]',
    '[id^="disqus_thread"]', '[id^="dsq-comments"]', '[class^="comment"]:not([class^="commentary"])',
    '[class^="Comment"]:not([class^="Commentary"])', '[class*="article-comments"]', '[class*="post-comments"]',
])

_ROOT_TAGS = ("article", "div", "main", "section")
# Content containers, most trusted first (BODY_XPATH). The first rank with a match wins.
_ROOT_RANKS = (
    _on(_ROOT_TAGS, _attrs("class", "=", ("post", "entry")) + ['[itemprop="articleBody"]', '[id="articleContent"]']
        + _attrs("id", "*=", ("entry-content", "article-content", "art-content", "article__content", "article-body",
                              "article__body", "articlebody", "articleBody", "body-text"))
        + _attrs("class", "*=", ("post-text", "post_text", "post-body", "post-entry", "postentry", "post-content",
                                 "post_content", "postcontent", "postContent", "post_inner_wrapper", "article-text",
                                 "articletext", "articleText", "entry-content", "page-content", "text-content",
                                 "article-content", "art-content", "article__content", "article-body",
                                 "article__body", "articlebody", "articleBody", "ArticleContent", "body-text",
                                 "article__container"))),
    "article",
    _on(_ROOT_TAGS, ['[role="article"]', '[id^="primary"]', '[id*="story-body"]', '[class*="fulltext" i]',
                     '[class^="article "]'] + _attrs("id", "=", ("article", "story"))
        + _attrs("class", "=", ("postarea", "art-postcontent", "text", "cell", "story"))
        + _attrs("class", "*=", ("post-bodycopy", "story-content", "storycontent", "theme-content", "blog-content",
                                 "section-content", "single-content", "single-post", "main-column",
                                 "wpb_text_column", "story-body", "field-body"))),
    _on(_ROOT_TAGS, ['[id="content"]', '[class="content"]', '[id*="main-content" i]', '[class*="main-content" i]',
                     '[class*="page-content" i]'] + _attrs("id", "*=", ("content-main", "content-body", "contentBody"))
        + _attrs("class", "*=", ("content-main", "content_main", "content-body", "content__body"))),
    _on(("article", "div", "section"), ['[class^="main"]', '[id^="main"]', '[role^="main"]']) + ", main",
)
# A root inside a deleted tag or a comment section is not a root.
_OUTSIDE_REMOVED = f":not(:is({CLEANED}, {COMMENTS}) *)"


def _split_top_level(selector_list: str) -> List[str]:
    parts, depth, current = [], 0, []
    for char in selector_list:
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return parts


ROOT_SELECTORS = tuple(", ".join(part + _OUTSIDE_REMOVED for part in _split_top_level(rank)) for rank in _ROOT_RANKS)

_BLOCK_TAGS = ("div", "li", "ul", "ol", "dl", "dd", "dt", "p", "section", "span")
_ID_OR_CLASS = ("social", "viral", "newsletter", "syndication", "tags", "sidebar", "banner", "breadcrumb",
                "bread-crumb", "button", "author", "cookie")
# Boilerplate blocks inside the root (OVERALL_DISCARD_XPATH, first part): navigation, share and social
# bars, related and "most popular" lists, bylines, tags, ads, cookie and paywall notices.
BOILERPLATE = _on(_BLOCK_TAGS, [
    '[data-lp-replacement-content]', '[role*="nav" i]', '[data-component*="MostPopularStories"]',
    '[id^="shar"]', '[class^="shar"]',
] + _attrs("id", "*=", _ID_OR_CLASS) + _attrs("class", "*=", _ID_OR_CLASS)
    + _attrs("id", "^=", ("jp-", "dpsp-content", "ad-"))
    + _attrs("id", "*=", ("bmdh", "footer", "Footer", "share", "Share", "nav", "Nav", "menu", "related",
                          "message-container", "premium"))
    + _attrs("class", "^=", ("nav", "post-nav", "ZendeskForm", "ad-"))
    + _attrs("class", "*=", (
        "subnav", "avigation", "navbar", "navbox", "menu", "bar", " ad ", "-ad-", " ad-", "dfpAd", "dfpad",
        "outbrain", "taboola", "criteo", "paid-content", "paidcontent", "widget", "footer", "Footer", "byline",
        "Byline", "share-", "sociable", "embedded", "embed", "tag-list", "consent", "modal-content", "permission",
        "elated", "next-", "-stories", "most-popular", "more-on", "meta", "rating", "attachment", "timestamp",
        "user-info", "user-profile", "-icon", "article-infos", "message-container", "slide", "viewport", "overlay",
        "options", "expand", "obfuscated", "blurred", "mol-factbox", "yin", "zlylin", "nfoline")))
# Hidden parts and comment debris (OVERALL_DISCARD_XPATH, second part), any tag.
HIDDEN = ", ".join([
    '[class="comments-title"]', '[id^="reply-"]', '[class^="reply-"]', '[id*="hidden"]', '[style*="hidden"]',
    '[style*="display:none"]', '[style*="display: none"]', '[aria-hidden="true"]', '[class^="hide-"]',
] + _attrs("id", "*=", ("reader-comments", "akismet")) + _attrs("class", "*=", (
    "comments-title", "nocomments", "-reply-", "message", "akismet", "suggest-links", "-hide-", "hide-print",
    " hidden", " hide", "noprint", "notloaded")))
# Teasers and image captions (TEASER_DISCARD_XPATH, DISCARD_IMAGE_ELEMENTS).
TEASERS_AND_CAPTIONS = _on(_BLOCK_TAGS, _attrs("id", "*=", ("teaser", "caption"), " i")
                           + _attrs("class", "*=", ("teaser", "caption"), " i"))

# Always skipped; BOILERPLATE is skipped unless it would take nearly all of the root's text.
ALWAYS_SKIPPED = [CLEANED, COMMENTS, HIDDEN, TEASERS_AND_CAPTIONS]
ALL_SKIPPED = ALWAYS_SKIPPED + [BOILERPLATE]


def find_content_roots(body):
    """Yield (rank, element) for each rank of container found under `body`, most trusted first."""
    for rank, selector in enumerate(ROOT_SELECTORS):
        node = body.query_selector(selector)
        if node is not None:
            yield rank, node
