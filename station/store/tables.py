"""The station's tables (SQLModel). Schema changes need a migration in ``migrations/versions``.

- ``registration``: one person of a work order (D3), with consent and the photo's vault reference
  (never the picture itself).
- ``device_target``: per registration and door device, the DESIGN §4 state, the push count and
  ``next_push_at``. These rows are the outbox: due work is ``state in DUE_STATES and
  next_push_at <= now``, taken with a lease (``lease_owner``/``lease_until``).
- ``push_attempt``: what was sent (``station.protocol.addface.describe``) and what came back.
- ``callback_inbox``: every accepted callback as received, unique by fingerprint (D12).
- ``door_event``: door-open events with their DESIGN §4 flags.
- ``catalog_device``: city → site → room → door device.
- ``platform_state``: one row; the D5 pause (code 22) shared by every process on the database.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, DateTime, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from station.store.types import UTCDateTime


class Registration(SQLModel, table=True):
    __tablename__ = "registration"

    id: int | None = Field(default=None, primary_key=True)
    work_order: str = Field(index=True, max_length=100)
    name: str = Field(max_length=100)
    account: str = Field(max_length=100)
    phone: str = Field(max_length=40)
    role: str = Field(max_length=20)  # station.domain.states.Role
    city: str = Field(max_length=100)
    sites: list[str] = Field(sa_type=JSON)
    rooms: list[str] = Field(sa_type=JSON)
    device_ids: list[str] = Field(sa_type=JSON)
    reg_date: date = Field(index=True)
    photo_ref: str | None = Field(default=None, max_length=64)  # PhotoVault reference
    consent_version: str = Field(max_length=40)
    consented_at: datetime = Field(sa_type=UTCDateTime)
    consent_clerk: str = Field(max_length=100)
    created_by: str = Field(default="", max_length=100)
    created_at: datetime = Field(sa_type=UTCDateTime)
    purged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class DeviceTarget(SQLModel, table=True):
    __tablename__ = "device_target"
    __table_args__ = (
        UniqueConstraint("registration_id", "device_id", name="uq_device_target_reg_device"),
        Index("ix_device_target_due", "state", "next_push_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    registration_id: int = Field(foreign_key="registration.id", index=True)
    device_id: str = Field(index=True, max_length=100)
    state: str = Field(max_length=20)  # station.domain.states.DeviceState
    pushes: int = 0  # pushes the platform answered (D15 counts these)
    retries: int = 0  # consecutive transient failures (backoff exponent, D5)
    next_push_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_result: str = Field(default="", sa_type=Text)
    accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    result_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    written_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    lease_owner: str | None = Field(default=None, max_length=200)
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class PushAttempt(SQLModel, table=True):
    __tablename__ = "push_attempt"

    id: int | None = Field(default=None, primary_key=True)
    registration_ids: list[int] = Field(sa_type=JSON)
    device_ids: list[str] = Field(sa_type=JSON)
    protocol: str = Field(max_length=10)
    url: str = Field(sa_type=Text)
    sent: dict[str, object] = Field(sa_type=JSON)  # describe(): never the picture
    started_at: datetime = Field(sa_type=UTCDateTime, index=True)
    duration_ms: float = 0
    http_status: int | None = None
    code: str | None = Field(default=None, max_length=10)
    desc: str = Field(default="", sa_type=Text)
    error: str = Field(default="", sa_type=Text)
    outcome: str = Field(max_length=20)


class CallbackInbox(SQLModel, table=True):
    __tablename__ = "callback_inbox"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10)  # "face" | "door"
    fingerprint: str = Field(max_length=64, unique=True)
    body: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    content_type: str = Field(default="", max_length=200)
    peer: str = Field(default="", max_length=100)
    received_at: datetime = Field(sa_type=UTCDateTime, index=True)
    matched: bool = False
    registration_id: int | None = Field(default=None, index=True)
    device_target_id: int | None = None
    effect: str = Field(default="", sa_type=Text)  # what it changed, for the audit trail


class DoorEvent(SQLModel, table=True):
    __tablename__ = "door_event"

    id: int | None = Field(default=None, primary_key=True)
    callback_id: int = Field(foreign_key="callback_inbox.id", index=True)
    device_id: str = Field(index=True, max_length=100)
    city: str = Field(max_length=100)
    site: str = Field(max_length=200)
    room: str = Field(max_length=200)
    opened_at: datetime = Field(sa_type=DateTime, index=True)  # naive local time as sent (D10)
    work_order: str | None = Field(default=None, max_length=100)
    name: str | None = Field(default=None, max_length=100)
    account: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=40)
    flags: list[str] = Field(sa_type=JSON)
    registration_id: int | None = Field(default=None, index=True)
    received_at: datetime = Field(sa_type=UTCDateTime)


class CatalogDevice(SQLModel, table=True):
    __tablename__ = "catalog_device"

    id: int | None = Field(default=None, primary_key=True)
    city: str = Field(index=True, max_length=100)
    site: str = Field(max_length=200)
    room: str = Field(max_length=200)
    device_id: str = Field(unique=True, max_length=100)
    label: str = Field(default="", max_length=200)


class PlatformState(SQLModel, table=True):
    __tablename__ = "platform_state"

    id: int = Field(default=1, primary_key=True)
    paused: bool = False
    reason: str = Field(default="", sa_type=Text)
    paused_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    next_probe_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
