"""Database schema version: the store's current version against the one this build expects.

Uses the store's public API (``station.store``) when it is installed; a missing database is fine
(it is created at first start), a newer schema blocks (STYLE: a newer schema is refused).
"""

from __future__ import annotations

import importlib
from pathlib import Path

from station.config import Settings
from station.doctor import Finding, finding

TITLE = ("数据库结构版本", "database schema version")


def check(settings: Settings, data_dir: Path) -> Finding:
    try:
        store = importlib.import_module("station.store")
    except ImportError:
        store = None
    probe = getattr(store, "schema_status", None)
    if probe is None:
        return finding(
            "database",
            TITLE,
            "skip",
            ("此版本未包含数据库模块，未检查", "this build has no store module; not checked"),
        )
    return probe(settings, data_dir)  # type: ignore[no-any-return]
