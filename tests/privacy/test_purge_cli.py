"""``station purge`` on a real data dir, and the automatic retention loop (issue 7 §3)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from station.cli import main
from station.domain.clock import FakeClock
from station.privacy.scheduler import retention_loop, retention_service
from station.store.tables import Registration
from tests.helpers.net import wait_until
from tests.privacy.people import ALICE, BOB, DEVICES, face_result, open_core, register


def dump(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_purge_command_dry_run_then_real(data_dir: Path, tmp_path: Path, capsys) -> None:
    past = datetime.now(UTC) - timedelta(days=40)
    with open_core(data_dir, FakeClock(past)) as core:
        old = register(core, ALICE, day=past.date())
    with open_core(data_dir, FakeClock(datetime.now(UTC))) as core:
        fresh = register(
            core, BOB, work_order="JF-NEW", day=datetime.now(UTC).date() + timedelta(days=1)
        )
    config = tmp_path / "station.toml"
    config.write_text("", encoding="utf-8")
    common = ["--config", str(config), "--data-dir", str(data_dir)]
    db = data_dir / "station.db"
    before, photos = dump(db), sorted((data_dir / "photos").iterdir())

    assert main(["purge", "--dry-run", "--json", *common]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["dry_run"] is True
    assert [p["registration_id"] for p in report["photos"]] == [old]
    assert report["anonymised"] == [{"registration_id": old, "work_order": "JF-20261203-0001"}]
    assert dump(db) == before
    assert sorted((data_dir / "photos").iterdir()) == photos

    assert main(["purge", *common]) == 0
    text = capsys.readouterr().out
    assert "已删除 (deleted): 1" in text
    assert "WAL checkpoint: truncated" in text
    conn = sqlite3.connect(db)
    rows = dict(conn.execute("select id, name from registration").fetchall())
    conn.close()
    assert rows == {old: "", fresh: BOB.name}
    assert len(list((data_dir / "photos").glob("*.bin"))) == 1  # BOB's stays

    assert main(["purge", "--json", *common]) == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["photos"], again["anonymised"]) == ([], [])


def test_retention_loop_runs_at_start_and_then_periodically(data_dir: Path) -> None:
    clock = FakeClock(datetime(2026, 12, 3, 2, 0, tzinfo=UTC))
    with open_core(data_dir, clock) as core:
        first = register(core, ALICE, day=datetime(2026, 12, 10).date())
        for device in DEVICES:
            face_result(core, ALICE, device)
        clock.advance(25 * 3600)
        second = register(core, BOB, work_order="JF-2", day=datetime(2026, 12, 10).date())
        for device in DEVICES:
            face_result(core, BOB, device, wo="JF-2")

        def photo(reg_id: int) -> str | None:
            with core.store.transaction() as session:
                row = session.get(Registration, reg_id)
                assert row is not None
                return row.photo_ref

        async def scenario() -> None:
            task = asyncio.create_task(retention_loop(core, interval_s=0.05))
            try:
                await asyncio.to_thread(wait_until, lambda: photo(first) is None)
                assert photo(second) is not None  # written 0 h ago: kept
                clock.advance(25 * 3600)
                await asyncio.to_thread(wait_until, lambda: photo(second) is None)
            finally:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)

        asyncio.run(scenario())
        assert list((data_dir / "photos").glob("*.bin")) == []


def test_retention_service_runs_at_start_and_returns_on_stop(data_dir: Path) -> None:
    clock = FakeClock(datetime(2026, 12, 3, 2, 0, tzinfo=UTC))
    with open_core(data_dir, clock) as core:
        reg_id = register(core, ALICE, day=datetime(2026, 12, 3).date())
        clock.advance(24 * 3600)  # the registered date is over
        service = retention_service(core, interval_s=3600)

        async def scenario() -> None:
            stop = asyncio.Event()
            task = asyncio.create_task(service(stop))
            folder = data_dir / "photos"
            await asyncio.to_thread(lambda: wait_until(lambda: not list(folder.glob("*.bin")), 10))
            stop.set()
            await asyncio.wait_for(task, 10)  # returns without waiting out the hour

        asyncio.run(scenario())
        with core.store.transaction() as session:
            row = session.get(Registration, reg_id)
            assert row is not None
            assert row.photo_ref is None
