"""The core the listener tests store into. TEMPORARY in-memory stand-in until station.service lands."""

from __future__ import annotations

import threading
from pathlib import Path

from station.domain.callbacks import CallbackOutcome, RawCallback
from station.protocol.callbacks import DoorOpen, FaceResult


class _Core:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: dict[str, RawCallback] = {}

    def _record(self, fp: str, raw: RawCallback) -> CallbackOutcome:
        with self.lock:
            dup = fp in self.seen
            self.seen.setdefault(fp, raw)
        return CallbackOutcome(duplicate=dup, matched=False)

    def record_face_result(self, result: FaceResult, raw: RawCallback) -> CallbackOutcome:
        return self._record(result.fingerprint(), raw)

    def record_door_open(self, event: DoorOpen, raw: RawCallback) -> CallbackOutcome:
        return self._record(event.fingerprint(), raw)


def make_core(data_dir: Path) -> _Core:
    return _Core()


def stored_callbacks(core: _Core) -> int:
    return len(core.seen)
