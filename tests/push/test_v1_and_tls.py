"""v1.0 mode (D4, D6) and outbound HTTPS verified against platform.ca_file."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import col, select

from station.sim import SimConfig
from station.store.tables import PushAttempt
from tests.helpers.net import wait_until
from tests.helpers.tls import make_pki
from tests.push.factory import form, local_today
from tests.push.harness import chain


def test_v1_operator_and_escort_go_out_as_one_push_and_00_writes_every_device(
    data_dir: Path,
) -> None:
    with chain(data_dir, SimConfig(scenario="success"), platform={"protocol": "v1"}) as c:
        done = c.core.station.register(form(escort=True, reg_date=local_today()))
        for reg in done.ids:
            c.wait_states(reg, {"ACC1": "written", "ACC2": "written"})
        (push,) = c.pushes()
        assert push["kind"] == "v1"
        names = {p["name"]: p["value"] for p in push["parts"] if "value" in p}
        assert names["operatorRelation[0].operatorInfo"] == "唐建峰"
        assert names["escortRelation[0].escortInfo"] == "牛航"
        assert names["orderNo"] == "JF-20261203-0001"


def test_v1_re_push_of_one_person_still_carries_both(data_dir: Path) -> None:
    with chain(data_dir, SimConfig(scenario="success"), platform={"protocol": "v1"}) as c:
        done = c.core.station.register(form(escort=True, reg_date=local_today()))
        for reg in done.ids:
            c.wait_states(reg, {"ACC1": "written", "ACC2": "written"})
        c.core.station.mark_not_effective(done.ids[1], "ACC2")
        wait_until(lambda: len(c.pushes()) == 2)
        c.wait_states(done.ids[1], {"ACC1": "written", "ACC2": "written"})
        second = c.pushes()[1]
        assert second["answer"]["code"] == "00"
        names = {p["name"] for p in second["parts"]}
        assert {"operatorRelation[0].operatorFace", "escortRelation[0].escortFace"} <= names


def test_v1_non_00_answer_schedules_the_failure_re_push(data_dir: Path) -> None:
    with chain(data_dir, SimConfig(scenario="fail"), platform={"protocol": "v1"}) as c:
        done = c.core.station.register(form(escort=True, reg_date=local_today()))
        wait_until(lambda: c.states(done.ids[0])["ACC1"] == "failed", seen=lambda: c.pushes())
        view = c.core.station.registration(done.ids[0])
        assert view is not None
        with c.core.store.transaction() as session:
            attempt = session.exec(select(PushAttempt).order_by(col(PushAttempt.id))).first()
        assert attempt is not None
        assert attempt.outcome == "failed"
        device = view.devices[0]
        assert "失败" in device.last_result
        assert device.next_push_at is not None
        answered = attempt.started_at.timestamp() + attempt.duration_ms / 1000
        delay = device.next_push_at.timestamp() - answered
        assert abs(delay - 1.0) < 0.05  # retry.after_failure_s in the harness


def test_https_push_verified_against_the_configured_ca(data_dir: Path, tmp_path: Path) -> None:
    pki = make_pki(tmp_path / "pki")
    config = SimConfig(cert=str(pki.server_cert), key=str(pki.server_key), callback_delay_s=0.05)
    with chain(data_dir, config, platform={"ca_file": str(pki.ca_file)}) as c:
        assert c.sim.base_url.startswith("https://")
        reg = c.core.station.register(form(reg_date=local_today())).ids[0]
        c.wait_states(reg, {"ACC1": "written", "ACC2": "written"})


def test_https_with_a_wrong_ca_fails_visibly_and_is_never_sent(
    data_dir: Path, tmp_path: Path
) -> None:
    pki = make_pki(tmp_path / "pki")
    other = make_pki(tmp_path / "other")
    config = SimConfig(cert=str(pki.server_cert), key=str(pki.server_key))
    with chain(data_dir, config, platform={"ca_file": str(other.ca_file)}) as c:
        reg = c.core.station.register(form(reg_date=local_today())).ids[0]
        wait_until(lambda: c.states(reg)["ACC1"] == "retrying", seen=lambda: c.states(reg))
        view = c.core.station.registration(reg)
        assert view is not None
        assert "TLS" in view.devices[0].last_result
        assert "CERTIFICATE_VERIFY_FAILED" in view.devices[0].last_result
        assert view.devices[0].next_push_at is not None
        assert c.pushes() == []  # the simulator never received the payload
