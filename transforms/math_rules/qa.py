"""Math Q&A extraction: a question page of a configured Q&A site, cut by its HTML tags and classes
into one document (AFM 3.1: "math Q&A pages are cut into question and answer by their HTML tags"):

    Question: <title>

    <question body>

    Answer: <accepted answer>

    Answer: <next answer by score>

The accepted answer comes first whatever its score (the asker's choice), then the other answers by
score, highest first (page order among equal scores), those scoring at least `min_answer_score`,
up to `max_answers` in all. Comments, votes, signatures, related questions and every sidebar are
left out: only the title and the post bodies are read.

TeX stays verbatim: Stack Exchange sites send TeX as text between `$…$`/`$$…$$` in the post
bodies (MathJax typesets it in the browser; since 2018 inside `<span class="math-container">`),
and text extraction keeps it; a post saved after MathJax or KaTeX ran (`<script
type="math/tex">`, KaTeX spans, MathML) is rewritten to TeX first by the extractor's
`rewrite_math`. Code blocks keep their lines and indentation.

Markup is data (`QAMarkup`, CSS selectors tried in order): one markup serves the Stack Exchange
network (math.stackexchange.com, mathoverflow.net and the other sites run the same engine), in
both its generations, the `post-text`/`answercell` tables before 2018 and the `s-prose
js-post-body` layout after (tests/test_math_rules.py runs both on real pages).
"""
from __future__ import annotations

import dataclasses
import re
from typing import Mapping, NamedTuple, Optional, Tuple

from lxml import html as lxml_html
from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.html import HTMLTree

from transforms.extraction.math import has_math_markup, rewrite_math
from transforms.params import param
from transforms.url_rules.lists import domain_from_line
from transforms.url_rules.matching import match_domain, split_url, strip_www


@dataclasses.dataclass(frozen=True)
class QAMarkup:
    """Where a Q&A engine puts each part of a question page, as CSS selectors (alternatives in order)."""

    name: str
    title: Tuple[str, ...]
    question_body: Tuple[str, ...]
    answers: str  # every answer's container
    answer_body: Tuple[str, ...]  # inside an answer's container
    accepted_class: str  # class of the accepted answer's container
    score_attribute: str  # attribute of the answer's container holding its score (newer pages)
    score_element: Tuple[str, ...]  # else an element inside the answer: its data-value, or its text


STACK_EXCHANGE = QAMarkup(
    name="stackexchange",
    title=("#question-header h1 a.question-hyperlink", "#question-header h1"),
    question_body=("#question .js-post-body", "#question .post-text"),
    answers="#answers .answer",
    answer_body=(".js-post-body", ".post-text"),
    accepted_class="accepted-answer",
    score_attribute="data-score",
    score_element=(".js-vote-count", ".vote-count-post"),
)

# The Stack Exchange sites whose questions are mathematics or lean on it; any other site of the
# network can be added in the config (same markup).
DEFAULT_STACK_EXCHANGE_DOMAINS = (
    "math.stackexchange.com", "mathoverflow.net", "matheducators.stackexchange.com", "stats.stackexchange.com",
    "physics.stackexchange.com", "cstheory.stackexchange.com", "cs.stackexchange.com",
    "mathematica.stackexchange.com",
)

_INTEGER = re.compile(r"-?\d+")
_TEXT_OPTIONS = dict(preserve_formatting=True, main_content=False, list_bullets=True, links=False,
                     alt_texts=False, form_fields=False, noscript=False)


@dataclasses.dataclass(frozen=True)
class QAParams:
    stack_exchange_domains: Tuple[str, ...] = param(
        DEFAULT_STACK_EXCHANGE_DOMAINS, help="domains (and subdomains) whose pages have Stack Exchange markup")
    max_answers: int = param(3, ge=1, help="answers kept, the accepted one included")
    min_answer_score: int = param(0, help="answers scoring less are left out (not the accepted one)")
    min_answers: int = param(1, ge=0, help="a page with fewer kept answers gives no Q&A document")


class Answer(NamedTuple):
    text: str
    score: int
    accepted: bool


class QAPage(NamedTuple):
    site: str  # the markup's name
    title: str
    question: str
    answers: Tuple[Answer, ...]  # as the document has them: the accepted one first, then by score

    @property
    def text(self) -> str:
        parts = [f"Question: {self.title}", self.question]
        parts += [f"Answer: {answer.text}" for answer in self.answers]
        return "\n\n".join(part for part in parts if part)


class QAExtractor:
    """Configured sites -> Q&A documents. Build once per worker; `extract` is pure."""

    def __init__(self, params: QAParams, markups: Optional[Mapping[str, QAMarkup]] = None):
        """`markups`: domain -> markup, for engines other than Stack Exchange's; by default every
        domain of `params.stack_exchange_domains` has Stack Exchange's."""
        self.params = params
        table = markups if markups is not None else {d: STACK_EXCHANGE for d in params.stack_exchange_domains}
        self._sites = {}
        for entry, markup in table.items():
            domain = domain_from_line(entry)  # a URL or a host; "www." dropped, IDNA
            if domain:
                self._sites[domain] = markup

    def markup_for(self, url: Optional[str]) -> Optional[QAMarkup]:
        """The markup of the URL's site (its host or a parent domain configured), else None."""
        split = split_url(url) if url else None
        found = None if split is None else match_domain(strip_www(split.host), self._sites)
        return None if found is None else found[1]

    def extract(self, html: str, url: Optional[str]) -> Optional[QAPage]:
        """The page as a Q&A document; None for another site, a page without the site's question
        markup (a user page, a tag list) or fewer than `min_answers` answers kept."""
        markup = self.markup_for(url)
        if markup is None:
            return None
        document = HTMLTree.parse(html).document
        title = _first(document, markup.title)
        body = _first(document, markup.question_body)
        if title is None or body is None:
            return None
        answers = (_answer(node, markup) for node in document.query_selector_all(markup.answers))
        kept = self._choose([answer for answer in answers if answer is not None])
        if len(kept) < self.params.min_answers:
            return None
        return QAPage(markup.name, " ".join(title.text.split()), post_text(body.html), tuple(kept))

    def _choose(self, answers):
        """The module docstring's order and limits."""
        accepted = [a for a in answers if a.accepted][:1]
        others = sorted((a for a in answers if not a.accepted and a.score >= self.params.min_answer_score),
                        key=lambda a: -a.score)  # sorted() is stable: page order among equal scores
        return (accepted + others)[: self.params.max_answers]


def _first(node, selectors: Tuple[str, ...]):
    for selector in selectors:
        found = node.query_selector(selector)
        if found is not None:
            return found
    return None


def _answer(node, markup: QAMarkup) -> Optional[Answer]:
    body = _first(node, markup.answer_body)
    if body is None:
        return None
    text = post_text(body.html)
    if not text:
        return None
    accepted = markup.accepted_class in (node.getattr("class") or "").split()
    return Answer(text, _score(node, markup), accepted)


def _score(node, markup: QAMarkup) -> int:
    raw = node.getattr(markup.score_attribute)
    if raw is None:
        element = _first(node, markup.score_element)
        raw = None if element is None else (element.getattr("data-value") or element.text)
    match = _INTEGER.search(raw or "")
    return int(match.group()) if match else 0


def post_text(fragment: str) -> str:
    """A post body's text: paragraphs and list items on their own lines, code blocks verbatim, TeX
    kept (rendered math rewritten back to TeX first)."""
    if has_math_markup(fragment):
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
        rewrite_math(root)
        fragment = lxml_html.tostring(root, encoding="unicode")
    return extract_plain_text(fragment, **_TEXT_OPTIONS).strip()
