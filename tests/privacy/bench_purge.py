"""Benchmark of the retention purge (issue 7): N old registrations, callbacks and push attempts.

Run: ``.venv/bin/python -m tests.privacy.bench_purge 10000`` (prints the figures; not a test).
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from station.domain.clock import FakeClock
from station.privacy.purge import run_purge
from station.store.tables import CallbackInbox, PushAttempt, Registration
from tests.privacy.people import ALICE, open_core

T0 = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)


def fill(core, n: int) -> None:
    person = {"name": ALICE.name, "account": ALICE.account, "phone": ALICE.phone}
    with core.store.transaction() as session:
        for i in range(n):
            body = {"workOrdNum": f"WO-{i}", **person, "deviceId": "D1", "faceWriteResult": "成功"}
            session.add(
                CallbackInbox(
                    kind="face",
                    fingerprint=hashlib.sha256(str(i).encode()).hexdigest(),
                    body=json.dumps(body, ensure_ascii=False).encode(),
                    content_type="application/json",
                    received_at=T0,
                )
            )
            session.add(
                PushAttempt(
                    registration_ids=[i],
                    device_ids=["D1"],
                    protocol="v3",
                    url="u",
                    sent={"workOrdNum": f"WO-{i}", **person},
                    started_at=T0,
                    outcome="accepted",
                )
            )
            session.add(
                Registration(
                    work_order=f"WO-{i}",
                    role="operator",
                    city="咸阳市",
                    sites=["s"],
                    rooms=["r"],
                    device_ids=["D1"],
                    reg_date=T0.date(),
                    consent_version="v",
                    consented_at=T0,
                    consent_clerk="c",
                    created_at=T0,
                    name=ALICE.name,
                    account=ALICE.account,
                    phone=ALICE.phone,
                )
            )


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        clock = FakeClock(T0)
        with open_core(Path(tmp), clock) as core:
            fill(core, n)
            clock.advance(40 * 86400)
            times = []
            for dry_run in (True, False, False):
                start = time.perf_counter()
                report = run_purge(
                    core.store, core.vault, core.settings, clock.now(), dry_run=dry_run
                )
                times.append(time.perf_counter() - start)
    print(
        f"N={n}: dry run {times[0]:.2f} s, purge {times[1]:.2f} s, "
        f"next run with nothing to do {times[2]:.2f} s; checkpoint {report.checkpoint}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
