"""The listener's security check (D13): source allow-list, shared token, HMAC signature.

Each part is configured under ``[listener]`` and checked in this order; the first failure is the
reason. The reason goes into a log line only (never the body, never a header value): the caller
gets code 22 and the plain ``安全校验不通过``. Mutual TLS, the fourth part, is enforced by the TLS
handshake itself (``station.listener.tls``) before any HTTP is read.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass

from station.config import ListenerSettings
from station.protocol import signing

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class SecurityRefused(Exception):
    """A D13 check failed; ``reason`` is for the log (English, no request content)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_networks(cidrs: list[str]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in cidrs)


@dataclass(frozen=True)
class SecurityPolicy:
    allow: tuple[IPNetwork, ...]
    token: str = ""
    hmac_secret: str = ""
    max_skew_s: float = 300

    @classmethod
    def from_settings(cls, settings: ListenerSettings) -> SecurityPolicy:
        return cls(
            allow=parse_networks(settings.allow),
            token=settings.token,
            hmac_secret=settings.hmac_secret,
            max_skew_s=settings.max_skew_s,
        )

    def describe(self) -> str:
        """What is switched on, for the start-up log (no secrets)."""
        parts = [f"allow={','.join(str(n) for n in self.allow) or 'nobody'}"]
        parts.append("token=on" if self.token else "token=off")
        parts.append("hmac=on" if self.hmac_secret else "hmac=off")
        return " ".join(parts)

    def check_source(self, remote: str | None) -> None:
        """The caller's address must be inside one of the allowed networks."""
        if remote is None:
            raise SecurityRefused("caller address unknown")
        try:
            address = ipaddress.ip_address(remote.split("%", 1)[0])
        except ValueError:
            raise SecurityRefused("caller address is not an IP address") from None
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if not any(address in network for network in self.allow):
            raise SecurityRefused(f"caller {address} is outside the allow-list")

    def check_token(self, headers: Mapping[str, str]) -> None:
        if self.token and not signing.token_ok(self.token, headers.get(signing.TOKEN_HEADER)):
            given = signing.TOKEN_HEADER in headers
            raise SecurityRefused(f"{signing.TOKEN_HEADER} {'wrong' if given else 'missing'}")

    def check_signature(self, headers: Mapping[str, str], body: bytes, now: float) -> None:
        if not self.hmac_secret:
            return
        reason = signing.check_signature(
            self.hmac_secret,
            headers.get(signing.TIMESTAMP_HEADER),
            headers.get(signing.SIGNATURE_HEADER),
            body,
            now,
            self.max_skew_s,
        )
        if reason is not None:
            raise SecurityRefused(reason)
