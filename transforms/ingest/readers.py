"""Per-format readers: a file object in, Documents, read failures and skipped records out.

Each reader is a plain generator over an open binary file so it is tested without Beam. It yields
- a Document for every record that is a document,
- a ReadFailure for a record (or the rest of a file) that could not be read: it becomes a dead letter,
  and counts as a document read, so conservation holds,
- a Skipped for a record that is not a document (a WARC request, an image response): counted only.
"""
from __future__ import annotations

import dataclasses
import io
import json
import zlib
from typing import Any, Iterator, Mapping, Optional, Tuple, Union
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator

from transforms.document import Document, make_document_id
from transforms.ingest.decode import charset_from_content_type, decode_html
from transforms.params import param


@dataclasses.dataclass(frozen=True)
class ReadParams:
    """How rows map onto documents (`read:` in a source's config)."""

    text_key: str = param("text", help="JSONL/Parquet column holding clean text")
    html_key: str = param("html", help="JSONL/Parquet column holding raw HTML (goes through extract)")
    id_key: str = param("id", help="column holding the document id; kept as the id everywhere")
    url_key: str = param("url", help="column holding the URL, used as the origin")
    meta_key: str = param("meta", help="column holding a metadata mapping, merged into meta")
    parquet_batch_rows: int = param(1024, ge=1, help="rows per Parquet read batch (bounds memory)")
    revision: Optional[str] = param(None, help="git repositories (format repo): the branch, tag or commit to "
                                    "read; null: the working tree as it is, or HEAD of a bare repository")
    max_file_bytes: int = param(10_000_000, ge=1, help="repository files larger than this are skipped "
                                "unread (file_too_large); code_quality's max_bytes decides below it")
    verify_digests: bool = param(True, help="WARC: check each record's WARC-Payload-Digest/-Block-Digest; a "
                                 "page whose payload fails is a dead letter (truncated or altered)")


@dataclasses.dataclass(frozen=True)
class FileContext:
    """What a reader knows about the file it reads."""

    source: str
    kind: str
    path: str  # full path, for error messages
    locator: str  # path relative to the glob's base: part of ids and origins
    params: ReadParams = ReadParams()
    source_meta: Mapping[str, Any] = dataclasses.field(default_factory=dict)  # e.g. licence, from config


@dataclasses.dataclass(frozen=True)
class ReadFailure:
    origin: str
    error: BaseException
    doc_id: Optional[str] = None
    location: Optional[str] = None  # file@offset, when the origin is the record's URL


@dataclasses.dataclass(frozen=True)
class Skipped:
    reason: str


ReadItem = Union[Document, ReadFailure, Skipped]

_GZIP_MAGIC = b"\x1f\x8b"
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TEXT_TYPES = ("text/plain",)


class CorruptInput(Exception):
    """The input ends or breaks where its format says it cannot (e.g. a truncated gzip member).

    Deliberately not an IOError/EOFError: warcio treats those as a clean end of file, which would
    make a truncated crawl file look complete.
    """


class GunzipStream(io.RawIOBase):
    """Streaming decompression of one or many concatenated gzip members (per-record or whole-file).

    warcio's own decompression refuses whole-file gzip WARCs ("non-chunked gzip file detected"),
    which is how many WARCs in the wild are stored. On a truncated or corrupt member this stream
    returns every byte it could decompress, then ends, and keeps the problem in `damage`: readers
    must check it at the end, because a short read alone looks like a clean end of file.
    """

    _CHUNK = 1 << 16

    def __init__(self, raw):
        self._raw = raw
        self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._in_member = False
        self._pending = b""
        self._done = False
        self.damage: Optional[CorruptInput] = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending and not self._done:
            self._pending = self._inflate_next_chunk()
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def _inflate_next_chunk(self) -> bytes:
        chunk = self._raw.read(self._CHUNK)
        if not chunk:
            self._done = True
            if self._in_member and not self._inflater.eof:
                self.damage = CorruptInput("gzip data ends in the middle of a member (truncated file)")
            return b""
        out = []
        while chunk:
            try:
                out.append(self._inflater.decompress(chunk))
            except zlib.error as error:
                self._done = True
                self.damage = CorruptInput(f"gzip data is corrupt: {error}")
                break
            self._in_member = True
            if not self._inflater.eof:
                break
            chunk = self._inflater.unused_data  # the next member starts here
            self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            self._in_member = False
        return b"".join(out)


class _ReadAdapter(io.RawIOBase):
    """Any object with read(n) (Beam's remote file objects included) as a raw stream to buffer."""

    def __init__(self, fileobj):
        self._fileobj = fileobj

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._fileobj.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _open_maybe_gzip(fileobj) -> Tuple[io.BufferedIOBase, Optional[GunzipStream]]:
    """(stream to parse, the GunzipStream to ask about damage afterwards, or None if not gzip)."""
    buffered = fileobj if hasattr(fileobj, "peek") else io.BufferedReader(_ReadAdapter(fileobj), 1 << 16)
    if buffered.peek(2)[:2] == _GZIP_MAGIC:
        gunzip = GunzipStream(buffered)
        return io.BufferedReader(gunzip, buffer_size=1 << 16), gunzip
    return buffered, None


def _domain(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def read_warc(fileobj, ctx: FileContext) -> Iterator[ReadItem]:
    """WARC, ARC (converted on the fly) and WET records; gzip per record, whole file or none."""
    stream, gunzip = _open_maybe_gzip(fileobj)
    records = ArchiveIterator(stream, arc2warc=True, check_digests=ctx.params.verify_digests)
    position = 0
    while True:
        try:
            record = next(records)
        except StopIteration:
            if gunzip is not None and gunzip.damage is not None:
                yield ReadFailure(origin=f"{ctx.locator}@{position}", error=gunzip.damage)
            return
        except Exception as error:  # a broken file: report the rest of it once, never loop on it
            yield ReadFailure(origin=f"{ctx.locator}@{position}", error=error)
            return
        position = records.offset
        rec_type = record.rec_type
        record_id = record.rec_headers.get_header("WARC-Record-ID") or f"{ctx.locator}@{position}"
        url = record.rec_headers.get_header("WARC-Target-URI") or ""
        doc_id = make_document_id(ctx.source, record_id)
        try:
            item = _warc_record_to_document(record, rec_type, url, doc_id, record_id, ctx)
        except Exception as error:
            item = ReadFailure(origin=url or f"{ctx.locator}@{position}", error=error, doc_id=doc_id,
                               location=f"{ctx.locator}@{position}")
        yield item


def _warc_record_to_document(record, rec_type, url, doc_id, record_id, ctx) -> ReadItem:
    if rec_type == "conversion":  # WET: text already extracted by the crawler
        mime, status = "text/plain", None
    elif rec_type in ("response", "resource"):
        headers = record.http_headers
        status = int(headers.get_statuscode()) if headers is not None and rec_type == "response" else None
        content_type = (headers.get_header("Content-Type") if headers is not None else None) or (
            record.rec_headers.get_header("Content-Type") or ""
        )
        mime = content_type.split(";")[0].strip().lower()
        if rec_type == "resource" and not url.startswith(("http://", "https://")):
            return Skipped("non_web_resource")  # e.g. a crawler's own log files (metadata://...)
        if status is not None and not 200 <= status < 300:
            return Skipped(f"http_status_{status // 100}xx")
        if mime not in _HTML_TYPES + _TEXT_TYPES:
            return Skipped("non_text_response")
    else:
        return Skipped(f"warc_{rec_type}")
    payload = record.content_stream().read()
    missing = getattr(record.raw_stream, "limit", 0)
    if missing:  # the file ended inside this record: its page is cut short, not a document
        raise CorruptInput(f"record truncated: {missing} bytes of its declared Content-Length are missing")
    digest_note = _check_digests(record)
    meta = {
        **ctx.source_meta,
        "url": url,
        "domain": _domain(url),
        "fetch_date": record.rec_headers.get_header("WARC-Date"),
        "http_status": status,
        "content_type": mime,
        "warc_record_id": record_id,
        "warc_file": ctx.locator,
    }
    truncated = record.rec_headers.get_header("WARC-Truncated")
    if truncated:  # the crawler stopped at its size or time cap (Common Crawl: 1 MiB): a complete record
        meta["warc_truncated"] = truncated  # of a cut page; `extract` can reject it (reject_truncated)
    if digest_note:
        meta["warc_digest"] = digest_note
    if rec_type == "conversion" or mime in _TEXT_TYPES:
        text, encoding = decode_html(payload, None)
        return Document(doc_id, ctx.source, ctx.kind, url, text=text, meta={**meta, "charset": encoding})
    declared = charset_from_content_type(record.http_headers.get_header("Content-Type") if record.http_headers else None)
    html, encoding = decode_html(payload, declared)
    return Document(doc_id, ctx.source, ctx.kind, url, html=html, meta={**meta, "charset": encoding})


def _check_digests(record) -> Optional[str]:
    """Raise CorruptInput when the payload is not the one the crawler stored; describe lesser damage.

    warcio computes the digests while the content stream is read to its end. A failed payload digest
    means the page bytes changed (cut short, re-encoded): not a document. A failed block digest with
    an intact (or absent) payload digest means only the HTTP headers or the transfer framing differ
    (e.g. wrong chunk sizes that warcio read through): the page is kept, and meta says so.
    """
    checker = getattr(record, "digest_checker", None)
    if checker is None or checker.passed is not False:
        return None
    problems = list(checker.problems)
    if any(problem.startswith("payload digest failed") for problem in problems):
        raise CorruptInput("WARC-Payload-Digest mismatch: the payload is not the one the crawler stored "
                           f"(truncated or altered): {'; '.join(problems)}")
    return "block_digest_mismatch"


def json_safe(value: Any) -> Any:
    """Row values as JSON types: Parquet and YAML give dates, decimals and bytes that JSON lacks."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace")
    if hasattr(value, "isoformat"):  # datetime, date, time, pandas Timestamp
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return json_safe(value.item())
    return str(value)  # Decimal, UUID and the like


def row_to_document(row: Mapping[str, Any], row_locator: str, ctx: FileContext) -> Document:
    """One JSONL/Parquet row -> Document. Raises ValueError on a row with neither text nor html."""
    p = ctx.params
    if not isinstance(row, Mapping):
        raise ValueError(f"row is a {type(row).__name__}, not an object")
    text, html = row.get(p.text_key), row.get(p.html_key)
    if not isinstance(text, str) and not isinstance(html, str):
        raise ValueError(f"row has neither a '{p.text_key}' nor an '{p.html_key}' string")
    given_id = row.get(p.id_key)
    doc_id = str(given_id) if given_id is not None else make_document_id(ctx.source, row_locator)
    url = row.get(p.url_key)
    row_meta = row.get(p.meta_key)
    extra = {k: v for k, v in row.items() if k not in (p.text_key, p.html_key, p.id_key, p.meta_key)}
    meta = json_safe({**ctx.source_meta, **extra, **(row_meta if isinstance(row_meta, Mapping) else {})})
    if url is None:
        url = meta.get("url")
    if url:
        meta.setdefault("domain", _domain(str(url)))
    origin = str(url) if url else row_locator
    if isinstance(text, str):
        return Document(doc_id, ctx.source, ctx.kind, origin, text=text, meta=meta)
    return Document(doc_id, ctx.source, ctx.kind, origin, html=html, meta=meta)


def read_jsonl(fileobj, ctx: FileContext) -> Iterator[ReadItem]:
    """One JSON object per line; a bad line is a dead letter and the next line is still read."""
    stream, gunzip = _open_maybe_gzip(fileobj)
    line_number = 0
    for line_number, raw in enumerate(iter(stream.readline, b""), start=1):
        if not raw.strip():
            continue
        locator = f"{ctx.locator}:{line_number}"
        try:
            yield row_to_document(json.loads(raw.decode("utf-8", errors="replace")), locator, ctx)
        except Exception as error:
            yield ReadFailure(origin=locator, error=error)
    if gunzip is not None and gunzip.damage is not None:
        yield ReadFailure(origin=f"{ctx.locator}:{line_number}+", error=gunzip.damage)


def read_parquet(fileobj, ctx: FileContext) -> Iterator[ReadItem]:
    """Parquet in bounded batches of rows (never the whole file in memory)."""
    import pyarrow.parquet as pq  # imported here: only Parquet sources pay for it

    parquet = pq.ParquetFile(fileobj)
    row_number = 0
    for batch in parquet.iter_batches(batch_size=ctx.params.parquet_batch_rows):
        for row in batch.to_pylist():
            row_number += 1
            locator = f"{ctx.locator}:{row_number}"
            try:
                yield row_to_document(row, locator, ctx)
            except Exception as error:
                yield ReadFailure(origin=locator, error=error)


def read_whole_file(fileobj, ctx: FileContext, as_html: bool) -> Iterator[ReadItem]:
    """A file that is one document: an HTML page (decoded by its <meta charset>) or a text file."""
    stream, gunzip = _open_maybe_gzip(fileobj)
    data = stream.read()
    if gunzip is not None and gunzip.damage is not None:
        yield ReadFailure(origin=ctx.locator, error=gunzip.damage)
        return
    content, encoding = decode_html(data, None)
    doc_id = make_document_id(ctx.source, ctx.locator)
    meta = {**ctx.source_meta, "path": ctx.locator, "charset": encoding}
    if as_html:
        yield Document(doc_id, ctx.source, ctx.kind, ctx.locator, html=content, meta=meta)
    else:
        yield Document(doc_id, ctx.source, ctx.kind, ctx.locator, text=content, meta=meta)


def read_file(fmt: str, fileobj, ctx: FileContext) -> Iterator[ReadItem]:
    """The items of one input. Code files of any format get their language or a skip reason."""
    items = _read_format(fmt, fileobj, ctx)
    if ctx.kind == "code":
        from transforms.ingest.code_files import annotate_code_files

        return annotate_code_files(items)
    return items


def _read_format(fmt: str, fileobj, ctx: FileContext) -> Iterator[ReadItem]:
    if fmt == "repo":
        from transforms.ingest.repos import read_repository

        return read_repository(ctx.path, fileobj, ctx, ctx.params.revision)
    if fmt == "warc":
        return read_warc(fileobj, ctx)
    if fmt == "jsonl":
        return read_jsonl(fileobj, ctx)
    if fmt == "parquet":
        return read_parquet(fileobj, ctx)
    if fmt in ("html", "text"):
        return read_whole_file(fileobj, ctx, as_html=(fmt == "html"))
    raise ValueError(f"no reader for format {fmt!r}")
