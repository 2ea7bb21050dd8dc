"""Applying the retention policy to the store and the photo folder (issue 7 §3).

``run_purge`` plans with :func:`station.privacy.retention.plan_retention`, then (unless
``dry_run``) in this order, so that a crash at any point loses nothing that should stay:

1. the due registrations forget their photo reference; the registrations, push attempts,
   callbacks and door events stored before the cut-off lose name, account and phone (audit
   rows keep work order, device, states and times) — in short transactions
   (``station.privacy.scrub``);
2. the photo files of step 1 are deleted, then orphans (files no registration refers to, left
   by a crash between ``vault.put`` and the commit) and stale temp files older than an hour,
   and pre-migration database backups older than the retention period;
3. SQLite: ``PRAGMA wal_checkpoint(TRUNCATE)``, so the old pages leave the WAL. The purge's
   transactions run with ``secure_delete`` on, so freed space in the database file is zeroed.

``station purge`` and the automatic runs (``station.privacy.scheduler``) call this.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from station.config import Settings
from station.privacy.retention import (
    DeviceFacts,
    PhotoDue,
    RegistrationFacts,
    personal_cutoff,
    plan_retention,
)
from station.privacy.scrub import (
    clear_registrations,
    scrub_attempts,
    scrub_callbacks,
    scrub_door_events,
)
from station.privacy.vault import PhotoFolder
from station.store import Store
from station.store.tables import DeviceTarget, Registration

log = logging.getLogger(__name__)
ORPHAN_GRACE_S = 3600.0  # a photo younger than this may belong to a registration being stored


@dataclass
class PurgeReport:
    dry_run: bool
    now: datetime
    personal_before: datetime
    photos: list[PhotoDue] = field(default_factory=list)
    anonymised: list[tuple[int, str]] = field(default_factory=list)
    push_attempts: int = 0
    callbacks: int = 0
    door_events: int = 0
    orphan_photos: int = 0
    temp_files: int = 0
    old_backups: int = 0
    checkpoint: str = "skipped"

    def to_json(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "now": self.now.isoformat(),
            "personal_data_before": self.personal_before.isoformat(),
            "photos": [
                {
                    "registration_id": p.registration_id,
                    "work_order": p.work_order,
                    "reason": p.reason,
                    "due_since": p.since.isoformat(),
                }
                for p in self.photos
            ],
            "anonymised": [{"registration_id": i, "work_order": wo} for i, wo in self.anonymised],
            "push_attempts": self.push_attempts,
            "callbacks": self.callbacks,
            "door_events": self.door_events,
            "orphan_photos": self.orphan_photos,
            "temp_files": self.temp_files,
            "old_backups": self.old_backups,
            "checkpoint": self.checkpoint,
        }


def load_facts(session: Session, cutoff: datetime) -> list[RegistrationFacts]:
    """The registrations retention may still act on: with a photo, or due for anonymising."""
    regs = session.exec(
        select(Registration).where(
            or_(
                col(Registration.photo_ref).is_not(None),
                (col(Registration.purged_at).is_(None)) & (col(Registration.created_at) < cutoff),
            )
        )
    ).all()
    ids = [r.id for r in regs]
    devices: dict[int, list[DeviceFacts]] = {}
    for t in session.exec(select(DeviceTarget).where(col(DeviceTarget.registration_id).in_(ids))):
        devices.setdefault(t.registration_id, []).append(
            DeviceFacts(t.device_id, t.state, t.written_at, t.updated_at)
        )
    return [
        RegistrationFacts(
            id=r.id,
            work_order=r.work_order,
            reg_date=r.reg_date,
            created_at=r.created_at,
            photo_ref=r.photo_ref,
            anonymised=r.purged_at is not None,
            devices=tuple(devices.get(r.id, ())),
        )
        for r in regs
        if r.id is not None
    ]


def _old_backups(store: Store, retention_days: int, dry_run: bool) -> int:
    """Pre-migration copies of the SQLite file (``station.db.backup-*``) older than the
    retention period: they hold personal data that has since been anonymised."""
    if store.sqlite_file is None:
        return 0
    limit = time.time() - retention_days * 86400
    old = [
        path
        for path in store.sqlite_file.parent.glob(f"{store.sqlite_file.name}.backup-*")
        if path.stat().st_mtime < limit
    ]
    if not dry_run:
        for path in old:
            path.unlink(missing_ok=True)
            log.info("deleted the old database backup %s", path.name)
    return len(old)


def _checkpoint(store: Store) -> str:
    if store.dialect != "sqlite":
        return f"not needed ({store.dialect})"
    # Outside any transaction (the engine's "begin" hook would open one): the raw connection.
    conn = store.engine.raw_connection()
    try:
        cursor = conn.cursor()
        busy, frames, done = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        cursor.close()
    finally:
        conn.close()
    return "truncated" if not busy else f"busy ({done}/{frames} frames copied)"


def run_purge(
    store: Store, folder: PhotoFolder, settings: Settings, now: datetime, *, dry_run: bool = False
) -> PurgeReport:
    storage = settings.storage
    cutoff = personal_cutoff(now, storage.retention_days)
    with store.transaction() as session:
        facts = load_facts(session, cutoff)
    plan = plan_retention(
        facts,
        now,
        retention_days=storage.retention_days,
        keep_after_written_s=storage.photo_keep_after_written_s,
        timezone=settings.station.timezone,
    )
    report = PurgeReport(dry_run, now, plan.personal_before, plan.photos, plan.anonymise)
    if not dry_run:
        photos = {p.registration_id: p.photo_ref for p in report.photos}
        clear_registrations(store, photos, {i for i, _ in report.anonymised}, now)
    report.push_attempts = scrub_attempts(store, cutoff, dry_run)
    report.callbacks = scrub_callbacks(store, cutoff, dry_run)
    report.door_events = scrub_door_events(store, cutoff, dry_run)
    report.old_backups = _old_backups(store, storage.retention_days, dry_run)
    if dry_run:
        return report
    for due in report.photos:
        folder.delete(due.photo_ref)
    with store.transaction() as session:
        live = {ref for ref in session.exec(select(Registration.photo_ref)).all() if ref}
    limit = time.time() - ORPHAN_GRACE_S  # file times are real time, whatever the clock says
    for ref, mtime in list(folder.refs()):
        if ref not in live and mtime < limit and folder.delete(ref):
            report.orphan_photos += 1
    report.temp_files = folder.remove_stale_temp(ORPHAN_GRACE_S)
    report.checkpoint = _checkpoint(store)
    log.info(
        "retention: %d photos, %d registrations anonymised, %d attempts, %d callbacks, "
        "%d door events scrubbed, %d orphan photos, %d old backups, checkpoint %s",
        len(report.photos),
        len(report.anonymised),
        report.push_attempts,
        report.callbacks,
        report.door_events,
        report.orphan_photos,
        report.old_backups,
        report.checkpoint,
    )
    return report
