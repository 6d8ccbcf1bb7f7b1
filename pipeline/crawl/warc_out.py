"""Rolling WARC output: `PREFIX-00000.warc.gz`, `PREFIX-00001.warc.gz`, ... in the output directory.

Each file starts with a `warcinfo` record; each fetch adds a `response` record (WARC-Target-URI,
WARC-Date = when the request was sent, WARC-IP-Address = the address connected to, WARC-Truncated
when the body was cut) and its `request` record (WARC-Concurrent-To = the response's record id).
Records are gzipped one by one (warcio's WARCWriter), the layout the pipeline's reader and every
WARC tool expect.

A file is written as `NAME.warc.gz.open` and renamed to `NAME.warc.gz` when it is complete (after
flush and fsync): a `.warc.gz` file is always whole. A file is closed once it reaches `max_bytes`
(so files end a little over it: the last pair of records is never split) and at the end of the run.
"""
from __future__ import annotations

import io
import os
import threading
from typing import Callable, Mapping, Optional

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from pipeline.crawl.fetch import Response

OPEN_SUFFIX = ".open"


class RollingWarcWriter:
    def __init__(self, directory: str, max_bytes: int, start_index: int = 0, prefix: str = "crawl",
                 info: Optional[Mapping[str, str]] = None, on_closed: Optional[Callable[[str], None]] = None):
        self.directory = directory
        self.max_bytes = max_bytes
        self.prefix = prefix
        self.info = dict(info or {})
        self.index = start_index
        self.on_closed = on_closed
        self.closed_files = []
        self._lock = threading.Lock()
        self._handle = None
        self._writer: Optional[WARCWriter] = None
        self._name: Optional[str] = None

    def _open(self) -> None:
        self._name = f"{self.prefix}-{self.index:05d}.warc.gz"
        self.index += 1
        self._handle = open(os.path.join(self.directory, self._name + OPEN_SUFFIX), "wb")
        self._writer = WARCWriter(self._handle, gzip=True)
        self._writer.write_record(self._writer.create_warcinfo_record(self._name, self.info))

    def write(self, response: Response, after: Optional[Callable[[str], None]] = None) -> str:
        """Write the response and request records of one fetch; returns the file's (final) name.

        `after(name)` runs once the records are written and before the file can be closed, so the
        journal names a file before that file is complete."""
        with self._lock:
            if self._writer is None:
                self._open()
            writer = self._writer
            date = datetime_to_iso_date(response.started)
            warc_headers = {"WARC-Type": "response", "WARC-Date": date, "WARC-IP-Address": response.ip}
            if response.truncated:
                warc_headers["WARC-Truncated"] = "length"
            http_headers = StatusAndHeaders(f"{response.status} {response.reason}".strip(), response.headers,
                                            protocol=response.protocol)
            record = writer.create_warc_record(response.url, "response", payload=io.BytesIO(response.body),
                                               length=len(response.body), http_headers=http_headers,
                                               warc_headers_dict=warc_headers)
            request_headers = StatusAndHeaders(response.request_line, response.request_headers, is_http_request=True)
            request = writer.create_warc_record(
                response.url, "request", payload=io.BytesIO(b""), length=0, http_headers=request_headers,
                warc_headers_dict={"WARC-Type": "request", "WARC-Date": date, "WARC-IP-Address": response.ip,
                                   "WARC-Concurrent-To": record.rec_headers.get_header("WARC-Record-ID")})
            writer.write_record(record)
            writer.write_record(request)
            self._handle.flush()
            name = self._name
            if after is not None:
                after(name)
            if self._handle.tell() >= self.max_bytes:
                self._close_current()
            return name

    def _close_current(self) -> None:
        if self._handle is None:
            return
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        os.replace(os.path.join(self.directory, self._name + OPEN_SUFFIX), os.path.join(self.directory, self._name))
        _fsync_directory(self.directory)
        self.closed_files.append(self._name)
        name = self._name
        self._handle = self._writer = self._name = None
        if self.on_closed is not None:
            self.on_closed(name)

    def close(self) -> None:
        with self._lock:
            self._close_current()


def _fsync_directory(directory: str) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
