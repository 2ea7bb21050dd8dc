"""What the listener hands the core for each accepted callback, and what it gets back.

The contract between ``station.listener`` (HTTP, security) and the core service (``Station``):
the listener validates the body with ``station.protocol.callbacks``, then calls
``Station.record_face_result(result, raw)`` or ``Station.record_door_open(event, raw)`` off the
event loop; the service stores the raw callback and its effect in one transaction (D16), applies
D11 (matching) and D12 (duplicates), publishes domain events and returns a CallbackOutcome.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

CallbackKind = Literal["face", "door"]


@dataclass(frozen=True)
class RawCallback:
    """The callback as received, kept for the audit trail."""

    kind: CallbackKind
    body: bytes = field(repr=False)  # names and phone numbers: never in a repr or a log
    content_type: str
    peer: str  # the caller's address
    received_at: datetime  # timezone-aware


@dataclass(frozen=True)
class CallbackOutcome:
    duplicate: bool  # D12: seen before, nothing changed
    matched: bool  # D11: belongs to a registration
    registration_id: int | None = None
    flags: tuple[str, ...] = ()  # door-event flags (DESIGN §4)
