"""Redaction of free text: the last line of defence before a log line is written (issue 7).

The code does not log names, phones, pictures or secrets in the first place; this catches what
slips through: full mainland mobile numbers (masked as ``138****1111``), base64 pictures (JPEG
``/9j/…``, PNG ``iVBORw0KGgo…``, any long base64 run), raw JPEG/PNG bytes in a ``repr`` and the
configured secret values (listener token, HMAC secret), and the bound values SQLAlchemy prints
in its errors (``[parameters: (...)]`` holds names and phones of the row that failed).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

from station.privacy.mask import MASK

REDACTED_PICTURE = "[picture redacted]"
REDACTED_PARAMETERS = "[parameters redacted]"
REDACTED_SECRET = "[secret redacted]"  # noqa: S105 (a placeholder, not a password)
MIN_SECRET_LEN = 4  # shorter values would mangle ordinary words; config checks ask for more

_MOBILE = re.compile(
    r"(?<![0-9A-Za-z])(?P<cc>\+?86[- ]?)?(?P<head>1[3-9]\d)[- ]?\d{4}[- ]?(?P<tail>\d{4})"
    r"(?![0-9A-Za-z])"
)
_B64 = r"[A-Za-z0-9+/_-]"
_PICTURES = re.compile(
    rf"[/_]9j[/_]{_B64}*=*"  # base64 (standard or URL-safe) of a JPEG (FF D8 FF)
    rf"|iVBORw0KGgo{_B64}*=*"  # base64 of a PNG
    rf"|{_B64}{{200,}}=*"  # any long base64 run
    r"|\\xff\\xd8\\xff.*|\\x89PNG.*"  # a bytes repr of a JPEG or PNG, to the end of the line
    r"|\xff\xd8\xff[^\n]*"  # raw JPEG bytes decoded as latin-1
    r"|\x89PNG\r?\n?[^\n]*"
)

_SQL_PARAMETERS = re.compile(r"\[(?:SQL )?parameters: [^\n]*")


def mask_mobiles(text: str) -> str:
    """Every full mainland mobile number in ``text`` reduced to ``138****1111``."""

    def repl(match: re.Match[str]) -> str:
        return f"{match['head']}{MASK}{match['tail']}"

    return _MOBILE.sub(repl, text)


class Redactor:
    """Applies every rule above; the set of secrets can grow while the process runs."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._secrets: tuple[str, ...] = ()
        self.add_secrets(secrets)

    def add_secrets(self, secrets: Iterable[str]) -> None:
        """Redact these values from now on (empty and very short values are ignored)."""
        with self._lock:
            known = set(self._secrets)
            known.update(s for s in secrets if s and len(s) >= MIN_SECRET_LEN)
            # Longest first, so a secret that contains another is replaced whole.
            self._secrets = tuple(sorted(known, key=len, reverse=True))

    def clear_secrets(self) -> None:
        with self._lock:
            self._secrets = ()

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED_SECRET)
        text = _SQL_PARAMETERS.sub(REDACTED_PARAMETERS, text)
        text = _PICTURES.sub(REDACTED_PICTURE, text)
        return mask_mobiles(text)
