"""One safe HTTP GET: http/https only, the resolved address checked, bounded in time and in size.

The host name is resolved here (addresses.resolve_checked), the address is checked, and the socket
is opened to that very address; the Host header (and TLS SNI / certificate check) carry the name.
So neither DNS nor a redirect can point the crawler at an internal address: redirects are not
followed here, every hop is a new `fetch` and checked again.

Limits:
- `timeout` bounds the connection and every single read; the whole response must also arrive within
  `total_timeout` (default 4 x timeout), so a server trickling one byte at a time cannot hold a worker.
- at most `max_body_bytes` of body are kept: a longer body is CUT at that size and the response is
  marked `truncated` (the WARC record gets `WARC-Truncated: length`); the connection is then closed.
- `Accept-Encoding: gzip` is sent; a gzip or deflate body is decoded (the cap applies to the decoded
  bytes, so a zip bomb is cut too) and stored decoded, as Common Crawl does: the original
  Content-Encoding, Transfer-Encoding and Content-Length headers are kept as X-Crawler-* headers and
  Content-Length is set to the stored length, so WARC readers see a consistent record.
- `want_body(status, mime)` may decline the body (e.g. images): it is then not downloaded at all.
One request per connection (`Connection: close`).
"""
from __future__ import annotations

import dataclasses
import http.client
import socket
import ssl
import threading
import time
import zlib
from datetime import datetime, timezone
from typing import Callable, List, Mapping, Optional, Tuple
from urllib.parse import urlsplit

from pipeline.crawl.addresses import Refused, ResolveError, resolve_checked

DEFAULT_PORTS = {"http": 80, "https": 443}
_READ_CHUNK = 1 << 16


class FetchError(Exception):
    """The request failed (no usable response); `kind` names why, `retriable` says if trying later may help."""

    def __init__(self, kind: str, detail: str, retriable: bool):
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail
        self.retriable = retriable


@dataclasses.dataclass(frozen=True)
class FetchSettings:
    user_agent: str  # the full User-Agent header
    timeout: float = 10.0
    max_body_bytes: int = 2 * 1024 * 1024
    allow_loopback: bool = False
    resolve: Mapping[str, str] = dataclasses.field(default_factory=dict)  # host -> IP (curl's --resolve)
    total_timeout: Optional[float] = None  # default: 4 x timeout
    ca_file: Optional[str] = None  # trust only these CAs (PEM) instead of the system's (private CAs, tests)

    @property
    def deadline_seconds(self) -> float:
        return self.total_timeout if self.total_timeout is not None else 4 * self.timeout


@dataclasses.dataclass
class Response:
    url: str
    ip: str
    started: datetime  # when the request was sent (WARC-Date)
    request_line: str  # "GET /path HTTP/1.1"
    request_headers: List[Tuple[str, str]]
    protocol: str  # "HTTP/1.1"
    status: int
    reason: str
    headers: List[Tuple[str, str]]  # as stored in the WARC record (see the module docstring)
    body: bytes = b""
    body_read: bool = True  # False when want_body declined it
    truncated: bool = False

    def header(self, name: str) -> Optional[str]:
        lower = name.lower()
        for key, value in self.headers:
            if key.lower() == lower:
                return value
        return None

    @property
    def mime(self) -> str:
        return (self.header("Content-Type") or "").split(";")[0].strip().lower()


def _connect(ip: str, port: int, timeout: float) -> socket.socket:
    """The only place a socket is opened (tests watch it)."""
    return socket.create_connection((ip, port), timeout=timeout)


def _target(url: str) -> Tuple[str, str, int, str]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise Refused("scheme", f"{scheme or 'no'} scheme in {url!r}: only http and https are fetched")
    host = parts.hostname
    if not host:
        raise Refused("scheme", f"no host in {url!r}")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError:
        raise Refused("scheme", f"bad port in {url!r}") from None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return scheme, host, port, path


def _host_header(host: str, port: int, scheme: str) -> str:
    name = f"[{host}]" if ":" in host else host
    return name if port == DEFAULT_PORTS[scheme] else f"{name}:{port}"


def fetch(url: str, settings: FetchSettings,
          want_body: Optional[Callable[[int, str], bool]] = None) -> Response:
    """GET `url`; raises Refused (nothing sent) or FetchError (no usable response)."""
    scheme, host, port, path = _target(url)
    try:
        ip = resolve_checked(host, port, settings.allow_loopback, settings.resolve)
    except ResolveError as error:
        raise FetchError("dns", str(error), retriable=False) from None
    request_line = f"GET {path} HTTP/1.1"
    request_headers = [
        ("Host", _host_header(host, port, scheme)),
        ("User-Agent", settings.user_agent),
        ("Accept", "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5"),
        ("Accept-Encoding", "gzip"),
        ("Connection", "close"),
    ]
    raw_request = (request_line + "\r\n" + "".join(f"{k}: {v}\r\n" for k, v in request_headers) + "\r\n")
    deadline = time.monotonic() + settings.deadline_seconds
    started = datetime.now(timezone.utc)
    watchdog = _Watchdog(settings.deadline_seconds)
    sock = None
    try:
        sock = watchdog.watch(_connect(ip, port, settings.timeout))
        if scheme == "https":
            context = ssl.create_default_context(cafile=settings.ca_file)
            sock = watchdog.watch(context.wrap_socket(sock, server_hostname=host))
        sock.settimeout(settings.timeout)
        sock.sendall(raw_request.encode("ascii"))
        response = http.client.HTTPResponse(sock, method="GET")
        response.begin()
        _check_deadline(deadline)
        headers = list(response.getheaders())
        result = Response(url=url, ip=ip, started=started, request_line=request_line,
                          request_headers=request_headers, protocol=_protocol(response.version),
                          status=response.status, reason=response.reason or "", headers=headers)
        if want_body is not None and not want_body(result.status, result.mime):
            result.body_read = False
            return result
        body, truncated, decoded = _read_body(response, result.header("Content-Encoding"), settings, deadline)
        if watchdog.expired:
            raise FetchError("too_slow", f"{url}: no complete response within {settings.deadline_seconds:g} s",
                             retriable=True)
        if not truncated and response.length:  # the connection ended before Content-Length bytes came
            raise FetchError("connection", f"{url}: body ended {response.length} bytes short", retriable=True)
        result.body, result.truncated = body, truncated
        result.headers = _stored_headers(headers, len(body), decoded)
        return result
    except FetchError:
        raise
    except Exception as error:
        if watchdog.expired:
            raise FetchError("too_slow", f"{url}: no complete response within {settings.deadline_seconds:g} s",
                             retriable=True) from None
        raise _classify(url, error) from None
    finally:
        watchdog.cancel()
        if sock is not None:
            try:
                sock.close()
            except OSError:
                pass


def _classify(url: str, error: Exception) -> Exception:
    if isinstance(error, (socket.timeout, TimeoutError)):
        return FetchError("timeout", f"{url}: {error or 'timed out'}", retriable=True)
    if isinstance(error, ssl.SSLError):
        return FetchError("tls", f"{url}: {error}", retriable=False)
    if isinstance(error, (http.client.IncompleteRead, http.client.RemoteDisconnected)):
        return FetchError("connection", f"{url}: {type(error).__name__}", retriable=True)
    if isinstance(error, http.client.HTTPException):
        return FetchError("protocol", f"{url}: {type(error).__name__}: {error}", retriable=False)
    if isinstance(error, zlib.error):
        return FetchError("content_encoding", f"{url}: bad compressed body: {error}", retriable=False)
    if isinstance(error, OSError):
        return FetchError("connection", f"{url}: {error}", retriable=True)
    return error  # a bug: let it surface


class _Watchdog:
    """Shuts the socket down once the whole exchange has taken too long, so that a read blocked in the
    middle of the status line, the headers or a TLS handshake (each byte within the read timeout, the
    whole never done) returns at once."""

    def __init__(self, seconds: float):
        self.expired = False
        self._sock: Optional[socket.socket] = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> socket.socket:
        with self._lock:
            self._sock = sock
            if self.expired:
                _shutdown(sock)
        return sock

    def _fire(self) -> None:
        with self._lock:
            self.expired = True
            if self._sock is not None:
                _shutdown(self._sock)

    def cancel(self) -> None:
        self._timer.cancel()


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _protocol(version: int) -> str:
    return {9: "HTTP/0.9", 10: "HTTP/1.0", 11: "HTTP/1.1"}.get(version, "HTTP/1.1")


def _check_deadline(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise FetchError("too_slow", "the response did not arrive within the total time limit", retriable=True)


def _decoder(encoding: Optional[str]):
    name = (encoding or "").strip().lower()
    if name in ("", "identity"):
        return None
    if name in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if name == "deflate":
        return zlib.decompressobj()
    raise FetchError("content_encoding", f"unsupported Content-Encoding {encoding!r}", retriable=False)


def _read_body(response: http.client.HTTPResponse, encoding: Optional[str], settings: FetchSettings,
               deadline: float) -> Tuple[bytes, bool, bool]:
    """(body, truncated, decoded): at most max_body_bytes (decoded) bytes, within the deadline."""
    cap = settings.max_body_bytes
    decoder = _decoder(encoding)
    parts: List[bytes] = []
    size = wire = 0
    while True:
        _check_deadline(deadline)
        chunk = response.read1(_READ_CHUNK)
        if not chunk:
            break
        wire += len(chunk)
        if decoder is not None:
            chunk = decoder.decompress(chunk, cap - size + 1)  # one byte over the cap tells it is longer
        if size + len(chunk) > cap:
            parts.append(chunk[: cap - size])
            return b"".join(parts), True, decoder is not None
        parts.append(chunk)
        size += len(chunk)
        if wire > cap:  # compressed bytes alone exceed the cap: stop reading
            return b"".join(parts), True, decoder is not None
    if decoder is not None:
        tail = decoder.flush()
        if size + len(tail) > cap:
            parts.append(tail[: cap - size])
            return b"".join(parts), True, True
        parts.append(tail)
    return b"".join(parts), False, decoder is not None


_RENAMED = ("content-length", "transfer-encoding")


def _stored_headers(headers: List[Tuple[str, str]], length: int, decoded: bool) -> List[Tuple[str, str]]:
    renamed = _RENAMED + (("content-encoding",) if decoded else ())
    out = [(f"X-Crawler-{k}" if k.lower() in renamed else k, v) for k, v in headers]
    out.append(("Content-Length", str(length)))
    return out
