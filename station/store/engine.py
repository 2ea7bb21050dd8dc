"""Engine set-up: SQLite in the data dir (WAL + synchronous=FULL) or PostgreSQL by URL.

SQLite transactions start with ``BEGIN IMMEDIATE`` so two writers (the worker in one process,
``station register`` in another) queue on the busy timeout instead of failing when a read
transaction tries to upgrade to a write. The journal settings are read back and checked at start
(NOTES.md: WAL with synchronous=NORMAL may lose the last commits on power loss; FULL does not).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from station.config import StorageSettings

SQLITE_FILE_NAME = "station.db"
BUSY_TIMEOUT_MS = 30_000


class StoreError(Exception):
    """The database cannot be used; the message says why and what to do."""


def database_url(storage: StorageSettings, data_dir: Path) -> str:
    if storage.database_url:
        url = storage.database_url
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return url
    return f"sqlite:///{data_dir / SQLITE_FILE_NAME}"


def sqlite_path(url: str) -> Path | None:
    if url.startswith("sqlite:///") and not url.endswith(":memory:"):
        return Path(url.removeprefix("sqlite:///"))
    return None


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" event below emits BEGIN
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    path = sqlite_path(url)
    if url.startswith("sqlite"):
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
        )
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except Exception as exc:  # bad URL or missing driver: say which setting is wrong
        raise StoreError(f"storage.database_url cannot be used: {exc}") from None


def check_sqlite_settings(engine: Engine) -> None:
    """Refuse to run unless the journal is WAL and synchronous is FULL (D16 durability)."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        sync = conn.exec_driver_sql("PRAGMA synchronous").scalar()
    if str(mode).lower() != "wal" or sync != 2:
        raise StoreError(
            f"SQLite is in journal_mode={mode}, synchronous={sync}; "
            "the station needs journal_mode=wal and synchronous=2 (FULL)"
        )
