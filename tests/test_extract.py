"""Stage `extract` on real pages: Scrapinghub's article-extraction benchmark and trafilatura's eval set."""
import gzip
import json
import re
import statistics
from collections import Counter

import pytest

from tests.conftest import DATA, SAMPLE
from transforms.document import Document
from transforms.extract import Extract, ExtractParams
from transforms.extraction.extractors import extract_body
from transforms.ingest.decode import decode_html

AEB = DATA / "extraction" / "scrapinghub_aeb"
TRAF = DATA / "extraction" / "trafilatura_eval"


def _page(path):
    return decode_html(gzip.decompress(path.read_bytes()))[0]


def _token_f1(predicted: str, truth: str) -> float:
    a, b = Counter(re.findall(r"\w+", predicted.lower())), Counter(re.findall(r"\w+", truth.lower()))
    overlap = sum((a & b).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(a.values()), overlap / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def _aeb_scores(method):
    truth = json.loads((AEB / "ground-truth.json").read_text())
    return {page_id: _token_f1(extract_body(_page(AEB / "html" / f"{page_id}.html.gz"), expected["url"], method).text,
                               expected["articleBody"])
            for page_id, expected in truth.items()}


@pytest.mark.parametrize("method, floor", [("combined", 0.8), ("fast", 0.8), ("trafilatura", 0.0)])
def test_article_bodies_match_ground_truth(method, floor):
    scores = _aeb_scores(method)
    assert statistics.median(scores.values()) >= 0.95, scores
    assert min(scores.values()) >= floor, scores


@pytest.mark.parametrize("method, max_leaked", [("combined", 0.1), ("fast", 0.1)])
def test_boilerplate_is_dropped_and_body_kept_across_languages(method, max_leaked):
    evaldata = json.loads((TRAF / "evaldata.json").read_text())
    found_with = total_with = leaked_without = total_without = 0
    for url, case in evaldata.items():
        text = extract_body(_page(TRAF / "html" / case["file"]), url, method).text
        found_with += sum(snippet in text for snippet in case["with"])
        total_with += len(case["with"])
        leaked_without += sum(snippet in text for snippet in case["without"])
        total_without += len(case["without"])
    assert found_with / total_with >= 0.9
    assert leaked_without / total_without <= max_leaked


def test_combined_asks_trafilatura_when_the_fast_path_finds_too_little():
    # parcoabruzzo.it opens <body> with `<noscript><div ...></noscript>`: lexbor parses the whole page
    # into the noscript element, so the fast path finds no text; trafilatura reads the article.
    url = "http://www.parcoabruzzo.it/dettaglio.php?id=58354"
    case = json.loads((TRAF / "evaldata.json").read_text())[url]
    html = _page(TRAF / "html" / case["file"])
    assert extract_body(html, url, "fast").text == ""
    combined = extract_body(html, url, "combined")
    assert combined.extractor == "trafilatura"
    assert all(snippet in combined.text for snippet in case["with"])
    assert not any(snippet in combined.text for snippet in case["without"])


@pytest.mark.parametrize("file, rank, css_class", [
    ("shingon-reiki.de.schamanismus.html.gz", 0, "entry-content"),  # WordPress
    ("bondyblog.fr.paris-8.html.gz", 0, "postContent"),
    ("eldeber.com.bo-autos.html.gz", 1, "article template-1"),  # a bare <article>
    ("caktusgroup.com.django.html.gz", 3, None),  # <main id="main-content">
])
def test_content_root_is_found_and_its_boilerplate_dropped(file, rank, css_class):
    from resiliparse.parse.html import HTMLTree
    from transforms.extraction.content_root import find_content_roots

    url, case = next((u, c) for u, c in json.loads((TRAF / "evaldata.json").read_text()).items() if c["file"] == file)
    html = _page(TRAF / "html" / file)
    found_rank, root = next(find_content_roots(HTMLTree.parse(html).body))
    assert (found_rank, root.getattr("class")) == (rank, css_class)
    text = extract_body(html, url, "fast").text
    assert all(snippet in text for snippet in case["with"])
    assert not any(snippet in text for snippet in case["without"])


def _root_page(inner):
    return ("<html><body><nav><a href='/'>Home</a> <a href='/a'>About</a></nav>"
            f"<div class='entry-content'>{inner}</div><footer>(c) Example</footer></body></html>")


PARAGRAPH = "<p>" + "This sentence is part of the article body and carries its meaning. " * 4 + "</p>"


def test_root_keeps_inner_lists_and_drops_trailing_link_sections():
    html = _root_page(
        "<h2>Ingredients</h2><ul><li>200 g flour</li><li>2 eggs</li><li>1 cup milk</li></ul>"
        + PARAGRAPH * 2
        + "<div class='share-buttons'><a href='/s'>Share on X</a></div>"
        + "<h3>Related articles</h3><ul>" + "".join(f"<li><a href='/r{i}'>Another story number {i}</a></li>"
                                                   for i in range(5)) + "</ul>"
        + "<p>Tags: <a href='/t/a'>baking</a>, <a href='/t/b'>eggs</a></p>")
    text = extract_body(html, None, "fast").text
    assert "- 200 g flour\n- 2 eggs\n- 1 cup milk" in text  # a list inside the article stays
    assert "Ingredients" in text and "article body" in text
    for boilerplate in ("Share on X", "Related articles", "Another story", "Tags:", "Home", "(c) Example"):
        assert boilerplate not in text


def test_boilerplate_rules_that_would_empty_the_root_are_not_applied():
    # A theme that names the article's own wrapper like a widget: the rule would remove everything.
    html = _root_page("<div class='widget-text'>" + PARAGRAPH * 3 + "</div>")
    assert "article body" in extract_body(html, None, "fast").text


def test_invisible_characters_are_removed():
    html = _root_page(PARAGRAPH.replace("sentence", "sen\u00adtence").replace("article", "arti\u200bcle") * 2)
    text = extract_body(html, None, "fast").text
    assert "sentence" in text and "article" in text and "\u00ad" not in text


def _html_doc(html, origin="https://example.org/page"):
    return Document(id="d1", source="web", kind="web", origin=origin, html=html)


def test_stage_replaces_html_with_text_and_records_metadata():
    truth = json.loads((AEB / "ground-truth.json").read_text())
    page_id, expected = next(iter(truth.items()))
    stage = Extract(ExtractParams())
    stage.setup()
    verdict = stage.judge(_html_doc(_page(AEB / "html" / f"{page_id}.html.gz"), expected["url"]))
    assert verdict.kept
    doc = verdict.document
    assert doc.html is None and doc.text.startswith("(Reuters)")
    assert doc.meta["extractor"] == "fast"  # an article container: no second opinion needed
    assert "WeWork" in doc.meta["title"]
    assert doc.meta["html_lang"] == "en"
    assert verdict.measurements["chars"] == len(doc.text)


def test_stage_passes_clean_text_through_untouched():
    stage = Extract()
    stage.setup()
    doc = Document(id="t", source="cc", kind="public", origin="x", text="already clean")
    assert stage.judge(doc).document is doc


@pytest.mark.parametrize(
    "params, html, reason",
    [
        (ExtractParams(max_html_chars=1000), "<html><body>" + "<p>word</p>" * 500 + "</body></html>", "html_too_large"),
        (ExtractParams(), "<html><body><nav><a href='/'>Home</a></nav></body></html>", "too_short"),
        (ExtractParams(), "<html><body><script>var a = 1;</script><img src=x.png></body></html>", "empty"),
    ],
)
def test_stage_rejections_name_their_reason(params, html, reason):
    stage = Extract(params)
    stage.setup()
    verdict = stage.judge(_html_doc(html))
    assert not verdict.kept and verdict.reason == reason


def test_short_extraction_is_rejected_with_its_length():
    stage = Extract(ExtractParams(min_chars=20_000))  # a real article, with the bar set above its length
    stage.setup()
    verdict = stage.judge(_html_doc(_page(TRAF / "html" / "luxuriousmagazine.com.polo.html.gz")))
    assert verdict.reason == "too_short" and 0 < verdict.measurements["chars"] < 20_000


# --- math ------------------------------------------------------------------------------------------

def _math_page(name):
    # The MathJax demo pages are already in the bundled sample; only the Mozilla page is test data.
    path = DATA / "math_html" / name if name.endswith(".gz") else SAMPLE / "math" / name
    return _page(path) if path.suffix == ".gz" else path.read_text(encoding="utf-8")


@pytest.mark.parametrize("method", ["combined", "fast", "trafilatura"])
def test_tex_delimiters_survive_on_the_mathjax_tex_demo(method):
    text = extract_body(_math_page("page_tex-chtml.html"), None, method).text
    assert "$a \\ne 0$" in text
    assert "\\(ax^2 + bx + c = 0\\)" in text
    assert "\\sum_{k=1}^n a_k b_k" in text and "\\begin{vmatrix}" in text


@pytest.mark.parametrize("name", ["page_mml-chtml.html", "mozilla_mathjax_blog.html.gz"])
@pytest.mark.parametrize("method", ["combined", "fast"])
def test_mathml_becomes_tex(name, method):
    extraction = extract_body(_math_page(name), None, method)
    assert extraction.formulas >= 10
    assert "$a \\ne 0$" in extraction.text
    assert "\\frac{- b \\pm \\sqrt{b^2 - 4 a c}}{2 a}" in extraction.text
    assert "<math" not in extraction.text and "\u2212" not in extraction.text


def test_mathjax_v2_scripts_katex_and_wikipedia_math_are_rewritten():
    from lxml import html as lxml_html

    from transforms.extraction.math import rewrite_math

    # The markup each renderer emits (MathJax 2 script tags, KaTeX 0.16 spans, Wikipedia's MathML).
    page = lxml_html.document_fromstring(
        "<html><body><p>Euler: <script type='math/tex'>e^{i\\pi}+1=0</script> and"
        "<span class='MathJax_Preview'>e i pi</span>"
        "<script type='math/tex; mode=display'>\\int_0^1 x\\,dx</script></p>"
        "<p>KaTeX <span class='katex'><span class='katex-mathml'><math><semantics><mrow><mi>x</mi></mrow>"
        "<annotation encoding='application/x-tex'>x^2</annotation></semantics></math></span>"
        "<span class='katex-html' aria-hidden='true'>x2</span></span> done.</p>"
        "<p>Wiki <span class='mwe-math-element'><math alttext='{\\displaystyle a^{2}+b^{2}}'><mi>a</mi></math>"
        "<img class='mwe-math-fallback-image-inline' alt='{\\displaystyle a^{2}+b^{2}}'></span> end.</p>"
        "</body></html>")
    assert rewrite_math(page) == 4
    text = page.text_content()
    assert "Euler: $e^{i\\pi}+1=0$ and" in text and "$$\\int_0^1 x\\,dx$$" in text
    assert "e i pi" not in text
    assert "KaTeX $x^2$ done." in text and "x2" not in text
    assert "Wiki $a^{2}+b^{2}$ end." in text


# --- structure, metadata, robustness -------------------------------------------------------------

def test_fast_path_keeps_structure():
    html = ("<html><body><article><h2>Steps</h2><p>" + "A paragraph with enough words to count as content. " * 4
            + "</p><ol><li>first step of the recipe</li><li>second step of the recipe</li></ol>"
            "<pre>def f(x):\n    return x  # indented</pre><p>" + "Closing words of the article body here. " * 4
            + "</p></article></body></html>")
    text = extract_body(html, None, "fast").text
    assert "Steps\n\nA paragraph" in text
    assert "1. first step of the recipe\n2. second step of the recipe" in text
    assert "def f(x):\n    return x  # indented" in text


def test_metadata_is_read_from_the_page():
    from transforms.extraction.metadata import page_metadata

    html = _page(TRAF / "html" / "spektrum.de.engelbart.html.gz")
    meta = page_metadata(html)
    assert meta["html_lang"] == "de" and meta["title"]
    assert page_metadata('<html lang="pt-BR"><head><meta property="article:published_time" '
                         'content="2019-11-20T07:50:00Z"><title> A &amp; B </title></head></html>') == {
        "title": "A & B", "html_lang": "pt", "date": "2019-11-20"}
    assert "date" not in page_metadata('<meta name="date" content="yesterday">')


def _pathological_pages():
    paragraph = "<p>" + "word " * 20 + "<a href='#'>link</a> <b>x</b></p>"
    huge = "<html><body>" + "<div><span>" * 20 + paragraph * 30_000 + "</span></div>" * 20 + "</body></html>"
    deep = "<html><body>" + "<div>" * 20_000 + "text " * 100 + "</div>" * 20_000 + "</body></html>"
    return huge, deep


def test_huge_page_is_rejected_within_its_time_budget():
    import time

    huge, _ = _pathological_pages()  # 4 MB: trafilatura needs >10 s on it (the fast path ~1 s)
    stage = Extract(ExtractParams(method="trafilatura", time_budget_seconds=1.0))
    stage.setup()
    started = time.perf_counter()
    verdict = stage.judge(_html_doc(huge))
    elapsed = time.perf_counter() - started
    assert not verdict.kept and verdict.reason == "timeout"
    assert elapsed < 3.0, elapsed


def test_deeply_nested_page_does_not_hang_the_fast_path():
    import time

    _, deep = _pathological_pages()  # 20,000 nested <div>s: 13 s in resiliparse's main-content pass
    started = time.perf_counter()
    text = extract_body(deep, None, "fast").text
    assert "text text" in text and time.perf_counter() - started < 3.0


def test_time_budget_that_a_bare_except_swallows_still_raises_at_block_end():
    import time

    from transforms.time_budget import BudgetExceeded, time_budget

    def library_code_with_bare_except():
        try:
            while True:
                pass
        except:  # noqa: E722 -- what some libraries do, and what must not defeat the budget
            return "half-read page"

    with pytest.raises(BudgetExceeded):
        with time_budget(0.2):
            library_code_with_bare_except()
    time.sleep(0.3)  # and nothing is left pending to surface later


def test_time_budget_stops_python_work_and_leaves_the_thread_usable():
    import time

    from transforms.time_budget import BudgetExceeded, time_budget

    started = time.perf_counter()
    with pytest.raises(BudgetExceeded):
        with time_budget(0.2):
            while True:
                pass
    assert time.perf_counter() - started < 1.0
    with time_budget(0.5):  # a budget that is not exceeded raises nothing, now or later
        total = sum(range(1000))
    time.sleep(0.7)
    assert total == 499500


def test_the_math_markup_test_answers_as_searching_every_marker():
    from transforms.extraction.math import MATH_MARKERS, has_math_markup

    pages = [_page(p) for p in sorted((TRAF / "html").glob("*.html.gz"))]
    pages += [(SAMPLE / "math" / name).read_text(encoding="utf-8") for name in ("page_tex-chtml.html", "page_mml-chtml.html")]
    pages += [f"<p>a {marker} b</p>" for marker in MATH_MARKERS] + ["<p>mathematics and LaTeX-free text</p>"]
    assert [has_math_markup(p) for p in pages] == [any(m in p for m in MATH_MARKERS) for p in pages]
    assert sum(has_math_markup(p) for p in pages) >= len(MATH_MARKERS) + 1  # + the MathML page


def test_invisible_characters_are_dropped_and_other_text_is_returned_as_is():
    from transforms.extraction.extractors import drop_invisible

    text = _page(sorted((TRAF / "html").glob("*.html.gz"))[0])
    assert drop_invisible(text) is text  # nothing to drop: the same object, no copy
    soft = "Ver\u00adsi\u00adcherung \u200bund\ufeff Wort\u2060verbinder"
    assert drop_invisible(soft) == "Versicherung und Wortverbinder"
