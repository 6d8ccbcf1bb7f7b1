"""Which addresses the crawler may connect to, decided on the resolved IP, never on the host name.

By default only globally routable unicast addresses are allowed: private (RFC 1918, ULA), loopback,
link-local (169.254.0.0/16 holds cloud metadata services), multicast, reserved, unspecified, shared
(100.64.0.0/10), documentation and benchmarking ranges are refused. IPv6 addresses that embed an IPv4
address (IPv4-mapped ::ffff:a.b.c.d, 6to4 2002::/16, Teredo, NAT64 64:ff9b::/96) are judged by the
IPv4 address inside as well. `allow_loopback` lets 127.0.0.0/8 and ::1 through (for tests); nothing
else is ever opened up.
"""
from __future__ import annotations

import ipaddress
import socket
from typing import List, Mapping, Optional, Union

IPAddress = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class Refused(Exception):
    """The URL must not be fetched at all (nothing was sent): `reason` is a crawl.json skip reason."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class ResolveError(Exception):
    """The host name has no address (DNS failure)."""


def _embedded_ipv4(ip: IPAddress) -> List[ipaddress.IPv4Address]:
    if ip.version != 6:
        return []
    inner = [ip.ipv4_mapped, ip.sixtofour]
    if ip.teredo:
        inner.append(ip.teredo[1])
    if ip in _NAT64:
        inner.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return [a for a in inner if a is not None]


def refusal(ip: IPAddress, allow_loopback: bool = False) -> Optional[str]:
    """Why `ip` may not be connected to (a short description), or None if it may."""
    mapped = getattr(ip, "ipv4_mapped", None)
    candidates = [mapped] if mapped is not None else [ip] + _embedded_ipv4(ip)  # ::ffff:a.b.c.d is a.b.c.d
    for candidate in candidates:
        if candidate.is_loopback:
            if allow_loopback:
                continue
            return f"{ip} is a loopback address"
        for label in ("unspecified", "multicast", "link_local", "private", "reserved"):
            if getattr(candidate, f"is_{label}"):
                return f"{ip} is a {label.replace('_', '-')} address"
        if not candidate.is_global:  # shared address space 100.64/10 and the like
            return f"{ip} is not a globally routable address"
    return None


def parse_ip(host: str) -> Optional[IPAddress]:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def resolve_checked(host: str, port: int, allow_loopback: bool = False,
                    overrides: Optional[Mapping[str, str]] = None) -> str:
    """The IP address to connect to for `host`, after checking it; raises Refused or ResolveError.

    An IP literal is checked as is; a name is looked up in `overrides` (like curl's --resolve), else
    resolved with getaddrinfo. Among the addresses returned, the first allowed one is used: the
    caller connects to exactly that address, so a second lookup (DNS rebinding) cannot change it.
    """
    literal = parse_ip(host)
    if literal is not None:
        candidates = [literal]
    elif overrides and host.lower() in overrides:
        candidates = [ipaddress.ip_address(overrides[host.lower()])]
    else:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError, OSError) as error:
            raise ResolveError(f"cannot resolve {host}: {error}") from None
        candidates = []
        for info in infos:
            ip = ipaddress.ip_address(info[4][0].split("%", 1)[0])
            if ip not in candidates:
                candidates.append(ip)
        if not candidates:
            raise ResolveError(f"cannot resolve {host}: no address")
    reasons = []
    for ip in candidates:
        why = refusal(ip, allow_loopback)
        if why is None:
            return str(ip)
        reasons.append(why)
    raise Refused("private_address", f"{host} resolves to {', '.join(reasons)}")
