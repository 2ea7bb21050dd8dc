"""Loading a parsed catalog into the ``catalog_device`` table, idempotently (issue 7 §6).

A device is keyed by its door device ID: importing the same file twice changes nothing the second
time, a changed row updates that device, and ``replace=True`` also removes the devices the file
no longer lists. Everything happens in the caller's transaction: all or nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from station.records.catalog_file import CatalogEntry
from station.store.tables import CatalogDevice


@dataclass(frozen=True)
class ImportReport:
    added: int
    updated: int
    unchanged: int
    removed: int

    def as_dict(self) -> dict[str, int]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
        }


def _same(row: CatalogDevice, entry: CatalogEntry) -> bool:
    return (row.city, row.site, row.room, row.label) == (
        entry.city,
        entry.site,
        entry.room,
        entry.label,
    )


def import_entries(
    session: Session, entries: Sequence[CatalogEntry], *, replace: bool = False
) -> ImportReport:
    """Upsert ``entries`` (and with ``replace`` delete the rest); the caller commits."""
    existing = {row.device_id: row for row in session.exec(select(CatalogDevice)).all()}
    added = updated = unchanged = removed = 0
    for entry in entries:
        row = existing.get(entry.device_id)
        if row is None:
            session.add(
                CatalogDevice(
                    city=entry.city,
                    site=entry.site,
                    room=entry.room,
                    device_id=entry.device_id,
                    label=entry.label,
                )
            )
            added += 1
        elif _same(row, entry):
            unchanged += 1
        else:
            row.city, row.site, row.room, row.label = (
                entry.city,
                entry.site,
                entry.room,
                entry.label,
            )
            session.add(row)
            updated += 1
    if replace:
        keep = {entry.device_id for entry in entries}
        for device_id, row in existing.items():
            if device_id not in keep:
                session.delete(row)
                removed += 1
    session.flush()
    return ImportReport(added, updated, unchanged, removed)


def catalog_devices(session: Session) -> list[CatalogDevice]:
    """The catalog in picker order: city, site, room, device."""
    query = select(CatalogDevice).order_by(
        col(CatalogDevice.city),
        col(CatalogDevice.site),
        col(CatalogDevice.room),
        col(CatalogDevice.device_id),
    )
    return list(session.exec(query).all())
