import gzip
import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SAMPLE = ROOT / "pipeline" / "sample"
# In-process Beam runs in tests: FnApiRunner directly, so no runner is probed or downloaded.
BEAM_TEST_OPTIONS = ["--runner=FnApiRunner"]

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")  # presidio, later: never reach the network


def read_gz_text(path: Path) -> str:
    return gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")


def read_jsonl_gz(path: Path) -> list:
    return [json.loads(line) for line in read_gz_text(path).splitlines() if line.strip()]


@pytest.fixture(scope="session")
def cc_documents():
    """Real Common Crawl text (Dolma's CCNet head sample): 10 + 10 documents."""
    rows = read_jsonl_gz(DATA / "web_text" / "cc_en_head-0174.jsonl.gz")
    rows += read_jsonl_gz(SAMPLE / "cc_text" / "cc_en_head-0091.jsonl.gz")
    return rows


@pytest.fixture(scope="session")
def extracted_warc_pages():
    """Real Common Crawl pages (Resiliparse's test WARC, many languages) through read + extract."""
    from transforms.document import Document
    from transforms.extract import Extract
    from transforms.ingest.readers import FileContext, read_warc

    path = SAMPLE / "web" / "resiliparse_warcfile.warc.gz"
    stage = Extract()
    stage.setup()
    with open(path, "rb") as handle:
        docs = [d for d in read_warc(handle, FileContext("web", "web", str(path), path.name)) if isinstance(d, Document)]
    return [v.document for v in map(stage.judge, docs) if v.kept]


@pytest.fixture(scope="session")
def german_article():
    """A real German article (spektrum.de, from trafilatura's evaluation set), extracted."""
    from transforms.extraction.extractors import extract_body
    from transforms.ingest.decode import decode_html

    path = DATA / "extraction" / "trafilatura_eval" / "html" / "spektrum.de.engelbart.html.gz"
    html = decode_html(gzip.decompress(path.read_bytes()))[0]
    return extract_body(html, None).text
