"""Hypothesis state machine over the service, the outbox and the rules (D4, D5, D12, D14, D15).

It drives registrations, push answers (00/21/22/23, timeouts), face results (also repeated),
not-effective clicks and clock jumps against a real core on SQLite with a FakeClock, and keeps
its own model of what DESIGN §4 and D14/D15 say each device must be. The push step uses the
worker's database side (sweep → claim → complete) with the answer given by the test instead of
an HTTP round trip. Invariants checked after every step:

- every device is in exactly one DESIGN §4 state, and it is the model's;
- ``pushes`` and ``next_push_at`` are exactly what D14/D15 (and the D5 backoff) say;
- a push never carries a written device (nor one waiting for its result), unless it was marked
  not effective (then it is in ``not_effective`` when it is due);
- nothing disappears: every registration, device and stored callback is still there.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import settings as hsettings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import func
from sqlmodel import select

from station.app import Core
from station.domain.clock import FakeClock
from station.domain.rules import Answer
from station.domain.states import DeviceState as S
from station.push.outbox import Outbox, PushResult
from station.service import ActionError
from station.store.tables import CallbackInbox, DeviceTarget, Registration
from tests.push.factory import START, face, form, make_core, raw

TZ = ZoneInfo("Asia/Shanghai")
RETRY = {
    "after_failure_s": 300,
    "after_silence_s": 600,
    "after_not_effective_s": 600,
    "max_pushes": 3,
    "backoff_base_s": 5,
    "backoff_max_s": 40,
    "pause_probe_s": 60,
}
JITTER = 0.5
DUE = {S.QUEUED, S.FAILED, S.NO_RESULT, S.NOT_EFFECTIVE, S.RETRYING, S.PAUSED}
ANSWERS = {
    "00": Answer.ACCEPTED,
    "21": Answer.TRANSIENT,
    "timeout": Answer.TRANSIENT,
    "22": Answer.PAUSED,
    "23": Answer.REJECTED,
}


@dataclass
class Dev:
    row: int  # the device_target id (rows are created in this order)
    reg: int
    device: str
    work_order: str
    reg_date: object
    state: S = S.QUEUED
    pushes: int = 0
    retries: int = 0
    next: datetime | None = None
    delivered: set[tuple[str, int]] = field(default_factory=set)  # D12: (text, pushes) seen


class PushMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="push-machine-"))
        self.clock = FakeClock(START)
        self.core: Core = make_core(self.tmp, self.clock, retry=RETRY)
        self.outbox = Outbox(self.core.station, "machine:1:test", "v3", 60)
        self.devs: list[Dev] = []
        self.regs = 0
        self.callbacks = 0
        self.paused = False
        self.next_probe: datetime | None = None

    def teardown(self) -> None:
        self.core.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- the model ------------------------------------------------------------------------

    def _give_up_or(self, d: Dev, state: S, when: datetime) -> None:
        if d.pushes >= RETRY["max_pushes"]:
            d.state, d.next = S.GIVEN_UP, None
        else:
            d.state, d.next = state, when

    def _sweep(self, now: datetime) -> None:
        for d in self.devs:
            if d.state in DUE | {S.ACCEPTED} and now.astimezone(TZ).date() > d.reg_date:  # type: ignore[operator]
                d.state, d.next, d.retries = S.GIVEN_UP, None, 0  # D15: the date is over
            elif d.state is S.ACCEPTED and d.next is not None and d.next <= now:
                self._give_up_or(d, S.NO_RESULT, d.next)

    def _claimable(self, now: datetime) -> list[Dev]:
        if self.paused and self.next_probe is not None and self.next_probe > now:
            return []
        due = [d for d in self.devs if d.state in DUE and d.next is not None and d.next <= now]
        if not due:
            return []
        first = min(due, key=lambda d: (d.next, d.row))
        return [d for d in due if d.reg == first.reg]

    def _answer(self, d: Dev, answer: Answer, now: datetime) -> None:
        if answer is Answer.ACCEPTED:
            d.state, d.pushes, d.retries = S.ACCEPTED, d.pushes + 1, 0
            d.next = now + timedelta(seconds=RETRY["after_silence_s"])
        elif answer is Answer.TRANSIENT:
            d.retries += 1
            ceiling = min(RETRY["backoff_max_s"], RETRY["backoff_base_s"] * 2 ** (d.retries - 1))
            d.state = S.RETRYING
            d.next = now + timedelta(seconds=ceiling / 2 + ceiling / 2 * JITTER)
        elif answer is Answer.PAUSED:
            d.state, d.next = S.PAUSED, now + timedelta(seconds=RETRY["pause_probe_s"])
        else:
            d.state, d.pushes, d.retries, d.next = S.REJECTED, d.pushes + 1, 0, None

    # -- rules ----------------------------------------------------------------------------

    @rule(devices=st.integers(1, 3), tomorrow=st.booleans())
    def register(self, devices: int, tomorrow: bool) -> None:
        now = self.clock.now()
        day = now.astimezone(TZ).date() + timedelta(days=int(tomorrow))
        work_order = f"JF-{self.regs:04d}"
        names = tuple(f"ACC{i}" for i in range(devices))
        done = self.core.station.register(form(work_order, names, reg_date=day))
        self.regs += 1
        for name in names:
            self.devs.append(Dev(len(self.devs) + 1, done.ids[0], name, work_order, day, next=now))

    @rule(answer=st.sampled_from(sorted(ANSWERS)))
    def push(self, answer: str) -> None:
        now = self.clock.now()
        self._sweep(now)
        expected = self._claimable(now)
        for d in expected:  # a push never carries a written or waiting device
            assert d.state not in (S.WRITTEN, S.ACCEPTED, S.SENDING, S.REJECTED, S.GIVEN_UP)
        self.outbox.sweep(now)
        claim = self.outbox.claim(now)
        if not expected:
            assert claim is None
            return
        assert claim is not None
        assert set(claim.target_ids) == {d.row for d in expected}
        assert claim.device_ids == tuple(d.device for d in expected)
        meaning = ANSWERS[answer]
        result = PushResult(meaning, f"answer {answer}", "http://sim", {}, code=answer)
        self.outbox.complete(claim, result, now, JITTER)
        if self.paused:
            self.next_probe = now + timedelta(seconds=RETRY["pause_probe_s"])
        if meaning is Answer.PAUSED:
            self.paused = True
            self.next_probe = now + timedelta(seconds=RETRY["pause_probe_s"])
        elif self.paused and meaning is not Answer.TRANSIENT:
            self.paused, self.next_probe = False, None
            for d in self.devs:
                if d.state is S.PAUSED:
                    d.next = now
        for d in expected:
            self._answer(d, meaning, now)

    @precondition(lambda self: bool(self.devs))
    @rule(index=st.integers(0, 1000), success=st.booleans())
    def result(self, index: int, success: bool) -> None:
        d = self.devs[index % len(self.devs)]
        text = "成功" if success else "失败：图片质量不合格"
        outcome = self.core.station.record_face_result(
            face(d.device, text, work_order=d.work_order), raw()
        )
        key = (text, d.pushes)
        assert outcome.duplicate == (key in d.delivered)  # D12
        assert outcome.matched
        if outcome.duplicate:
            return
        d.delivered.add(key)
        self.callbacks += 1
        now = self.clock.now()
        if success and d.state not in (S.WRITTEN, S.NOT_EFFECTIVE):
            d.state, d.next, d.retries = S.WRITTEN, None, 0
        elif not success and d.state in (S.ACCEPTED, S.NO_RESULT, S.FAILED, S.RETRYING):
            d.retries = 0
            self._give_up_or(d, S.FAILED, now + timedelta(seconds=RETRY["after_failure_s"]))

    @precondition(lambda self: bool(self.devs))
    @rule(index=st.integers(0, 1000))
    def not_effective(self, index: int) -> None:
        d = self.devs[index % len(self.devs)]
        now = self.clock.now()
        if d.state is not S.WRITTEN:
            try:
                self.core.station.mark_not_effective(d.reg, d.device)
            except ActionError:
                return
            raise AssertionError(f"not-effective accepted in state {d.state}")
        self.core.station.mark_not_effective(d.reg, d.device)
        self._give_up_or(d, S.NOT_EFFECTIVE, now + timedelta(seconds=600))

    @rule(seconds=st.sampled_from([1, 30, 59, 61, 299, 301, 599, 601, 3600, 43200]))
    def advance(self, seconds: int) -> None:
        self.clock.advance(seconds)

    # -- invariants -----------------------------------------------------------------------

    @invariant()
    def devices_match_the_model(self) -> None:
        with self.core.store.transaction() as session:
            rows = {r.id: r for r in session.exec(select(DeviceTarget))}
            regs = session.exec(select(func.count()).select_from(Registration)).one()
            inbox = session.exec(select(func.count()).select_from(CallbackInbox)).one()
        assert regs == self.regs  # nothing disappears
        assert inbox == self.callbacks
        assert len(rows) == len(self.devs)
        for d in self.devs:
            row = rows[d.row]
            assert S(row.state) in set(S)  # exactly one DESIGN state
            got = (S(row.state), row.pushes, row.next_push_at)
            assert got == (d.state, d.pushes, d.next), (d.reg, d.device)
            assert row.lease_owner is None  # nothing left in sending


PushMachine.TestCase.settings = hsettings(max_examples=30, stateful_step_count=40, deadline=None)
TestPushMachine = PushMachine.TestCase
