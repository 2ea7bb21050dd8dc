"""The settings PIN, stored as a salted scrypt hash in ``[station] admin_pin_hash``.

Format: ``scrypt$n$r$p$<salt hex>$<hash hex>``. Verification is constant-time. Qt-free.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

_N, _R, _P = 2**14, 8, 1
MIN_LENGTH = 4


def hash_pin(pin: str) -> str:
    if len(pin) < MIN_LENGTH or not pin.isdigit():
        raise ValueError(f"PIN must be at least {MIN_LENGTH} digits")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt_hex, digest_hex = stored.split("$")
        if kind != "scrypt":
            return False
        digest = hashlib.scrypt(
            pin.encode(), salt=bytes.fromhex(salt_hex), n=int(n), r=int(r), p=int(p), dklen=32
        )
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(digest.hex(), digest_hex)
