"""Stage `url_filter`: shipped domain and word lists, user lists, the allow list, on real URLs.

Real inputs: the URLs of the bundled sample's documents (WARC target URIs and Dolma's Common Crawl
rows, read by winnow's own readers) and every http(s) link in the shipped pages (pipeline/sample
WARCs, tests/data/extraction); the listed domains and words are real entries of the shipped lists,
checked against the raw list files read here independently of transforms/url_rules/lists.py.
"""
import gzip
import re
from importlib import resources

import apache_beam as beam
import pytest
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.util import assert_that, equal_to

from tests.conftest import BEAM_TEST_OPTIONS, DATA, SAMPLE
from transforms.document import Document
from transforms.ingest.readers import FileContext, ReadParams, read_jsonl, read_warc
from transforms.params import ConfigError, parse_params
from transforms.stage import RunStage
from transforms.url_filter import UrlFilter, UrlFilterParams, document_url
from transforms.url_rules import lists
from transforms.url_rules.matching import (
    SubwordMatcher, match_domain, normalize_host, split_url, squash, strip_www, url_text, url_tokens,
)

LISTS = resources.files("transforms.url_rules").joinpath("lists")


# ---------------------------------------------------------------- the raw shipped files, read here


@pytest.fixture(scope="module")
def easylist_sections():
    """{section file name: its lines} of the shipped EasyList, split on its "! *** easylist:" headers."""
    text = gzip.decompress(LISTS.joinpath("easylist.txt.gz").read_bytes()).decode("utf-8")
    sections, current = {}, None
    for line in text.splitlines():
        header = re.fullmatch(r"! \*\*\* easylist:(\S+) \*\*\*", line)
        if header:
            current = sections.setdefault(header.group(1), [])
        elif current is not None:
            current.append(line)
    return sections


def raw_words(file_name):
    return LISTS.joinpath(file_name).read_text(encoding="utf-8").splitlines()


def listed_in(sections, list_name, domain):
    """The raw EasyList lines of `list_name`'s sections that block `domain` as a whole."""
    return [line for section in lists.EASYLIST_SECTIONS[list_name] for line in sections[section]
            if line == f"||{domain}^" or line.startswith(f"||{domain}^$")]


# ---------------------------------------------------------------- helpers


def _stage(**overrides):
    stage = UrlFilter(UrlFilterParams(**overrides))
    stage.setup()
    return stage


@pytest.fixture(scope="module")
def stage():
    return _stage()


def _doc(url, doc_id="d", source="web", **meta):
    return Document(id=doc_id, source=source, kind="web", origin=url, html="<p>x</p>", meta=meta)


def _judge(stage, url):
    return stage.judge(_doc(url))


@pytest.fixture(scope="module")
def sample_documents():
    """Every document the bundled sample's WARCs and Common Crawl rows give (winnow's readers)."""
    docs = []
    for path in sorted((SAMPLE / "web").glob("*.warc.gz")):
        with open(path, "rb") as handle:
            docs += [d for d in read_warc(handle, FileContext("web", "web", str(path), path.name))
                     if isinstance(d, Document)]
    for path in sorted((SAMPLE / "cc_text").glob("*.jsonl.gz")):
        ctx = FileContext("cc_text", "public", str(path), path.name, ReadParams(meta_key="metadata"))
        with open(path, "rb") as handle:
            docs += [d for d in read_jsonl(handle, ctx) if isinstance(d, Document)]
    return docs


@pytest.fixture(scope="module")
def page_links():
    """Every http(s) href/src in the shipped real pages: the sample WARCs and tests/data/extraction."""
    attribute = re.compile(rb"""(?:href|src)\s*=\s*["'](https?://[^"'\s<>]+)""", re.IGNORECASE)
    pages = [gzip.decompress(p.read_bytes()) for p in sorted((DATA / "extraction").rglob("*.html.gz"))]
    from warcio.archiveiterator import ArchiveIterator

    for path in sorted((SAMPLE / "web").glob("*.warc.gz")):
        try:
            with open(path, "rb") as handle:
                for record in ArchiveIterator(handle, arc2warc=True):
                    if record.rec_type == "response":
                        pages.append(record.content_stream().read())
        except Exception:  # the sample's deliberately broken files: what was read before is kept
            pass
    return sorted({m.group(1).decode("utf-8", "replace") for page in pages for m in attribute.finditer(page)})


# ---------------------------------------------------------------- shipped domain lists


@pytest.mark.parametrize("list_name, domain", [
    ("easylist_adservers", "doubleclick.net"),
    ("easylist_adservers", "googletagservices.com"),
    ("easylist_adservers", "adtech.de"),  # listed as ||adtech.de^$third-party
    ("easylist_adult", "acmexxx.com"),  # ||acmexxx.com^$third-party in adult_adservers.txt
    ("easylist_adult", "adultadworld.com"),  # on both lists: reported as the more specific one
])
def test_listed_domains_are_rejected_with_their_list(stage, easylist_sections, list_name, domain):
    assert listed_in(easylist_sections, list_name, domain), f"{domain} is not a line of {list_name}"
    variants = [f"https://{domain}/", f"http://www.{domain}", f"HTTPS://WWW.{domain.upper()}:8443/Some/Path?q=1#top",
                f"https://ads.eu.{domain}/tag/js/gpt.js", f"http://{domain}./index.html", f"  https://{domain}/x\n",
                f"https://user:pw@{domain}:443/"]
    for url in variants:
        verdict = _judge(stage, url)
        assert verdict.reason == f"blocked_domain:{list_name}", url
        assert verdict.measurements["matched"] == domain, url


def test_domain_match_is_on_label_boundaries(stage, easylist_sections):
    assert listed_in(easylist_sections, "easylist_adservers", "doubleclick.net")
    for url in ["https://notdoubleclick.net/", "https://doubleclick.net.example.org/",
                "https://example.org/doubleclick.net/", "https://example.org/?u=https://doubleclick.net/"]:
        assert _judge(stage, url).kept, url


def test_a_domain_on_both_lists_falls_back_when_one_is_off(easylist_sections):
    assert listed_in(easylist_sections, "easylist_adservers", "adultadworld.com")
    assert listed_in(easylist_sections, "easylist_adult", "adultadworld.com")
    assert _judge(_stage(easylist_adult=False), "https://adultadworld.com/").reason == \
        "blocked_domain:easylist_adservers"
    assert _judge(_stage(easylist_adult=False, easylist_adservers=False), "https://adultadworld.com/").kept


def test_each_list_can_be_switched_off(easylist_sections):
    assert listed_in(easylist_sections, "easylist_adservers", "doubleclick.net")
    assert _judge(_stage(easylist_adservers=False), "https://doubleclick.net/").kept
    assert _judge(_stage(easylist_adult=False), "https://acmexxx.com/").kept
    assert _judge(_stage(banned_words=False), "https://example.org/porn/").kept
    assert _judge(_stage(soft_banned_words=False), "https://example.org/sexy-lesbian/").kept
    assert _judge(_stage(banned_subwords=False), "https://example.org/two-girls-one-cup").kept


def test_domain_wide_rules_only(stage, easylist_sections):
    """A rule limited to scripts, or to some sites, does not make the domain's pages ads."""
    adult = [line for s in lists.EASYLIST_SECTIONS["easylist_adult"] for line in easylist_sections[s]]
    assert "||imlive.com^$script,third-party,domain=~imnude.com" in adult
    assert not [line for lines in easylist_sections.values() for line in lines
                if line in ("||imlive.com^", "||imlive.com^$third-party", "||imlive.com^$popup")]
    assert _judge(stage, "https://imlive.com/").kept
    parsed = lists.parse_easylist(
        "! *** easylist:easylist_adult/adult_adservers.txt ***\n"
        "||imlive.com^$script,third-party,domain=~imnude.com\n||acmexxx.com^$third-party\n"
        "||example-ads.com^$popup,third-party\n||example-ads.net/banner/\n||bad.example^$image\n"
        "! *** easylist:easylist/easylist_general_hide.txt ***\n||not-a-server.com^\n"
        "@@||example-ads.com^$popup\n@@||acmexxx.com^$domain=example.org\n")
    # an exception (@@) for the whole domain unblocks it; one limited to some sites does not
    assert parsed["easylist_adult"] == {"acmexxx.com"}
    assert parsed["easylist_adservers"] == frozenset()


def test_shipped_list_sizes():
    domains = lists.easylist_domains()
    assert len(domains["easylist_adservers"]) > 30000 and len(domains["easylist_adult"]) > 500
    # datatrove's "#" lines are switched-off entries: "#ass" and "#cum" are not banned words
    banned = lists.shipped_word_list("banned_words")
    assert "#ass" in raw_words("banned_words.txt") and "ass" not in banned and "porn" in banned
    assert len(banned) == sum(1 for line in raw_words("banned_words.txt") if line and line[0] != "#")


# ---------------------------------------------------------------- words


def test_banned_word_is_a_whole_url_token(stage):
    assert "porn" in raw_words("banned_words.txt")
    verdict = _judge(stage, "https://maria-antoniak.github.io/porn/2023/")
    assert verdict.reason == "banned_word" and verdict.measurements["matched"] == ["porn"]
    # FineWeb's tokens are runs of a-z0-9, so "pornography" is not "porn" (pornography is soft-banned)
    assert _judge(stage, "https://maria-antoniak.github.io/pornography-law.html").kept
    # case and percent-escapes do not hide a word (datatrove compares the URL as given)
    assert _judge(stage, "https://example.org/Watch/PORN/").reason == "banned_word"
    assert _judge(stage, "https://example.org/free%20porn%2Fvideos").measurements["matched"] == ["porn"]
    # words in the host count too, as in FineWeb
    assert _judge(stage, "https://porn.example.org/").reason == "banned_word"


def test_soft_banned_words_need_the_threshold(stage):
    soft = set(raw_words("soft_banned_words.txt"))
    assert {"sexy", "lesbian", "suck"} <= soft
    two = "https://example.org/sexy-lesbian-pictures"
    verdict = _judge(stage, two)
    assert verdict.reason == "soft_banned_words"
    assert verdict.measurements == {"matched": ["lesbian", "sexy"], "threshold": 2}
    # one soft word: kept (a real link of the sample, benlog.com), the word noted in the scores
    one = _judge(stage, "https://benlog.com/2022/12/28/dont-let-federation-make-the-experience-suck/")
    assert one.kept and one.measurements == {"soft_banned_words": ["suck"]}
    # distinct words count, not occurrences
    assert _judge(stage, "https://example.org/sexy/sexy/sexy").kept
    assert _judge(_stage(soft_banned_threshold=3), two).kept
    assert _judge(_stage(soft_banned_threshold=1), "https://example.org/sexy").reason == "soft_banned_words"


def test_banned_subwords_match_inside_the_squashed_url(stage):
    assert "2 girls 1 cup" in raw_words("banned_subwords.txt")
    verdict = _judge(stage, "https://example.org/videos/2-Girls_1.Cup-reaction")
    assert verdict.reason == "banned_subword" and verdict.measurements == {"matched": "2girls1cup"}
    # FineWeb's subword rule ignores word boundaries: "sex free" fires inside "essexfreepress";
    # the allow list is the remedy for such hosts
    assert "sex free" in raw_words("banned_subwords.txt")
    assert _judge(stage, "https://www.essexfreepress.co.uk/news").measurements == {"matched": "sexfree"}
    assert _judge(_stage(allow_domains=("essexfreepress.co.uk",)), "https://www.essexfreepress.co.uk/news").kept


def test_subword_matcher_agrees_with_substring_search(page_links):
    entries = lists.shipped_word_list("banned_subwords")
    matcher = SubwordMatcher(entries)
    texts = [squash(url_text(u)) for u in page_links] + [
        squash(url_text(u)) for u in ("https://a.org/2-girls-1-cup", "https://a.org/xvideos", "https://essexfreepress.co.uk",
                                      "https://a.org/big-black-book", "https://a.org/bigblac", "https://a.org/youjizz")]
    for text in texts:
        found = matcher.find(text)
        expected = [e for e in entries if e in text]
        assert (found is not None) == bool(expected), text
        if found is not None:
            assert found in entries and found in text


# ---------------------------------------------------------------- real clean URLs


def test_sample_documents_are_kept(stage, sample_documents):
    urls = [document_url(d) for d in sample_documents]
    checked = [u for u in urls if u is not None]
    assert len(checked) >= 40 and any("archive.org" in u for u in checked) and any("100kinvesting" in u for u in checked)
    for doc in sample_documents:
        verdict = stage.judge(doc)
        assert verdict.kept, (doc.origin, verdict.reason, verdict.measurements)


def test_real_page_links_blocked_only_when_truly_listed(stage, page_links, easylist_sections):
    assert len(page_links) > 2000
    blocked = {}
    for url in page_links:
        verdict = _judge(stage, url)
        if not verdict.kept:
            blocked[url] = verdict
    # the pages link ad servers (doubleclick, adtech, googletagservices): those, and only listed ones
    assert len(blocked) >= 5 and len(blocked) < len(page_links) / 50
    for url, verdict in blocked.items():
        assert verdict.reason.startswith("blocked_domain:"), (url, verdict.reason)
        list_name = verdict.reason.split(":", 1)[1]
        matched = verdict.measurements["matched"]
        assert listed_in(easylist_sections, list_name, matched), (url, matched)
        host = split_url(url).host
        assert host == matched or host.endswith("." + matched)
    assert any("doubleclick.net" in u for u in blocked)


# ---------------------------------------------------------------- allow list, user lists, no URL


def test_allow_list_wins_and_says_what_it_overrode(easylist_sections):
    assert listed_in(easylist_sections, "easylist_adservers", "doubleclick.net")
    url = "https://securepubads.g.doubleclick.net/tag/js/gpt.js"  # a real link of a sample page
    verdict = _judge(_stage(allow_domains=("doubleclick.net",)), url)
    assert verdict.kept
    assert verdict.measurements == {"allow_listed": "doubleclick.net", "overridden": "blocked_domain:easylist_adservers",
                                    "host": "securepubads.g.doubleclick.net", "matched": "doubleclick.net"}
    # an allowed subdomain spares only itself and below
    narrow = _stage(allow_domains=("www.g.doubleclick.net", "securepubads.g.doubleclick.net"))
    assert _judge(narrow, url).kept
    assert _judge(narrow, "https://ad.doubleclick.net/").reason == "blocked_domain:easylist_adservers"
    # the allow list also spares word rules; an allowed host with nothing to override is plain kept
    allow_words = _stage(allow_domains=("example.org",))
    assert _judge(allow_words, "https://example.org/porn/").measurements["overridden"] == "banned_word"
    assert _judge(allow_words, "https://example.org/about").measurements == {}


def test_user_lists_from_files(tmp_path, easylist_sections):
    ut1 = tmp_path / "adult"
    ut1.mkdir()
    (ut1 / "domains").write_text("# UT1-style list\nmaria-antoniak.github.io\nwww.kyleclo.com\n"
                                 "0.0.0.0 joe.cat\n||soldaini.net^\n\nnot a domain line\n", encoding="utf-8")
    with gzip.open(ut1 / "urls.gz", "wt", encoding="utf-8") as handle:
        handle.write("archive.org/services\nhttps://www.cs.cmu.edu/~anaik/\n")
    words = tmp_path / "extra_words.txt"
    words.write_text("#mastodon\nzotero\n", encoding="utf-8")
    allow = tmp_path / "allow.txt"
    allow.write_text("talaugust.github.io\n", encoding="utf-8")
    stage = _stage(domain_list_paths=(str(ut1 / "domains"),), url_list_paths=(str(ut1 / "urls.gz"),),
                   banned_word_paths=(str(words),), allow_domain_paths=(str(allow),),
                   allow_domains=("www.cs.cmu.edu",))
    reasons = {url: _judge(stage, url) for url in [
        "https://maria-antoniak.github.io/2020/03/25/pip.html", "https://kyleclo.com/research/", "https://joe.cat/",
        "https://soldaini.net/facts/", "http://www.archive.org/services/collection-rss.php",
        "http://archive.org/services", "http://archive.org/servicesx", "http://archive.org/index.php",
        "https://www.cs.cmu.edu/~anaik/", "https://maria-antoniak.github.io/2023/04/11/paperpile-to-zotero.html",
        "https://maria-antoniak.github.io/2023/07/04/notes-on-mastodon.html", "https://talaugust.github.io/",
    ]}
    got = {url: (v.reason, v.measurements.get("matched")) for url, v in reasons.items()}
    assert got == {
        "https://maria-antoniak.github.io/2020/03/25/pip.html": ("blocked_domain:adult", "maria-antoniak.github.io"),
        "https://kyleclo.com/research/": ("blocked_domain:adult", "kyleclo.com"),
        "https://joe.cat/": ("blocked_domain:adult", "joe.cat"),
        "https://soldaini.net/facts/": ("blocked_domain:adult", "soldaini.net"),
        "http://www.archive.org/services/collection-rss.php": ("blocked_url:adult", "archive.org/services"),
        "http://archive.org/services": ("blocked_url:adult", "archive.org/services"),
        "http://archive.org/servicesx": (None, None),
        "http://archive.org/index.php": (None, None),
        "https://www.cs.cmu.edu/~anaik/": (None, "cs.cmu.edu/~anaik"),  # allowed: kept, override noted
        # on the domain list already: the domain reason comes first
        "https://maria-antoniak.github.io/2023/04/11/paperpile-to-zotero.html":
            ("blocked_domain:adult", "maria-antoniak.github.io"),
        "https://maria-antoniak.github.io/2023/07/04/notes-on-mastodon.html":
            ("blocked_domain:adult", "maria-antoniak.github.io"),
        "https://talaugust.github.io/": (None, None),
    }
    assert reasons["https://www.cs.cmu.edu/~anaik/"].measurements["overridden"] == "blocked_url:adult"
    words_only = _stage(banned_word_paths=(str(words),))
    assert _judge(words_only, "https://maria-antoniak.github.io/2023/04/11/paperpile-to-zotero.html").measurements == \
        {"matched": ["zotero"]}
    assert _judge(words_only, "https://maria-antoniak.github.io/2023/07/04/notes-on-mastodon.html").kept  # "#" = off
    # the shipped lists still run next to the user's
    assert listed_in(easylist_sections, "easylist_adservers", "doubleclick.net")
    assert _judge(stage, "https://doubleclick.net/").reason == "blocked_domain:easylist_adservers"


def test_domain_list_line_formats():
    lines = {"kyleclo.com": "kyleclo.com", "WWW.Kyleclo.com.": "kyleclo.com", "0.0.0.0 joe.cat # hosts file": "joe.cat",
             "||Soldaini.NET^": "soldaini.net", "||soldaini.net^$third-party": "soldaini.net",
             "https://www.archive.org/index.php": "archive.org", "*.github.io": "github.io", "bücher.de": "xn--bcher-kva.de",
             "1.2.3.4": "1.2.3.4", "0.0.0.0": None, "# comment": None, "! adblock comment": None, "two words": None,
             "||soldaini.net/facts": None, "||soldaini.net^$script": None, "": None}
    assert {line: lists.domain_from_line(line) for line in lines} == lines


def test_list_names_and_params():
    assert lists.list_name("gs://bucket/ut1/adult/domains") == "adult"
    assert lists.list_name("/data/gambling/urls.gz") == "gambling"
    assert lists.list_name("s3://b/my-blocklist.txt.gz") == "my-blocklist"
    params = parse_params(UrlFilterParams, {"domain_list_paths": ["a/adult/domains"], "soft_banned_threshold": 3}, "t")
    assert params.domain_list_paths == ("a/adult/domains",) and params.soft_banned_threshold == 3
    with pytest.raises(ConfigError, match="soft_banned_threshold"):
        parse_params(UrlFilterParams, {"soft_banned_threshold": 0}, "t")
    with pytest.raises(ConfigError, match="every list is off"):
        parse_params(UrlFilterParams, {k: False for k in ("easylist_adservers", "easylist_adult", "banned_words",
                                                          "soft_banned_words", "banned_subwords")}, "t")
    with pytest.raises(ConfigError, match="both report as 'adult'"):
        parse_params(UrlFilterParams, {"domain_list_paths": ["x/adult/domains", "y/adult.txt"]}, "t")
    with pytest.raises(ConfigError, match="shipped list"):
        parse_params(UrlFilterParams, {"domain_list_paths": ["easylist_adult.txt"]}, "t")


def test_documents_without_a_url_are_kept_unchecked(stage):
    code = Document(id="c", source="code", kind="code", origin="benhoyt/inih/ini.c", text="int main;")
    verdict = stage.judge(code)
    assert verdict.kept and verdict.measurements == {"url_checked": False}
    wget_log = _doc("metadata://gnu.org/software/wget/warc/wget.log")
    assert stage.judge(wget_log).measurements == {"url_checked": False}
    # meta.url wins over the origin; the origin is used when meta has none
    row = Document(id="r", source="cc", kind="public", origin="cc.jsonl.gz:3", text="x",
                   meta={"url": "https://doubleclick.net/x"})
    assert stage.judge(row).reason == "blocked_domain:easylist_adservers"
    both = Document(id="b", source="web", kind="web", origin="https://doubleclick.net/", meta={"url": "https://joe.cat/"})
    assert document_url(both) == "https://joe.cat/" and stage.judge(both).kept
    assert document_url(Document(id="n", source="web", kind="web", origin="https://joe.cat/", meta={"url": None})) == \
        "https://joe.cat/"
    assert stage.judge(_doc("https:///no-host")).measurements == {"url_checked": False}


# ---------------------------------------------------------------- normalisation


def test_host_normalisation():
    assert split_url("HTTP://User@WWW.Example.COM.:8080/A/b?c#frag") == ("www.example.com", "/A/b?c")
    assert split_url("https://bücher.de/x").host == "xn--bcher-kva.de"
    assert split_url("https://[2001:db8::1]:443/").host == "[2001:db8::1]"
    assert split_url("ftp://example.com/") is None and split_url("example.com") is None
    assert normalize_host("Bücher.DE.") == "xn--bcher-kva.de"
    assert strip_www("www2.example.com") == "example.com" and strip_www("www.com") == "www.com"
    assert match_domain("1.2.3.4", {"2.3.4": 1, "3.4": 1}) is None  # IP literals match exactly
    assert match_domain("a.b.example.co.uk", {"example.co.uk": "x"}) == ("example.co.uk", "x")
    assert url_tokens(url_text("https://www.X.com/a-b%20C")) >= {"https", "www", "x", "com", "a", "b", "c"}


def test_unicode_entries_match_punycode_urls(tmp_path):
    listed = tmp_path / "idn.txt"
    listed.write_text("bücher.de\n", encoding="utf-8")
    stage = _stage(domain_list_paths=(str(listed),))
    assert _judge(stage, "https://www.xn--bcher-kva.de/").reason == "blocked_domain:idn"
    assert _judge(stage, "https://shop.BÜCHER.de/").reason == "blocked_domain:idn"


# ---------------------------------------------------------------- in Beam


def test_stage_in_beam_counts_reasons_and_unchecked(sample_documents):
    clean = next(d for d in sample_documents if d.origin.startswith("https://soldaini.net"))
    docs = [clean,
            _doc("https://securepubads.g.doubleclick.net/tag/js/gpt.js", doc_id="ad"),
            _doc("https://example.org/sexy-lesbian-pictures", doc_id="soft"),
            Document(id="code", source="web", kind="code", origin="repo/file.py", text="print(1)")]
    docs = [Document(d.id, "web", d.kind, d.origin, d.text, d.html, d.meta, d.scores) for d in docs]
    pipeline = beam.Pipeline(options=PipelineOptions(BEAM_TEST_OPTIONS))
    out = pipeline | beam.Create(docs) | RunStage(UrlFilter())
    assert_that(out.kept | beam.Map(lambda d: (d.id, dict(d.scores.get("url_filter", {})))),
                equal_to([(clean.id, {}), ("code", {"url_checked": False})]), label="kept")
    assert_that(out.rejected | beam.Map(lambda r: (r["id"], r["stage"], r["reason"], r["measurements"].get("matched"))),
                equal_to([("ad", "url_filter", "blocked_domain:easylist_adservers", "doubleclick.net"),
                          ("soft", "url_filter", "soft_banned_words", ["lesbian", "sexy"])]), label="rejected")
    result = pipeline.run()
    result.wait_until_finish()
    counters = {c.key.metric.name: c.committed for c in result.metrics().query(MetricsFilter())["counters"]
                if c.key.metric.namespace == "winnow/url_filter/web"}
    assert counters == {"in": 4, "kept": 2, "not_checked": 1, "rejected:blocked_domain:easylist_adservers": 1,
                        "rejected:soft_banned_words": 1}
