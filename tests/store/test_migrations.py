"""Schema versions at start: WAL + FULL checked, backup before migrating, newer DB refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine

from station.config import StorageSettings
from station.store import StoreError, open_store
from station.store.engine import check_sqlite_settings, make_engine
from station.store.migrate import alembic_config, head_revision


def test_a_new_database_is_wal_full_and_at_head(data_dir: Path) -> None:
    store = open_store(StorageSettings(), data_dir)
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        store.close()
    with sqlite3.connect(data_dir / "station.db") as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchone() == (
            head_revision(),
        )
    db.close()
    assert not list(data_dir.glob("station.db.backup-*"))  # nothing to back up when new


def test_an_engine_without_wal_is_refused(data_dir: Path) -> None:
    engine = create_engine(f"sqlite:///{data_dir / 'plain.db'}")
    try:
        with pytest.raises(StoreError, match="journal_mode=wal"):
            check_sqlite_settings(engine)
    finally:
        engine.dispose()


def test_an_older_schema_is_backed_up_then_migrated(data_dir: Path) -> None:
    path = data_dir / "station.db"
    engine = make_engine(f"sqlite:///{path}")
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.exec_driver_sql(
            "INSERT INTO catalog_device (city, site, room, device_id, label) "
            "VALUES ('咸阳市', 'S', 'R', 'ACC1', '')"
        )
    engine.dispose()
    store = open_store(StorageSettings(), data_dir)
    store.close()
    (backup,) = data_dir.glob("station.db.backup-0001-*")
    with sqlite3.connect(backup) as old:
        assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert old.execute("SELECT device_id FROM catalog_device").fetchall() == [("ACC1",)]
    old.close()
    with sqlite3.connect(path) as new:
        assert new.execute("SELECT version_num FROM alembic_version").fetchone() == (
            head_revision(),
        )
        indexes = {row[1] for row in new.execute("PRAGMA index_list('registration')")}
    new.close()
    assert "ix_registration_reg_date" in indexes


def test_a_database_from_a_newer_station_is_refused_untouched(data_dir: Path) -> None:
    open_store(StorageSettings(), data_dir).close()
    path = data_dir / "station.db"
    with sqlite3.connect(path) as db:
        db.execute("UPDATE alembic_version SET version_num = '0099'")
    db.close()
    with pytest.raises(StoreError, match="newer than this station"):
        open_store(StorageSettings(), data_dir)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchone() == ("0099",)
    db.close()
    assert not list(data_dir.glob("station.db.backup-*"))


def test_a_bad_database_url_names_the_setting(data_dir: Path) -> None:
    with pytest.raises(StoreError, match=r"database_url|cannot be opened"):
        open_store(StorageSettings(database_url="nosuchdb://x"), data_dir)
