"""The redacting log filter (issue 7, defence in depth): what slips into a log line is masked."""

from __future__ import annotations

import base64
import logging
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from station.config import Settings
from station.logs import LOG_FILE_NAME, setup_logging
from station.privacy.redact import REDACTED_PICTURE, REDACTED_SECRET, Redactor
from tests.helpers.logs import reset_station_logging
from tests.helpers.photos import face_jpeg

TOKEN = "tok-3f9a2c71e5"
DELIBERATE_LEAK = (
    "tests.deliberate_leak"  # the whole-run log scan (tests/privacy/conftest.py) skips it
)
SECRET = "hmac-9c1e77b0aa42"


@pytest.fixture
def log_file(data_dir: Path) -> Iterator[Path]:
    settings = Settings()
    settings.listener.token = TOKEN
    settings.listener.hmac_secret = SECRET
    setup_logging(data_dir, console=False, settings=settings)
    yield data_dir / "logs" / LOG_FILE_NAME
    reset_station_logging()


def _text(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def test_log_file_is_private_and_redacted(log_file: Path) -> None:
    log = logging.getLogger(DELIBERATE_LEAK)
    picture = base64.b64encode(face_jpeg()).decode()
    log.info("pushed WO JF-20251222-0313 to device 20231201996901 phone=%s", "13800001111")
    log.warning("body was %s", '{"picture": "' + picture + '"}')
    log.error("auth header X-Auth-Token: %s, secret %s", TOKEN, SECRET)
    log.info("raw photo %r", face_jpeg()[:64])
    text = _text(log_file)
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    assert "13800001111" not in text
    assert "138****1111" in text
    assert "JF-20251222-0313" in text
    assert "20231201996901" in text
    assert "/9j/" not in text
    assert picture[:40] not in text
    assert REDACTED_PICTURE in text
    assert TOKEN not in text
    assert SECRET not in text
    assert text.count(REDACTED_SECRET) == 2
    assert "\\xff\\xd8\\xff" not in text


def test_tracebacks_are_redacted_too(log_file: Path) -> None:
    log = logging.getLogger(DELIBERATE_LEAK)
    try:
        raise ValueError("bad phone 13912345678 with token " + TOKEN)
    except ValueError:
        log.exception("registration failed")
    text = _text(log_file)
    assert "ValueError" in text
    assert "139****5678" in text
    assert "13912345678" not in text
    assert TOKEN not in text


def test_database_errors_do_not_leak_row_values(log_file: Path) -> None:
    """SQLAlchemy prints the failing row's values; a worker logging the error must not."""
    import sqlalchemy as sa

    engine = sa.create_engine("sqlite://")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE person (name TEXT UNIQUE, phone TEXT)"))
        conn.execute(sa.text("INSERT INTO person VALUES ('唐建峰', '13800001111')"))
    log = logging.getLogger(DELIBERATE_LEAK)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text("INSERT INTO person VALUES (:name, :phone)"),
                {"name": "唐建峰", "phone": "13800001111"},
            )
    except sa.exc.IntegrityError:
        log.exception("push worker cycle failed")
    engine.dispose()
    text = _text(log_file)
    assert "IntegrityError" in text
    assert "[parameters redacted]" in text
    assert "唐建峰" not in text


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("device 20231201996901 ok", "device 20231201996901 ok"),  # 14 digits: a device ID
        ("call +86 138 0000 1111 now", "call 138****1111 now"),
        ("phone:15900001111,", "phone:159****1111,"),
        ("ts 1733212345678", "ts 1733212345678"),  # epoch milliseconds are not phones
        ("order JF-13800001111x", "order JF-13800001111x"),  # part of an identifier
        ("sha " + "ab" * 32, "sha " + "ab" * 32),  # a 64-char hex digest stays
        ("pic iVBORw0KGgoAAAANSUhEUg==", f"pic {REDACTED_PICTURE}"),
        ("pic _9j_4AAQSkZJRg end", f"pic {REDACTED_PICTURE} end"),
        ("blob " + "QUJD" * 60, f"blob {REDACTED_PICTURE}"),
    ],
)
def test_redactor_rules(line: str, expected: str) -> None:
    assert Redactor()(line) == expected


def test_short_and_empty_secrets_are_ignored() -> None:
    redactor = Redactor(["", "ab", "longer-secret", "longer-secret-2"])
    assert redactor("ab longer-secret-2 longer-secret") == (
        f"ab {REDACTED_SECRET} {REDACTED_SECRET}"
    )
