"""Logging set-up: a rotating file in the data dir plus the console (STYLE: Vorta's log.py).

Log text is English and never holds a photo, a base64 string, a secret or a full phone number.
The code does not log them in the first place; as defence in depth every handler set up here
carries :data:`REDACTING_FILTER` (issue 7), which masks full mobile numbers, removes base64 and
raw pictures and the secrets registered with :func:`register_secrets` (the listener's token and
HMAC secret: :func:`setup_logging` registers those of the settings it is given).
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from station.privacy.redact import Redactor

if TYPE_CHECKING:
    from station.config import Settings

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LOG_FILE_NAME = "station.log"


class RedactingFilter(logging.Filter):
    """Rewrites a record's message, traceback and stack text through a :class:`Redactor`.

    Attached to handlers (not loggers) so that it sees the records of every logger. The record
    is changed in place: its message is formatted once, redacted, and its ``args`` dropped.
    """

    def __init__(self, redactor: Redactor | None = None) -> None:
        super().__init__()
        self.redactor = redactor or Redactor()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep what can be shown safely
            message = f"{record.msg!s} (unformattable arguments dropped)"
        redacted = self.redactor(message)
        if redacted != message or record.args:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redactor(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redactor(record.stack_info)
        return True


#: The one filter every station handler carries; its secret list grows with the settings.
REDACTING_FILTER = RedactingFilter()


def register_secrets(secrets: Iterable[str]) -> None:
    """Redact these values (tokens, secrets) from every log line from now on."""
    REDACTING_FILTER.redactor.add_secrets(secrets)


def settings_secrets(settings: Settings) -> list[str]:
    """The configured values that must never appear in a log line."""
    return [settings.listener.token, settings.listener.hmac_secret]


def setup_logging(
    data_dir: Path | None,
    *,
    verbose: bool = False,
    console: bool = True,
    settings: Settings | None = None,
    stream: TextIO | None = None,
) -> None:
    """Log to a rotating file in ``data_dir/logs`` and, with ``console``, to ``stream``
    (default stderr; ``station serve`` logs to stdout, DESIGN §4)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_station", False):
            root.removeHandler(handler)
            handler.close()
    if settings is not None:
        register_secrets(settings_secrets(settings))
    handlers: list[logging.Handler] = []
    if console:
        handlers.append(logging.StreamHandler(stream or sys.stderr))
    if data_dir is not None:
        log_dir = data_dir / "logs"
        log_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        log_file = log_dir / LOG_FILE_NAME
        handlers.append(
            logging.handlers.RotatingFileHandler(
                log_file, maxBytes=5_000_000, backupCount=5, encoding="utf-8"
            )
        )
        with contextlib.suppress(OSError):  # not every file system has modes (Windows)
            os.chmod(log_file, 0o600)
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.addFilter(REDACTING_FILTER)
        handler._station = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
