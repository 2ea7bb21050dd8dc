"""End-to-end privacy scan (issue 7 acceptance, PIPL Art. 51).

A full run through the real parts: the core service on a tmp data dir, the real push worker,
the real simulator of the 动环 platform calling back (token + HMAC, D13) to the station's real
listener, two people (D3), a failed-then-successful device (D14), a "成功但未生效" re-push and door
events. Then:

- the data dir (database, WAL, photos, logs) and the temp dir hold no JPEG/PNG magic bytes, no
  base64 picture (``/9j/``) and none of the photos' bytes; the same run with encryption
  deliberately broken (an identity cipher inside the real vault) is caught — the scan can fail;
- no log line of the run, as the code wrote it (before the redacting filter) and as it reached
  the log file, holds a full phone number, a test name, the token, the HMAC secret or a picture.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from station.app import Core, build_core
from station.config import Settings, parse_settings
from station.core.forms import Consent, FormError, PersonForm, RegistrationForm
from station.domain.clock import FakeClock
from station.domain.states import Role
from station.logs import LOG_FILE_NAME, setup_logging
from station.sim import SimConfig, run_simulator_in_thread
from station.store.tables import Registration
from tests.helpers.logs import reset_station_logging
from tests.helpers.net import wait_until
from tests.helpers.photos import face_jpeg, grace_hopper, jpeg
from tests.privacy.people import ALICE, BOB, CITY, ROOM, SITE
from tests.privacy.scan import RawLogCapture, files_under, scan_for_pictures, scan_lines
from tests.push.harness import FAST_RETRY, listener_in_thread

TOKEN = "e2e-token-5b1f0c9a77"
SECRET = "e2e-hmac-secret-03d4be21f6"
DEVICES = ("20231201996901", "20231201996902")
WORK_ORDER = "JF-20261203-0313"
START = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)


@dataclass
class Run:
    core: Core
    data_dir: Path
    temp_dir: Path
    photos: tuple[bytes, bytes]
    log: RawLogCapture


class IdentityCipher:
    """Encryption deliberately broken: 'encrypts' to the plaintext (for the can-fail test)."""

    def encrypt(self, _nonce: bytes, data: bytes, _aad: bytes | None) -> bytes:
        return data

    def decrypt(self, _nonce: bytes, data: bytes, _aad: bytes | None) -> bytes:
        return data


def states(core: Core, reg_id: int) -> dict[str, str]:
    view = core.station.registration(reg_id)
    assert view is not None
    return {d.device_id: d.state.value for d in view.devices}


def all_written(core: Core, ids: tuple[int, ...]) -> bool:
    return all(set(states(core, i).values()) == {"written"} for i in ids)


@contextmanager
def full_run(tmp_path: Path, *, broken: bool = False) -> Iterator[Run]:
    data_dir, temp_dir = tmp_path / "data", tmp_path / "tmp"
    temp_dir.mkdir()
    saved_tempdir = tempfile.tempdir
    tempfile.tempdir = str(temp_dir)  # whatever the station writes to temp lands here
    photos = (face_jpeg(), jpeg(grace_hopper()[40:400, 60:420], 85))
    sim_config = SimConfig(
        callback_base_url="http://127.0.0.1:9",
        callback_delay_s=0.05,
        door_events=True,
        door_delay_s=0.05,
        door_anonymous_rate=0.5,
        device_scenarios=((f"*{DEVICES[1][-2:]}", "fail-then-success"),),
        account_prefix="dw",
        token=TOKEN,
        hmac_secret=SECRET,
        seed=7,
    )
    try:
        with RawLogCapture() as log, run_simulator_in_thread(sim_config) as sim:
            settings: Settings = parse_settings(
                {
                    "retry": FAST_RETRY,
                    "platform": {"base_url": sim.base_url, "timeout_s": 5},
                    "listener": {"port": 0, "token": TOKEN, "hmac_secret": SECRET},
                }
            )
            setup_logging(data_dir, console=False, verbose=True, settings=settings)
            with build_core(settings, data_dir) as core:
                if broken:
                    core.vault._aead = IdentityCipher()  # type: ignore[assignment]
                with listener_in_thread(core, settings.listener) as url:
                    sim.set_callback_base_url(url)
                    core.worker.start()
                    yield Run(core, data_dir, temp_dir, photos, log)
    finally:
        tempfile.tempdir = saved_tempdir
        reset_station_logging()


def drive(run: Run) -> tuple[int, ...]:
    """Register two people, wait for every device written, mark one not effective, wait again,
    and for the door events."""
    core = run.core
    now = core.clock.now()
    form = RegistrationForm(
        work_order=WORK_ORDER,
        city=CITY,
        sites=(SITE,),
        rooms=(ROOM,),
        device_ids=DEVICES,
        reg_date=now.astimezone(core.station.tz).date(),
        people=(
            PersonForm(ALICE.name, ALICE.account, ALICE.phone, run.photos[0], Role.OPERATOR),
            PersonForm(BOB.name, BOB.account, BOB.phone, run.photos[1], Role.ESCORT),
        ),
        consent=Consent(core.settings.station.consent_notice_version, now, "clerk-01"),
        created_by="clerk-01",
    )
    ids = core.station.register(form).ids
    wait_until(lambda: all_written(core, ids), 30, lambda: [states(core, i) for i in ids])
    core.station.mark_not_effective(ids[0], DEVICES[0])
    wait_until(lambda: all_written(core, ids), 30, lambda: [states(core, i) for i in ids])
    wait_until(lambda: len(core.station.door_events()) >= 4, 30, core.station.door_events)
    return ids


def test_no_picture_on_disk_after_a_full_run(tmp_path: Path) -> None:
    with full_run(tmp_path) as run:
        drive(run)
        run.core.worker.stop()
        # While the station runs: the WAL holds the latest transactions.
        assert (run.data_dir / "station.db-wal").stat().st_size > 0
        assert scan_for_pictures([run.data_dir, run.temp_dir], run.photos) == []
    # After close: what stays on disk.
    names = {p.name for p in files_under(run.data_dir)}
    assert {"station.db", LOG_FILE_NAME, "photos.key"} <= names
    assert len(list((run.data_dir / "photos").glob("*.bin"))) == 2  # the photos are there …
    assert scan_for_pictures([run.data_dir, run.temp_dir], run.photos) == []  # … unreadable


def test_the_scan_finds_pictures_when_encryption_is_broken(tmp_path: Path) -> None:
    with full_run(tmp_path, broken=True) as run:
        drive(run)
        run.core.worker.stop()
    findings = scan_for_pictures([run.data_dir, run.temp_dir], run.photos)
    assert len(findings) == 2
    assert all("/photos/" in f and "picture bytes" in f for f in findings)


def test_no_personal_data_in_any_log_line_of_a_full_run(tmp_path: Path) -> None:
    with full_run(tmp_path) as run:
        ids = drive(run)
        run.core.worker.stop()
    needles = {
        "phone": ALICE.phone,
        "escort phone": BOB.phone,
        "name": ALICE.name,
        "escort name": BOB.name,
        "token": TOKEN,
        "HMAC secret": SECRET,
    }
    lines = run.log.lines
    assert len(lines) > 20  # the run did log: pushes, results, door events
    assert any(WORK_ORDER in line for line in lines)  # work orders are what logs carry
    assert scan_lines(lines, needles) == []
    log_file = (run.data_dir / "logs" / LOG_FILE_NAME).read_text(encoding="utf-8")
    assert str(ids[0]) in log_file
    assert scan_lines(log_file.splitlines(), needles) == []
    # The checker itself can fail: a leaked line is found.
    leaked = [f"station.x: person {ALICE.phone}", "station.y: picture /9j/4AAQ"]
    assert len(scan_lines(leaked, needles)) == 2


NO_CONSENT = {
    "none": None,
    "no version": Consent(" ", START, "clerk-01"),
    "no clerk": Consent("2026-12-v1", START, ""),
    "naive time": Consent("2026-12-v1", START.replace(tzinfo=None), "clerk-01"),
}


@pytest.mark.parametrize("consent", NO_CONSENT.values(), ids=NO_CONSENT.keys())
def test_a_registration_is_not_stored_without_consent(
    tmp_path: Path, consent: Consent | None
) -> None:
    """Issue 7 §1 is enforced by the core: no row, no photo, the field named."""
    with build_core(Settings(), tmp_path / "data", FakeClock(START)) as core:
        form = RegistrationForm(
            WORK_ORDER, CITY, (SITE,), (ROOM,), DEVICES, START.date(),
            (PersonForm(ALICE.name, ALICE.account, ALICE.phone, face_jpeg()),), consent,
        )  # fmt: skip
        with pytest.raises(FormError) as caught:
            core.station.register(form)
        assert caught.value.field == "consent"
        assert core.station.registrations() == []
        assert list((tmp_path / "data" / "photos").glob("*.bin")) == []  # no photo kept either


@pytest.mark.parametrize("column", ["consent_version", "consented_at", "consent_clerk"])
def test_the_schema_refuses_a_registration_without_consent(tmp_path: Path, column: str) -> None:
    """Issue 7 §1 in the schema too: the consent columns are NOT NULL, whoever writes."""
    with build_core(Settings(), tmp_path / "data", FakeClock(START)) as core:
        values: dict[str, Any] = {
            "work_order": WORK_ORDER, "name": "x", "account": "x", "phone": "x",
            "role": "operator", "city": CITY, "sites": [SITE], "rooms": [ROOM],
            "device_ids": list(DEVICES), "reg_date": START.date(), "created_at": START,
            "consent_version": "2026-12-v1", "consented_at": START, "consent_clerk": "clerk-01",
        }  # fmt: skip
        values[column] = None
        with pytest.raises(IntegrityError, match="NOT NULL"), core.store.transaction() as s:
            s.add(Registration(**values))
        values[column] = START if column == "consented_at" else "ok"
        with core.store.transaction() as s:  # the same row with consent is stored: can fail
            s.add(Registration(**values))
        assert len(core.station.registrations()) == 1
