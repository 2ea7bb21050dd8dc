"""The re-push rules (D4, D5, D14, D15) as pure functions over one device's state.

Each function takes the device's current :class:`Target` and returns the next one (or ``None``
when nothing changes). The store applies the result in one transaction (D16); the hypothesis
state machine in ``tests/domain`` checks these against the service.

- ``pushes`` counts pushes the platform answered (00, or a v1 answer, or 23); transport errors,
  HTTP 5xx and code 21 do not count — they back off (``retries``) until the registered date is over.
- D14: failure result → ``failed``, due ``after_failure_s`` after the result; no result
  ``after_silence_s`` after acceptance → ``no_result``, due at that moment; the clerk's
  not-effective → ``not_effective``, due ``after_not_effective_s`` after the click.
- D15: a device that would be re-pushed after ``max_pushes`` answered pushes, or whose registered
  date is over, is ``given_up``; a success result later still makes it ``written``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum

from station.config import RetrySettings
from station.domain.states import DUE_STATES, DeviceState


@dataclass(frozen=True)
class RetryPolicy:
    after_failure_s: float = 300
    after_silence_s: float = 600
    after_not_effective_s: float = 600
    max_pushes: int = 6
    backoff_base_s: float = 5
    backoff_max_s: float = 300
    pause_probe_s: float = 60

    @classmethod
    def from_settings(cls, retry: RetrySettings) -> RetryPolicy:
        return cls(
            retry.after_failure_s,
            retry.after_silence_s,
            retry.after_not_effective_s,
            retry.max_pushes,
            retry.backoff_base_s,
            retry.backoff_max_s,
            retry.pause_probe_s,
        )


@dataclass(frozen=True)
class Target:
    state: DeviceState
    pushes: int = 0
    retries: int = 0
    next_push_at: datetime | None = None
    last_result: str = ""


class Answer(StrEnum):
    """What one push's answer means for each device it carried (D4, D5)."""

    ACCEPTED = "accepted"  # v3 00: wait for the result
    WRITTEN = "written"  # v1 00: written
    FAILED = "failed"  # v1 non-00 answer: failure re-push (D4)
    TRANSIENT = "transient"  # 21, HTTP 5xx, timeout, connection or TLS error
    PAUSED = "paused"  # 22
    REJECTED = "rejected"  # 23 or an unknown code


GIVEN_UP_MAX = "已推送 {n} 次仍未成功，需人工处理 (gave up after {n} pushes)"
GIVEN_UP_DATE = "登记日期已过，需人工处理 (the registered date is over)"


def backoff_s(retries: int, policy: RetryPolicy, jitter: float) -> float:
    """Capped exponential backoff with equal jitter: the delay is in [ceiling/2, ceiling]."""
    ceiling = min(policy.backoff_max_s, policy.backoff_base_s * 2.0 ** max(retries - 1, 0))
    return ceiling / 2 + ceiling / 2 * min(max(jitter, 0.0), 1.0)


def date_over(reg_date: date, now: datetime, tz: tzinfo) -> bool:
    """D15: the registered day (local time of the station) has ended."""
    return now.astimezone(tz).date() > reg_date


def _reschedule(
    t: Target, state: DeviceState, when: datetime, text: str, policy: RetryPolicy
) -> Target:
    if t.pushes >= policy.max_pushes:
        note = GIVEN_UP_MAX.format(n=t.pushes)
        return replace(
            t, state=DeviceState.GIVEN_UP, next_push_at=None, last_result=f"{note}: {text}"
        )
    return replace(t, state=state, next_push_at=when, last_result=text)


def after_answer(
    t: Target, answer: Answer, text: str, now: datetime, policy: RetryPolicy, jitter: float
) -> Target:
    """The device was in a push that got ``answer`` at ``now`` (``text``: desc or error)."""
    if answer is Answer.ACCEPTED:
        deadline = now + timedelta(seconds=policy.after_silence_s)
        return Target(DeviceState.ACCEPTED, t.pushes + 1, 0, deadline, text)
    if answer is Answer.WRITTEN:
        return Target(DeviceState.WRITTEN, t.pushes + 1, 0, None, text)
    if answer is Answer.FAILED:
        counted = replace(t, pushes=t.pushes + 1, retries=0)
        when = now + timedelta(seconds=policy.after_failure_s)
        return _reschedule(counted, DeviceState.FAILED, when, text, policy)
    if answer is Answer.TRANSIENT:
        retries = t.retries + 1
        when = now + timedelta(seconds=backoff_s(retries, policy, jitter))
        return replace(
            t, state=DeviceState.RETRYING, retries=retries, next_push_at=when, last_result=text
        )
    if answer is Answer.PAUSED:
        when = now + timedelta(seconds=policy.pause_probe_s)
        return replace(t, state=DeviceState.PAUSED, next_push_at=when, last_result=text)
    return Target(DeviceState.REJECTED, t.pushes + 1, 0, None, text)


#: States a failure result moves to ``failed`` (a result for a push that is out there).
#: ``sending`` too: the platform may call back before its 00 answer is recorded (D14).
FAILURE_APPLIES = frozenset(
    {
        DeviceState.SENDING,
        DeviceState.ACCEPTED,
        DeviceState.NO_RESULT,
        DeviceState.FAILED,
        DeviceState.RETRYING,
    }
)


def after_result(
    t: Target, success: bool, text: str, now: datetime, policy: RetryPolicy
) -> Target | None:
    """A face-write result for this device arrived at ``now``; ``None``: nothing changes.

    A success counts in every state (D15: also a late one after ``given_up``) except
    ``not_effective``, where the clerk has said the written face does not open: only the result
    of the re-push counts. A failure counts while a push is out there.

    A result while the device is ``sending`` (the platform called back before the station
    recorded its answer) proves that push arrived: it is counted here, since the answer then
    finds the device no longer leased and leaves it as the result made it.
    """
    pushes = t.pushes + 1 if t.state is DeviceState.SENDING else t.pushes
    if success:
        if t.state in (DeviceState.WRITTEN, DeviceState.NOT_EFFECTIVE):
            return None
        return Target(DeviceState.WRITTEN, pushes, 0, None, text)
    if t.state not in FAILURE_APPLIES:
        return None
    when = now + timedelta(seconds=policy.after_failure_s)
    return _reschedule(replace(t, pushes=pushes, retries=0), DeviceState.FAILED, when, text, policy)


NO_RESULT_TEXT = "超时未收到写入结果 (no result within {s:g} s)"


def after_silence(t: Target, now: datetime, policy: RetryPolicy) -> Target | None:
    """An accepted device whose result did not come by its deadline: due for re-push (D14)."""
    if t.state is not DeviceState.ACCEPTED or t.next_push_at is None or t.next_push_at > now:
        return None
    text = NO_RESULT_TEXT.format(s=policy.after_silence_s)
    return _reschedule(t, DeviceState.NO_RESULT, t.next_push_at, text, policy)


NOT_EFFECTIVE_TEXT = "登记员标记：成功但未生效 (marked not effective)"


def after_not_effective(t: Target, now: datetime, policy: RetryPolicy) -> Target:
    """The clerk's 成功但未生效; only a written device can be marked (caller checks)."""
    if t.state is not DeviceState.WRITTEN:
        raise ValueError(f"only a written device can be marked not effective, not {t.state}")
    when = now + timedelta(seconds=policy.after_not_effective_s)
    return _reschedule(t, DeviceState.NOT_EFFECTIVE, when, NOT_EFFECTIVE_TEXT, policy)


def after_date_over(t: Target) -> Target | None:
    """D15: a device that is still to be pushed (or waiting) when its date is over gives up."""
    if t.state in DUE_STATES or t.state is DeviceState.ACCEPTED:
        return Target(DeviceState.GIVEN_UP, t.pushes, 0, None, GIVEN_UP_DATE)
    return None


INTERRUPTED_TEXT = "推送中断，将重新推送 (push interrupted; will re-send)"


def after_lease_expired(t: Target, now: datetime) -> Target:
    """A ``sending`` row whose worker died: send again now (at-least-once, D16)."""
    return replace(t, state=DeviceState.RETRYING, next_push_at=now, last_result=INTERRUPTED_TEXT)


def after_resume(t: Target, now: datetime) -> Target | None:
    """The platform's pause (22) cleared: paused devices are due at once."""
    if t.state is not DeviceState.PAUSED:
        return None
    return replace(t, next_push_at=now)
