"""The real core the listener tests store into: build_core → Station on a SQLite file."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func
from sqlmodel import select

from station.app import Core, build_core
from station.config import Settings
from station.domain.clock import Clock
from station.store.tables import CallbackInbox


def make_core(data_dir: Path, clock: Clock | None = None, settings: Settings | None = None) -> Core:
    """The real core (its push worker is not started); close it with ``core.close()``."""
    return build_core(settings or Settings(), data_dir, clock)


def stored_callbacks(core: Core) -> int:
    """How many callbacks the core has in its inbox (raw, audit)."""
    with core.store.transaction() as session:
        return int(session.exec(select(func.count()).select_from(CallbackInbox)).one())
