"""Durable storage of the station (D16): SQLite in the data dir, or PostgreSQL by URL.

``open_store(storage_settings, data_dir)`` returns a :class:`Store` whose schema is migrated to
the head revision; ``store.transaction()`` is one database transaction (commit on success,
rollback on exception). Tables are in :mod:`station.store.tables`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from station.config import StorageSettings
from station.store.engine import (
    StoreError,
    check_sqlite_settings,
    database_url,
    make_engine,
    sqlite_path,
)
from station.store.migrate import migrate

__all__ = ["Store", "StoreError", "open_store"]
log = logging.getLogger(__name__)


class Store:
    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        self.sqlite_file = sqlite_path(url)
        # SQLite has one writer at a time: threads of this process queue on a lock instead of
        # in SQLite's busy handler, which sleeps in steps of up to 25 ms. Other processes still
        # wait on the busy timeout.
        self._sqlite_lock = threading.RLock() if engine.dialect.name == "sqlite" else None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction; objects stay readable after commit (``expire_on_commit=False``)."""
        if self._sqlite_lock is None:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                yield session
            return
        with (
            self._sqlite_lock,
            Session(self.engine, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session

    def close(self) -> None:
        self.engine.dispose()


def open_store(storage: StorageSettings, data_dir: Path) -> Store:
    """Connect, check the SQLite journal settings, apply migrations; raises StoreError."""
    url = database_url(storage, data_dir)
    engine = make_engine(url)
    try:
        check_sqlite_settings(engine)
        revision = migrate(engine, sqlite_path(url))
    except StoreError:
        engine.dispose()
        raise
    except Exception as exc:
        engine.dispose()
        raise StoreError(f"the database cannot be opened ({engine.url!r}): {exc}") from exc
    log.info("database %s at schema revision %s", engine.url.render_as_string(), revision)
    return Store(engine, url)
