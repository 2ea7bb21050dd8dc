"""Per-device provisioning states and door-event flags (DESIGN §4)."""

from __future__ import annotations

from enum import StrEnum


class DeviceState(StrEnum):
    QUEUED = "queued"  # stored, waiting for its first push
    SENDING = "sending"  # a push is in flight
    ACCEPTED = "accepted"  # the platform answered 00; waiting for this device's result
    WRITTEN = "written"  # a success result arrived
    FAILED = "failed"  # a failure result arrived; re-push at next_push_at (D14, +5 min)
    NO_RESULT = "no_result"  # no result in time; re-push at next_push_at (D14, +10 min)
    NOT_EFFECTIVE = "not_effective"  # the clerk marked it; re-push at next_push_at (D14, +10 min)
    RETRYING = "retrying"  # transport error, HTTP 5xx or code 21; re-push with backoff
    REJECTED = "rejected"  # code 23: the payload was refused; needs correction (D5)
    PAUSED = "paused"  # code 22: security check failed; needs configuration (D5)
    GIVEN_UP = "given_up"  # max pushes reached or the registered date passed (D15)


#: States whose device waits for a timed re-push (``next_push_at`` is set).
DUE_STATES = frozenset(
    {
        DeviceState.QUEUED,
        DeviceState.FAILED,
        DeviceState.NO_RESULT,
        DeviceState.NOT_EFFECTIVE,
        DeviceState.RETRYING,
        DeviceState.PAUSED,
    }
)
#: States that need a person and are never pushed again by themselves.
TERMINAL_STATES = frozenset({DeviceState.WRITTEN, DeviceState.REJECTED, DeviceState.GIVEN_UP})


class DoorFlag(StrEnum):
    UNMATCHED = "unmatched"  # no registration found
    NO_WORK_ORDER = "no_work_order"  # the door opened without a work order
    OUTSIDE_DATE = "outside_date"  # not on the registered date
    ROOM_NOT_REGISTERED = "room_not_registered"  # the room is not among the registered rooms
    NOT_WRITTEN = "not_written"  # the person's face was not written at that device


class Role(StrEnum):
    OPERATOR = "operator"  # 作业人员
    ESCORT = "escort"  # 随工/监理
