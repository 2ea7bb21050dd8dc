"""The optional shared-secret checks of callbacks (D13): token header and HMAC-SHA256."""

from __future__ import annotations

import hashlib
import hmac

TOKEN_HEADER = "X-Auth-Token"  # noqa: S105 - a header name, not a secret
TIMESTAMP_HEADER = "X-Timestamp"
SIGNATURE_HEADER = "X-Signature"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """Hex HMAC-SHA256 over ``timestamp + "." + raw body``."""
    message = timestamp.encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def auth_headers(token: str, secret: str, body: bytes, now: float) -> dict[str, str]:
    """The headers a caller adds; each part only when it is configured."""
    headers: dict[str, str] = {}
    if token:
        headers[TOKEN_HEADER] = token
    if secret:
        stamp = str(int(now))
        headers[TIMESTAMP_HEADER] = stamp
        headers[SIGNATURE_HEADER] = signature(secret, stamp, body)
    return headers


def token_ok(expected: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())


def check_signature(
    secret: str, timestamp: str | None, given: str | None, body: bytes, now: float, max_skew: float
) -> str | None:
    """None when the signature is valid and fresh, else the reason (for the log, not the body)."""
    if not timestamp or not given:
        return "missing X-Timestamp or X-Signature"
    try:
        stamp = int(timestamp)
    except ValueError:
        return "X-Timestamp is not an integer of seconds"
    if abs(now - stamp) > max_skew:
        return f"X-Timestamp is {now - stamp:+.0f} s off (allowed ±{max_skew:.0f} s)"
    if not given.isascii():
        return "X-Signature is not hex"
    expected = signature(secret, timestamp, body)
    if not hmac.compare_digest(expected, given.lower()):
        return "X-Signature does not match"
    return None
