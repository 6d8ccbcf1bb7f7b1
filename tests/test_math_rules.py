"""Stage `math_filter`'s pure logic (tag, symbol and domain filters) and math Q&A extraction, on real pages.

Math pages: MathJax's demo pages, the readability MathJax blog and the pointer-list page of the
article-extraction benchmark. Non-math pages: the 18 benchmark pages of tests/data/extraction and 15
more chosen for what trips a naive detector (Greek text, dollar prices, shell prompts, "×" in
dimensions, "^" footnotes, "<Math.floor" in scripts). Q&A: a math.stackexchange.com page of 2016 and
a worldbuilding.stackexchange.com page of 2024, one per generation of Stack Exchange's markup.
Pages are read as `extract` leaves them: the HTML for the tag filter, the extracted text (TeX kept)
for the symbol filter. Origins: tests/data/math_rules/SOURCES.md.
"""
import dataclasses
import gzip
import json
import time
import unicodedata
from typing import Optional

import pytest

from tests.conftest import DATA, SAMPLE
from transforms.extraction.extractors import extract_body
from transforms.ingest.decode import decode_html
from transforms.math_rules import domains as D
from transforms.math_rules.filters import (
    DOMAIN_NOT_ALLOWED, LOW_MATH_SYMBOL_DENSITY, NO_MATH_MARKUP, MathRuleParams, TagMatcher, build_rules,
    build_symbol_table, count_symbols, parse_symbol_lines, parse_tag_lines, shipped_symbols, shipped_tags,
)
from transforms.math_rules.qa import STACK_EXCHANGE, QAExtractor, QAParams, post_text
from transforms.params import ConfigError, parse_params

MATH = DATA / "math_rules"
EXTRACTION = DATA / "extraction"
MSE_URL = "http://math.stackexchange.com/questions/458323/is-8327-1-a-prime-number"
WB_URL = "https://worldbuilding.stackexchange.com/questions/162264/is-there-a-safe-but-weird-distance-from-black-hole-merger"
QUANTA_URL = "https://www.quantamagazine.org/tuft-cells-that-taste-danger-set-off-immune-responses-20191115/"
QUANTA_PAGE = "bdb56ac83513635db1d8b9eb46b2da4c0de8da2f1f28f5bf5163df3eb3d3ec06"


def read_page(path) -> str:
    data = path.read_bytes()
    return decode_html(gzip.decompress(data) if path.suffix == ".gz" else data)[0]


@dataclasses.dataclass(frozen=True)
class Page:
    name: str
    html: str
    text: str
    url: Optional[str] = None


def load(path, url=None) -> Page:
    html = read_page(path)
    return Page(path.name, html, extract_body(html, url).text, url)


# 11 MathJax demos here, the 5 of the sample, and the readability MathJax blog (the sample's
# readability-mathjax-blog.html.gz is the same file)
MATH_PAGE_PATHS = (sorted((MATH / "mathjax_demos").glob("*.html")) + sorted((SAMPLE / "math").glob("*.html"))
                   + [DATA / "math_html" / "mozilla_mathjax_blog.html.gz"])


def _non_math_paths():
    """(path, URL) of every non-math page the tests ship."""
    aeb = json.loads((EXTRACTION / "scrapinghub_aeb" / "ground-truth.json").read_text())
    evaldata = json.loads((EXTRACTION / "trafilatura_eval" / "evaldata.json").read_text())
    traf = {case["file"]: url for url, case in evaldata.items()}
    paths = [(p, aeb[p.name.split(".")[0]]["url"])
             for p in sorted((EXTRACTION / "scrapinghub_aeb" / "html").glob("*.gz"))]
    paths += [(p, traf[p.name]) for p in sorted((EXTRACTION / "trafilatura_eval" / "html").glob("*.gz"))]
    paths += [(p, None) for p in sorted((MATH / "non_math").rglob("*.html.gz"))]
    return paths


@pytest.fixture(scope="module")
def rules():
    return build_rules(MathRuleParams())


@pytest.fixture(scope="module")
def math_pages():
    return [load(path) for path in MATH_PAGE_PATHS]


@pytest.fixture(scope="module")
def non_math_pages():
    return [load(path, url) for path, url in _non_math_paths()]


@pytest.fixture(scope="module")
def table():
    return build_symbol_table(*shipped_symbols())


def non_math(pages, name_start):
    return next(page for page in pages if page.name.startswith(name_start))


# ------------------------------------------------------------------------------------- the two lists


def test_tag_list_has_about_forty_lower_case_strings():
    tags = shipped_tags()
    assert 40 <= len(tags) <= 55
    assert all(tag == tag.lower() and tag == tag.strip() for tag in tags)
    assert len(set(tags)) == len(tags)
    # the strings every MathJax, KaTeX and MathML page is found by
    assert {"mathjax.js", "text/x-mathjax-config", "math/tex", "class=\"katex", "<math>", "\\frac{"} <= set(tags)


def test_symbol_list_has_about_350_symbols_from_the_unicode_math_blocks_and_latex():
    commands, symbols, greek = shipped_symbols()
    assert 300 <= len(commands) + len(symbols) + len(greek) <= 400
    # every Unicode entry has the Unicode Math property: general category Sm, or Other_Math
    # (PropList.txt: the ceiling, floor and angle brackets, U+21D0, the letterlike symbols)
    other_math = set("⌈⌉⌊⌋⟨⟩⇐ℕℤℚℝℂℙℵℏℓ")
    assert all(unicodedata.category(c) == "Sm" or c in other_math for c in symbols)
    assert all(unicodedata.name(c).startswith("GREEK") for c in greek)
    # left out because ordinary text uses them (symbols.txt says why)
    assert not set(symbols) & set("\u2212\u00b7\u00b5\u00b2\u2032\u2033")
    assert {"frac", "sum", "int", "sqrt", "alpha", "mathbb", "begin"} <= commands
    assert set("∑∫√≤≥≠∈ℝ±×") <= set(symbols)


def test_list_parsers_skip_comments_and_refuse_what_is_not_a_symbol():
    assert parse_tag_lines(["# comment", "", "MathJax.js  ", "mathjax.js"]) == ("mathjax.js",)
    assert parse_symbol_lines(["\\frac  # fraction", "∑ # N-ARY SUMMATION", "α"]) == (frozenset({"frac"}), "∑", "α")
    with pytest.raises(ValueError):
        parse_symbol_lines(["frac"])


# ------------------------------------------------------------------------------------ the tag filter


def test_tag_matcher_finds_exactly_what_a_plain_search_finds(math_pages, non_math_pages):
    """The core-gated search (filters._TAG_CORES) is an optimisation, not a different filter."""
    tags = shipped_tags()
    matcher = TagMatcher(tags)
    for page in math_pages + non_math_pages:
        lowered = page.html.lower()
        assert matcher.find(page.html) == tuple(tag for tag in tags if tag in lowered), page.name


def test_javascript_math_calls_are_no_mathml(non_math_pages, rules):
    wired = non_math(non_math_pages, "2f42ef1d")
    assert "<math" in wired.html.lower()  # "r<Math.ceil(...)" in its scripts
    reason, m = rules.judge(wired.text, wired.html, wired.url)
    assert reason == NO_MATH_MARKUP and m["tag_hits"] == 0


# --------------------------------------------------------------------------------- the symbol filter


@pytest.mark.parametrize("text", [
    "It costs $5 or $10, or $20,000 and $30,000.",
    "Tickets: $5-$10 (US$5 online).",
    "$ python -m venv $VENV_PATH\n$ source $VENV_PATH/bin/activate",
    "Escaped \\$5 and \\$6 stay prices.",
])
def test_prices_and_shell_prompts_form_no_formula(text, table):
    assert count_symbols(text, table).formulas == 0


@pytest.mark.parametrize("text, formulas", [
    ("so $x^2$ and $83$ are", 2),
    ("then $$\\int_0^1 f(x)\\,dx$$ holds", 1),
    ("inline \\(a+b\\) and display \\[x = 1\\]", 2),
    ("$$\n83^{27} + 1 = a^3+b^3\n$$", 1),
])
def test_tex_formulas_count_once_each(text, formulas, table):
    assert count_symbols(text, table).formulas == formulas


def test_a_script_full_of_tex_openers_costs_one_pass(table):
    """Regular expressions in a page's code are full of "\\[" and "\\(": no formula, and no search
    from each opener to the length bound."""
    text = "\\[" * 100_000 + "\\(" * 100_000
    start = time.perf_counter()
    assert count_symbols(text, table).formulas == 0
    assert time.perf_counter() - start < 1.0


def test_latex_commands_count_as_whole_tokens_only(table):
    assert count_symbols("\\frac{1}{2} + \\sqrt{2}", table).commands == 2
    assert count_symbols("the \\fraction, C:\\Program Files\\new, \\d+\\s*, printf(\"\\n\")", table).commands == 0


def test_carets_and_underscores_outside_formulas_are_no_signal(table):
    counts = count_symbols("x ^ y in C, a^b in Python, my_snake_case_name, ^ footnote", table)
    assert counts.signals == 0


def test_greek_letters_count_alone_and_not_in_greek_text(table):
    assert count_symbols("with α = 0.05 and β > 0", table).greek == 2
    assert count_symbols("a 10 μm wire, the Ωmega", table).greek == 0
    assert count_symbols("Εμείς ο λαός της Γερμανίας, η κρίση και ο πόλεμος", table).greek == 0


def test_greek_page_is_no_math(non_math_pages, rules):
    page = non_math(non_math_pages, "echte-demokratie")
    assert sum("\u0370" <= c <= "\u03ff" for c in page.text) > 2000  # a letter in Greek
    reason, m = rules.judge(page.text, page.html, page.url)
    assert reason == NO_MATH_MARKUP and m["greek_letters"] == 0


@pytest.mark.parametrize("name_start, what", [
    ("pluralsight", "$ shell prompts"), ("netbits", "$ shell prompts"), ("mercurial", "$ hg prompts"),
    ("observer.com", "dollar prices"), ("57d46c9d", "dollar prices"), ("65bf3048", "dollar prices"),
    ("b6906ca0", "dollar amounts"),
])
def test_dollars_in_prices_and_prompts_form_no_formula(name_start, what, non_math_pages, rules):
    page = non_math(non_math_pages, name_start)
    assert page.text.count("$") >= 5, what
    reason, m = rules.judge(page.text, page.html, page.url)
    assert reason is not None and m["formulas"] == 0


def test_footnote_carets_are_no_math(non_math_pages, rules):
    page = non_math(non_math_pages, "wikipedia-2")
    assert page.text.count("^") > 300
    reason, m = rules.judge(page.text, page.html, page.url)
    assert reason == NO_MATH_MARKUP and m["math_signals"] == 0


def test_dimensions_with_times_signs_are_too_sparse(non_math_pages, rules):
    page = non_math(non_math_pages, "chip.de")
    reason, m = rules.judge(page.text, page.html, page.url)
    assert m["unicode_symbols"] == 10  # "B×H×T: ca. 53,3×49,2×31,8 cm" and more
    assert reason == LOW_MATH_SYMBOL_DENSITY and m["symbol_density"] < MathRuleParams().min_symbol_density


# -------------------------------------------------------------------------------- math pages pass


@pytest.mark.parametrize("path", MATH_PAGE_PATHS, ids=lambda p: p.name)
def test_math_pages_pass_with_their_measurements(path, rules):
    page = load(path)
    reason, m = rules.judge(page.text, page.html, page.url)
    assert reason is None, m
    assert m["tag_hits"] >= 1 and m["math_rule"] == "tags"
    measured = {"words", "formulas", "latex_commands", "unicode_symbols", "math_signals", "symbol_density", "tags"}
    assert measured <= set(m)


@pytest.mark.parametrize("path, tex", [
    (SAMPLE / "math" / "page_tex-chtml.html", "\\sqrt{b^2-4ac}"),
    (MATH / "mathjax_demos" / "page_tex-mml.html", "$$x = {-b \\pm \\sqrt{b^2-4ac} \\over 2a}.$$"),
    (MATH / "mathjax_demos" / "page_equation-refs.html", "\\begin{equation}"),
    (DATA / "math_html" / "mozilla_mathjax_blog.html.gz",
     "$$x = \\frac{- b \\pm \\sqrt{b^2 - 4 a c}}{2 a} \\text{.}$$"),
])
def test_tex_survives_to_the_symbol_filter(path, tex, rules):
    page = load(path)
    assert tex in page.text
    reason, m = rules.judge(page.text, page.html)
    assert reason is None and m["formulas"] >= 1 and m["latex_commands"] >= 1


def test_text_math_without_markup_passes_on_symbols(rules):
    """The symbol filter alone keeps TeX typed into a page that loads no renderer in its HTML."""
    page = load(DATA / "math_html" / "mozilla_mathjax_blog.html.gz")
    reason, m = rules.judge(page.text)
    assert reason is None and m["math_rule"] == "symbols" and "tag_hits" not in m
    assert m["symbol_density"] > 0.2


def test_pointer_list_page_loads_mathjax_without_math_in_its_text(rules):
    """Quanta Magazine loads MathJax on every article; this one is about tuft cells. The tag filter
    keeps it as a math template, as AFM's does; its text has no math signal at all, which the
    measurements show and the math classifier is there to judge."""
    page = load(MATH / "pointer" / f"{QUANTA_PAGE}.html.gz", QUANTA_URL)
    reason, m = rules.judge(page.text, page.html, page.url)
    assert reason is None and m["math_rule"] == "tags"
    assert {"mathjax.js", "/mathjax/"} <= set(m["tags"]) and m["math_signals"] == 0


# ---------------------------------------------------------------------------- non-math pages fail

# Non-math pages the filters keep, with the reason; the false-positive rate counts them.
EXPLAINED_FALSE_POSITIVES = {}


def test_non_math_pages_fail_and_the_false_positive_rate_is_below_5_percent(non_math_pages, rules):
    assert len(non_math_pages) == 33
    kept = []
    for page in non_math_pages:
        reason, m = rules.judge(page.text, page.html, page.url)
        if reason is None:
            kept.append(page.name)
        else:
            assert reason in (NO_MATH_MARKUP, LOW_MATH_SYMBOL_DENSITY)
    assert len(kept) / len(non_math_pages) < 0.05
    assert set(kept) <= set(EXPLAINED_FALSE_POSITIVES), kept


# ------------------------------------------------------------------------------- the domain filter


def test_domains_match_their_subdomains_only():
    domains = D.build_math_domains()
    assert domains.match_url("https://meta.mathoverflow.net/questions/1") == ("mathoverflow.net", D.ALWAYS)
    assert domains.match_url("https://www.math.stackexchange.com/q/1") == ("math.stackexchange.com", D.ALWAYS)
    assert domains.match_url("https://fr.khanacademy.org/math") == ("khanacademy.org", D.ALLOWED)
    assert domains.match_url("https://notmathoverflow.net/") is None
    assert domains.match_url("https://chem.libretexts.org/x") is None
    assert domains.match_url("ftp://oeis.org/A000045") is None and domains.match_url(None) is None


def test_default_list_is_curated_and_documented():
    assert 20 <= len(D.DEFAULT_MATH_DOMAINS) <= 40
    assert set(D.DEFAULT_MATH_DOMAINS.values()) == {D.ALWAYS, D.ALLOWED}
    assert D.DEFAULT_MATH_DOMAINS["math.stackexchange.com"] == D.ALWAYS
    assert D.DEFAULT_MATH_DOMAINS["khanacademy.org"] == D.ALLOWED


def test_always_math_domain_keeps_a_page_without_evidence(rules):
    reason, m = rules.judge("Welcome! Log in or sign up.", "<html><body>Welcome</body></html>",
                            "https://mathoverflow.net/users/1")
    assert reason is None and m["math_rule"] == "always_math_domain" and m["math_domain"] == "mathoverflow.net"


def test_allowed_math_domain_needs_less_evidence(rules):
    text = "The derivative of x squared is 2x, since the limit of the difference quotient is ∑ of nothing else " * 3
    html = "<html><body><p>plain</p></body></html>"
    kept, m = rules.judge(text, html, "https://www.khanacademy.org/math/calculus")
    assert kept is None and m["math_rule"] == "math_domain" and m["math_domain_list"] == D.ALLOWED
    reason, _ = rules.judge(text, html, "https://example.com/calculus")
    assert reason == LOW_MATH_SYMBOL_DENSITY


def test_require_math_domain_rejects_other_domains():
    strict = build_rules(MathRuleParams(require_math_domain=True))
    page = load(DATA / "math_html" / "mozilla_mathjax_blog.html.gz")
    reason, m = strict.judge(page.text, page.html, "https://example.com/post")
    assert reason == DOMAIN_NOT_ALLOWED and m["tag_hits"] > 0  # measured all the same
    assert strict.judge(page.text, page.html, "https://www.physicsforums.com/x")[0] is None


def test_config_adds_domains_and_can_drop_the_default_list():
    p = parse_params(MathRuleParams, {"always_math_domains": ["https://www.example.org/blog"],
                                      "math_domains": ["example.net"], "default_math_domains": False},
                     "stages.math_filter")
    custom = build_rules(p)
    assert custom.judge("hello", None, "https://blog.example.org/x")[1]["math_rule"] == "always_math_domain"
    assert custom.judge("∑ here", None, "https://example.net/x")[1]["math_rule"] == "math_domain"
    assert custom.judge("hello", None, "https://mathoverflow.net/q/1")[0] == LOW_MATH_SYMBOL_DENSITY
    with pytest.raises(ConfigError):
        parse_params(MathRuleParams, {"min_symbol_density": -1}, "stages.math_filter")


# --------------------------------------------------------------------------- API and user lists


def test_tag_filter_can_measure_without_deciding():
    measuring = build_rules(MathRuleParams(min_tag_hits=None))
    page = load(SAMPLE / "math" / "input_tex2chtml.html")  # MathJax's TeX converter: no formula in its text
    reason, m = measuring.judge(page.text, page.html)
    assert reason == LOW_MATH_SYMBOL_DENSITY and m["tag_hits"] >= 1 and m["math_signals"] == 0


def test_judge_takes_tags_found_earlier_instead_of_html(rules):
    reason, m = rules.judge("no math here", found_tags=("mathjax.js",))
    assert reason is None and m["tags"] == ["mathjax.js"]
    reason, m = rules.judge("no math here")  # no HTML: the symbol filter judges alone
    assert reason == LOW_MATH_SYMBOL_DENSITY and "tag_hits" not in m


def test_user_tag_and_symbol_files_extend_the_shipped_lists(tmp_path):
    (tmp_path / "tags.txt").write_text("# our renderer\nmy-math-engine.js\n")
    (tmp_path / "symbols.txt").write_text("\\myop  # a house macro\n⨁\n")
    custom = build_rules(MathRuleParams(tag_paths=(str(tmp_path / "tags.txt"),),
                                        symbol_paths=(str(tmp_path / "symbols.txt"),)))
    assert custom.judge("text", '<script src="/js/My-Math-Engine.js">')[1]["tags"] == ["my-math-engine.js"]
    m = custom.judge("\\myop a ⨁ b and \\frac{1}{2}")[1]
    assert m["latex_commands"] == 2 and m["unicode_symbols"] == 1


# -------------------------------------------------------------------------------- Q&A extraction


@pytest.fixture(scope="module")
def mse_html():
    return read_page(MATH / "qa" / "math_stackexchange_458323.html.gz")


@pytest.fixture(scope="module")
def wb_html():
    return read_page(MATH / "qa" / "worldbuilding_stackexchange_162264_excerpt.html.gz")


def test_qa_on_a_math_stackexchange_page(mse_html):
    page = QAExtractor(QAParams()).extract(mse_html, MSE_URL)
    assert page.site == "stackexchange"
    assert page.title == "Is $83^{27} +1 $ a prime number?"
    assert page.question == ("I'm having problems with exercises on proving whether or not a given number is prime. "
                             "Is $83^{27} + 1$ prime?")
    # the accepted answer first (68), then the best of the others by score (46, 40)
    assert [(a.score, a.accepted) for a in page.answers] == [(68, True), (46, False), (40, False)]
    assert page.text.startswith("Question: Is $83^{27} +1 $ a prime number?\n\nI'm having problems")
    assert "\n\nAnswer: $83$ is odd, so is any power of $83$. Hence $83^{27}+1$ is even" in page.text
    assert page.text.count("Answer: ") == 3
    # TeX verbatim, delimiters included
    assert "$$a^k+1\\equiv (-1)^k+1\\equiv 0\\pmod{a+1}$$" in page.text
    assert "$$ 83^{27} + 1 = \\Big(83^9\\Big)^3 + 1 = a^3+b^3" in page.text
    # comments, votes and sidebars are not posts
    for boilerplate in ("The number is EVEN!", "Hot Network Questions", "up vote", "Related", "protected by"):
        assert boilerplate not in page.text


def test_qa_orders_every_answer_by_score_after_the_accepted_one(mse_html):
    page = QAExtractor(QAParams(max_answers=20)).extract(mse_html, MSE_URL)
    assert [a.score for a in page.answers] == [68, 46, 40, 23, 14, 13, 4, 2, 2]
    texts = [a.text for a in page.answers]
    # equal scores keep page order: 459132 comes before 567116 on the page
    assert texts[7].startswith("Let's ask WolframAlpha!") and texts[8].startswith("well it is divisible by $84$")
    # code and environments verbatim, HTML entities decoded
    assert "PrimeQ[83^27 + 1]" in texts[7]
    robjohn = texts[5]
    assert "\\begin{align}" in robjohn and "&=\\frac{83^{27}+1}{83^9+1}\\times" in robjohn and "\\end{align}" in robjohn


def test_qa_min_score_leaves_out_low_answers_but_not_the_accepted_one(mse_html):
    page = QAExtractor(QAParams(max_answers=20, min_answer_score=20)).extract(mse_html, MSE_URL)
    assert [a.score for a in page.answers] == [68, 46, 40, 23]
    page = QAExtractor(QAParams(max_answers=20, min_answer_score=100)).extract(mse_html, MSE_URL)
    assert [(a.score, a.accepted) for a in page.answers] == [(68, True)]


def test_qa_on_the_current_stack_exchange_markup(wb_html):
    extractor = QAExtractor(QAParams(stack_exchange_domains=("worldbuilding.stackexchange.com",)))
    page = extractor.extract(wb_html, WB_URL)
    assert page.title == "Is there a safe but weird distance from black hole merger?"
    assert page.question.startswith("I wish to create a world such that it can support the following plot point")
    assert [(a.score, a.accepted) for a in page.answers] == [(5, False), (1, False)]  # no accepted answer
    assert "$$h \\approx {{GM} \\over c^2} \\times {1 \\over r} \\times {v^2 \\over c^2}$$" in page.answers[0].text
    assert "$\\delta L \\over L = 10^{-21}$" in page.answers[1].text
    # the hidden "$\begingroup$" markers around posts and the sidebar's question links stay out
    assert "begingroup" not in page.text and "Bath Fan Roof Outlet Coupling" not in page.text


def test_qa_returns_none_for_other_sites_and_other_pages(mse_html, wb_html, non_math_pages):
    extractor = QAExtractor(QAParams())
    assert extractor.extract(mse_html, "https://www.example.com/questions/458323") is None
    assert extractor.extract(wb_html, WB_URL) is None  # worldbuilding is not configured by default
    other = non_math_pages[0]
    assert extractor.extract(other.html, "https://math.stackexchange.com/users/63967/milo") is None


def test_qa_min_answers(wb_html):
    markups = {"worldbuilding.stackexchange.com": STACK_EXCHANGE}
    none_kept = QAParams(min_answer_score=100)
    assert QAExtractor(none_kept, markups).extract(wb_html, WB_URL) is None
    question_only = QAExtractor(dataclasses.replace(none_kept, min_answers=0), markups).extract(wb_html, WB_URL)
    assert question_only.answers == () and "Answer:" not in question_only.text


def test_qa_document_passes_the_math_filter(mse_html, rules):
    text = QAExtractor(QAParams()).extract(mse_html, MSE_URL).text
    assert rules.judge(text, None, MSE_URL)[1]["math_rule"] == "always_math_domain"
    reason, m = rules.judge(text)  # on its symbols alone too
    assert reason is None and m["math_rule"] == "symbols" and m["formulas"] >= 10 and m["symbol_density"] > 0.1


def test_post_text_rewrites_rendered_math_to_tex():
    rendered = '<div><p>So <script type="math/tex">x^2</script> and <code>a_b</code></p></div>'
    assert post_text(rendered) == "So $x^2$ and a_b"
