"""The store under the service and the outbox, on SQLite and PostgreSQL (D12, D15, D16, leases)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel, select

from station.app import Core
from station.domain.clock import FakeClock
from station.domain.rules import Answer
from station.push.outbox import Claim, Outbox, PushResult
from station.store.migrate import current_revision, head_revision
from station.store.tables import CallbackInbox, DeviceTarget
from tests.push.factory import START, door, face, form, make_core, raw


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def core(data_dir: Path, clock: FakeClock, storage: dict[str, Any]) -> Iterator[Core]:
    with make_core(data_dir, clock, storage=storage) as built:
        yield built


def accepted(owner: str) -> PushResult:
    return PushResult(Answer.ACCEPTED, "00", "http://sim", {}, code="00")


def test_schema_is_at_head_and_matches_the_tables(core: Core) -> None:
    assert current_revision(core.store.engine) == head_revision()
    with core.store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_round_trip_keeps_aware_times_and_lists(core: Core, clock: FakeClock) -> None:
    reg_id = core.station.register(form(escort=True)).ids[1]
    view = core.station.registration(reg_id)
    assert view is not None
    assert view.created_at == clock.now()
    assert view.rooms == ("咸阳秦都应急楼一楼综合机房",)
    assert view.phone_masked == "137****3333"
    assert [d.next_push_at for d in view.devices] == [clock.now(), clock.now()]


def test_the_same_callback_delivered_concurrently_is_stored_once(core: Core) -> None:
    core.station.register(form())
    outcomes = []
    barrier = threading.Barrier(4)

    def deliver() -> None:
        barrier.wait()
        outcomes.append(core.station.record_face_result(face("ACC1"), raw()))

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(o.duplicate for o in outcomes) == [False, True, True, True]
    with core.store.transaction() as session:
        assert len(list(session.exec(select(CallbackInbox)))) == 1


def test_two_workers_never_claim_the_same_device(core: Core) -> None:
    for i in range(12):
        core.station.register(form(f"JF-{i}", ("ACC1", "ACC2")))
    outboxes = [Outbox(core.station, f"test:{n}:w", "v3", 60) for n in range(3)]
    claims: list[Claim] = []
    lock = threading.Lock()

    def work(outbox: Outbox) -> None:
        while (claim := outbox.claim(core.clock.now())) is not None:
            with lock:
                claims.append(claim)

    threads = [threading.Thread(target=work, args=(o,)) for o in outboxes]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    ids = [target for claim in claims for target in claim.target_ids]
    assert len(ids) == 24
    assert len(set(ids)) == 24  # every device leased exactly once
    assert all(len(c.people) == 1 for c in claims)


def test_expired_or_dead_leases_are_recovered(core: Core, clock: FakeClock) -> None:
    core.station.register(form("JF-A", ("ACC1",)))
    core.station.register(form("JF-B", ("ACC1",)))
    mine = Outbox(core.station, "test:1:a", "v3", 60)
    first = mine.claim(clock.now())
    dead = Outbox(core.station, "nohost:1:x", "v3", 60)
    second = dead.claim(clock.now())
    assert first is not None
    assert second is not None
    clock.advance(30)
    assert mine.sweep(clock.now()) == 0  # leases still valid, owners unknown to this host
    clock.advance(31)
    assert mine.sweep(clock.now()) == 2
    with core.store.transaction() as session:
        states = {r.state for r in session.exec(select(DeviceTarget))}
    assert states == {"retrying"}
    # the late answer of the first worker no longer applies: its lease is gone (at-least-once)
    mine.complete(first, accepted("a"), clock.now(), 0.5)
    with core.store.transaction() as session:
        assert {r.state for r in session.exec(select(DeviceTarget))} == {"retrying"}


def test_a_late_success_counts_after_given_up(core: Core, clock: FakeClock) -> None:
    reg_id = core.station.register(form(devices=("ACC1",))).ids[0]
    outbox = Outbox(core.station, "test:1:a", "v3", 60)
    claim = outbox.claim(clock.now())
    assert claim is not None
    outbox.complete(claim, accepted("a"), clock.now(), 0.5)
    clock.advance(timedelta(days=1).total_seconds())
    outbox.sweep(clock.now())
    view = core.station.registration(reg_id)
    assert view is not None
    assert view.devices[0].state.value == "given_up"
    core.station.record_face_result(face("ACC1"), raw())
    view = core.station.registration(reg_id)
    assert view is not None
    assert view.devices[0].state.value == "written"


def test_door_events_and_status_round_trip(core: Core) -> None:
    reg_id = core.station.register(form()).ids[0]
    core.station.record_face_result(face("ACC1"), raw())
    outcome = core.station.record_door_open(door("ACC1"), raw("door"))
    assert outcome.flags == ()
    assert core.station.record_door_open(door("ACC1"), raw("door")).duplicate
    status = core.station.status().to_json()
    (event,) = status["door_events"]
    assert event["opened_at"] == "2026-12-03T10:38:01+08:00"
    assert event["registration_id"] == reg_id
    assert event["flags"] == []
    assert status["queue"] == {"due": 1, "scheduled": 0}  # ACC2 is still queued
