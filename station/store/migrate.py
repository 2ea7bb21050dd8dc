"""Schema versions (Alembic) applied at start, programmatically.

The migration scripts ship inside the package (``station/store/migrations``). Before an SQLite
file is upgraded it is copied next to itself (``station.db.backup-<rev>-<UTC time>``) with
SQLite's online backup. A database whose revision this code does not know (made by a newer
station) is refused with a clear message instead of being touched.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from station.store.engine import StoreError

log = logging.getLogger(__name__)
logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)  # per-step noise
SCRIPT_LOCATION = str(Path(__file__).with_name("migrations"))


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def backup_sqlite(path: Path, revision: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.backup-{revision}-{stamp}")
    with sqlite3.connect(path) as source, sqlite3.connect(target) as dest:
        source.backup(dest)
    source.close()
    dest.close()
    return target


def migrate(engine: Engine, sqlite_file: Path | None = None) -> str:
    """Bring the schema to the head revision; returns it. Raises StoreError for a newer DB.

    The check and the upgrade run in one write transaction (SQLite ``BEGIN IMMEDIATE``, a
    PostgreSQL advisory lock), so two processes starting together migrate once.
    """
    config = alembic_config()
    scripts = ScriptDirectory.from_config(config)
    head = scripts.get_current_head()
    assert head is not None
    if current_revision(engine) == head:
        return head
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(72150008)")
        current = MigrationContext.configure(conn).get_current_revision()
        if current == head:
            return head
        if current is not None:
            known = {rev.revision for rev in scripts.walk_revisions()}
            if current not in known:
                raise StoreError(
                    f"the database is at schema revision {current}, newer than this station "
                    f"(it knows up to {head}); install the newer station or restore a backup"
                )
            if sqlite_file is not None and sqlite_file.exists():
                saved = backup_sqlite(sqlite_file, current)
                log.info("database backed up to %s before migrating", saved)
        log.info("migrating the database schema from %s to %s", current, head)
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return head
