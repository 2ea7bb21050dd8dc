"""What a batch of callbacks reads, read once per batch (``station.core.intake_batch``).

Intake never changes a registration, so the candidate registrations of every callback in a batch
are read in one query (by work order, or by device for a door opened without one). The device
rows the matched callbacks may change are read in one more query, locked ``FOR UPDATE`` on
PostgreSQL (SQLite: the transaction holds the write lock), and kept as detached ``DeviceTarget``
objects: a callback's effect is applied to them in memory (``apply_target``) and written back,
so a later callback of the same batch sees it, as it would one by one.

The statements are SQLAlchemy Core, built once (the compiled form is cached by SQLAlchemy).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, select, tuple_

from station.domain.callbacks import CallbackOutcome
from station.domain.matching import Candidate
from station.store.tables import CallbackInbox, DeviceTarget, DoorEvent, Registration

REG = cast(Table, Registration.__table__)  # type: ignore[attr-defined]
TARGET = cast(Table, DeviceTarget.__table__)  # type: ignore[attr-defined]
INBOX = cast(Table, CallbackInbox.__table__)  # type: ignore[attr-defined]
DOOR = cast(Table, DoorEvent.__table__)  # type: ignore[attr-defined]
TARGET_COLUMNS = tuple(c.name for c in TARGET.columns)

_REG_COLS = (REG.c.id, REG.c.phone, REG.c.name, REG.c.device_ids, REG.c.reg_date, REG.c.rooms)
BY_WORK_ORDER = select(REG.c.work_order, *_REG_COLS).where(
    REG.c.work_order.in_(bindparam("keys", expanding=True))
)
BY_DEVICE = (
    select(TARGET.c.device_id, *_REG_COLS)
    .join_from(REG, TARGET, TARGET.c.registration_id == REG.c.id)
    .where(TARGET.c.device_id.in_(bindparam("keys", expanding=True)))
)
TARGETS = (
    select(TARGET)
    .where(
        tuple_(TARGET.c.registration_id, TARGET.c.device_id).in_(bindparam("pairs", expanding=True))
    )
    .with_for_update()  # PostgreSQL: no lost update against the worker (SQLite: serial)
)
TWINS = (  # callbacks stored before (D12): what they recorded
    select(INBOX.c.fingerprint, INBOX.c.matched, INBOX.c.registration_id, DOOR.c.flags)
    .select_from(INBOX.outerjoin(DOOR, DOOR.c.callback_id == INBOX.c.id))
    .where(INBOX.c.fingerprint.in_(bindparam("prints", expanding=True)))
)
# One multi-row INSERT … RETURNING per batch (SQLAlchemy's "insertmanyvalues"). The rows come
# back in no promised order, so each returns its id with a key unique among the rows.
INSERT_INBOX = INBOX.insert().returning(INBOX.c.fingerprint, INBOX.c.id)
INSERT_DOOR = DOOR.insert().returning(DOOR.c.callback_id, DOOR.c.id)


@dataclass(frozen=True)
class Reg:
    id: int
    phone: str
    name: str
    device_ids: list[str]
    reg_date: date
    rooms: list[str]


class Reads:
    """The batch's registrations by work order and by device, and its locked device rows."""

    def __init__(self, conn: Connection, work_orders: set[str], devices: set[str]) -> None:
        self.conn = conn
        self._by_order = _group(conn, BY_WORK_ORDER, work_orders)
        self._by_device = _group(conn, BY_DEVICE, devices)
        self._targets: dict[tuple[int, str], DeviceTarget] = {}
        self._asked: set[tuple[int, str]] = set()

    def candidates(
        self, work_order: str | None, device_id: str, on: datetime | None
    ) -> dict[int, tuple[Candidate, Reg]]:
        """D11 candidates: registrations of the work order, else registrations at the device."""
        if work_order is not None:
            regs = self._by_order.get(work_order, [])
        else:
            regs = self._by_device.get(device_id, [])
        return {
            r.id: (
                Candidate(
                    r.id,
                    r.phone,
                    r.name,
                    device_id in r.device_ids,
                    on is None or r.reg_date == on.date(),
                ),
                r,
            )
            for r in regs
        }

    def lock_targets(self, pairs: Iterable[tuple[int, str]]) -> None:
        """Read (and lock) the device rows ``(registration_id, device_id)`` not read yet."""
        wanted = sorted(set(pairs) - self._asked)
        if not wanted:
            return
        self._asked.update(wanted)
        for row in self.conn.execute(TARGETS, {"pairs": wanted}):
            target = DeviceTarget(**row._asdict())  # detached: apply_target works on it
            self._targets[(target.registration_id, target.device_id)] = target

    def target(self, registration_id: int, device_id: str) -> DeviceTarget | None:
        self.lock_targets([(registration_id, device_id)])
        return self._targets.get((registration_id, device_id))

    def twins(self, prints: Iterable[str]) -> dict[str, CallbackOutcome]:
        """The outcome of each fingerprint stored before this batch, as a duplicate (D12)."""
        wanted = sorted(set(prints))
        found: dict[str, CallbackOutcome] = {}
        for fingerprint, matched, reg_id, flags in self.conn.execute(TWINS, {"prints": wanted}):
            found[fingerprint] = CallbackOutcome(True, bool(matched), reg_id, tuple(flags or ()))
        return found

    def snapshots(self) -> dict[tuple[int, str], dict[str, Any]]:
        return {key: _snapshot(row) for key, row in self._targets.items()}

    def write_targets(self, before: dict[tuple[int, str], dict[str, Any]]) -> None:
        """Write the device rows' columns that changed since ``before`` (``apply_target``)."""
        for key, row in self._targets.items():
            was = before.get(key)
            changed = {c: v for c, v in _snapshot(row).items() if was is None or v != was[c]}
            if changed:
                self.conn.execute(TARGET.update().where(TARGET.c.id == row.id).values(**changed))


def _group(conn: Connection, statement: Any, keys: set[str]) -> dict[str, list[Reg]]:
    found: dict[str, list[Reg]] = {}
    if not keys:
        return found
    for key, *columns in conn.execute(statement, {"keys": sorted(keys)}):
        found.setdefault(key, []).append(Reg(*columns))
    return found


def insert_many(
    conn: Connection, statement: Any, rows: list[dict[str, Any]], key: str
) -> list[int]:
    """Insert ``rows`` in one statement; their ids, in the rows' order (matched on ``key``).
    A row that collides with one a concurrent transaction stored raises IntegrityError (the
    batch is then redone one by one)."""
    if not rows:
        return []
    ids = {k: int(i) for k, i in conn.execute(statement, rows)}
    return [ids[row[key]] for row in rows]


def _snapshot(row: DeviceTarget) -> dict[str, Any]:
    return {c: getattr(row, c) for c in TARGET_COLUMNS}
