"""The database side of retention, in short transactions (issue 7 §3).

Each batch of at most :data:`BATCH` rows is one transaction, so the listener and the worker,
which write to the same database, never wait long behind a purge (D16: they queue on the busy
timeout). Every transaction here runs with SQLite's ``secure_delete`` on, so the space the old
values leave in the database file is zeroed. With ``dry_run`` the rows are only counted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, func, or_, select, update
from sqlmodel import Session

from station.privacy.callback_body import scrub_body, scrub_json
from station.store import Store
from station.store.tables import CallbackInbox, DoorEvent, PushAttempt, Registration

BATCH = 500
REGISTRATION: Table = Registration.__table__  # type: ignore[attr-defined]
ATTEMPT: Table = PushAttempt.__table__  # type: ignore[attr-defined]
INBOX: Table = CallbackInbox.__table__  # type: ignore[attr-defined]
DOOR: Table = DoorEvent.__table__  # type: ignore[attr-defined]


def _chunks(items: Sequence[int], size: int = BATCH) -> Iterable[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _secure(store: Store, session: Session) -> None:
    if store.dialect == "sqlite":
        session.connection().exec_driver_sql("PRAGMA secure_delete=ON")


def clear_registrations(
    store: Store, photos: dict[int, str], anonymise: set[int], now: datetime
) -> None:
    """Forget the photo reference of ``photos`` (registration id → the reference planned, so a
    registration changed meanwhile is left alone) and anonymise ``anonymise``."""
    for chunk in _chunks(sorted(photos.keys() | anonymise)):
        with store.transaction() as session:
            _secure(store, session)
            refs = [{"rid": i, "ref": photos[i]} for i in chunk if i in photos]
            if refs:
                session.execute(
                    update(REGISTRATION)
                    .where(REGISTRATION.c.id == bindparam("rid"))
                    .where(REGISTRATION.c.photo_ref == bindparam("ref"))
                    .values(photo_ref=None),
                    refs,
                )
            names = [i for i in chunk if i in anonymise]
            if names:
                session.execute(
                    update(REGISTRATION)
                    .where(REGISTRATION.c.id.in_(names))
                    .values(name="", account="", phone="", photo_ref=None, purged_at=now)
                )


def _rewrite(
    store: Store,
    table: Table,
    time_column: str,
    columns: Sequence[str],
    cutoff: datetime,
    change: Callable[[Any], dict[str, Any] | None],
    dry_run: bool,
) -> int:
    """Page through ``table`` rows older than ``cutoff``; ``change(row)`` gives new values or
    None. Returns how many rows changed (or would change)."""
    count, last = 0, 0
    target = update(table).where(table.c.id == bindparam("rid"))
    target = target.values({c: bindparam(f"new_{c}") for c in columns})
    while True:
        with store.transaction() as session:
            _secure(store, session)
            rows = session.execute(
                select(table)
                .where(table.c[time_column] < cutoff, table.c.id > last)
                .order_by(table.c.id)
                .limit(BATCH)
            ).all()
            if not rows:
                return count
            last = rows[-1].id
            changes = []
            for row in rows:
                new = change(row)
                if new is not None:
                    changes.append({"rid": row.id, **{f"new_{c}": new[c] for c in columns}})
            count += len(changes)
            if changes and not dry_run:
                session.execute(target, changes)


def scrub_attempts(store: Store, cutoff: datetime, dry_run: bool) -> int:
    """What push attempts sent (``describe()``) without name, account and phone."""

    def change(row: Any) -> dict[str, Any] | None:
        sent, changed = scrub_json(row.sent)
        return {"sent": sent} if changed else None

    return _rewrite(store, ATTEMPT, "started_at", ["sent"], cutoff, change, dry_run)


def scrub_callbacks(store: Store, cutoff: datetime, dry_run: bool) -> int:
    """Stored callback bodies without name, account and phone."""

    def change(row: Any) -> dict[str, Any] | None:
        body = scrub_body(row.body, row.content_type)
        return {"body": body} if body != row.body else None

    return _rewrite(store, INBOX, "received_at", ["body"], cutoff, change, dry_run)


def scrub_door_events(store: Store, cutoff: datetime, dry_run: bool) -> int:
    """Door events without name, account and phone (work order, device, flags stay)."""
    personal = or_(DOOR.c.name.is_not(None), DOOR.c.account.is_not(None), DOOR.c.phone.is_not(None))
    due = (DOOR.c.received_at < cutoff) & personal
    if dry_run:
        with store.transaction() as session:
            return int(
                session.execute(select(func.count()).select_from(DOOR).where(due)).scalar_one()
            )
    count = 0
    while True:
        with store.transaction() as session:
            _secure(store, session)
            ids = list(session.execute(select(DOOR.c.id).where(due).limit(BATCH)).scalars())
            if not ids:
                return count
            session.execute(
                update(DOOR).where(DOOR.c.id.in_(ids)).values(name=None, account=None, phone=None)
            )
            count += len(ids)
