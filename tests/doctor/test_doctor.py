"""``station doctor`` provoked into each failure: the finding names the problem and what to do."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import cv2
import pytest
import trustme
from aiohttp import web

from station.cli import main
from station.config import Settings, save_settings
from tests.helpers.net import free_port
from tests.helpers.photos import astronaut
from tests.helpers.tls import make_pki


def run_doctor(
    capsys: pytest.CaptureFixture[str], config: Path, data_dir: Path, *extra: str
) -> tuple[int, dict[str, Any]]:
    code = main(["doctor", "--config", str(config), "--data-dir", str(data_dir), "--json", *extra])
    report = json.loads(capsys.readouterr().out)
    assert report["exit_code"] == code
    return code, {c["check"]: c for c in report["checks"]}


def write_config(path: Path, settings: Settings) -> Path:
    save_settings(settings, path)
    return path


@contextmanager
def http_server() -> Iterator[int]:
    """A real aiohttp server on a loopback ephemeral port (answers 404 to GET /)."""
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(web.Application())
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    port = runner.addresses[0][1]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield port
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.run_until_complete(runner.cleanup())
        loop.close()


def face_video(path: Path) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10, (512, 512))
    for _ in range(5):
        writer.write(astronaut())
    writer.release()
    return path


def healthy_settings(tmp_path: Path, platform_port: int) -> Settings:
    s = Settings()
    s.platform.base_url = f"http://127.0.0.1:{platform_port}"
    s.listener.port = 0
    s.camera.source = str(face_video(tmp_path / "face.avi"))
    return s


def test_healthy_station_exits_zero(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with http_server() as port:
        config = write_config(tmp_path / "s.toml", healthy_settings(tmp_path, port))
        code, checks = run_doctor(capsys, config, data_dir)
    assert code == 0
    assert checks["platform"]["status"] == "ok"
    assert "HTTP 404" in checks["platform"]["detail_en"]
    assert checks["camera"]["status"] == "ok"
    assert checks["detector"]["status"] == "ok"
    assert checks["data_dir"]["status"] == "ok"
    assert checks["tls"]["status"] == "warn"  # plain HTTP is a warning, not a block


def test_unknown_config_key_exits_two_and_names_it(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "s.toml"
    config.write_text("[listener]\nprot = 8443\n", encoding="utf-8")
    code, checks = run_doctor(capsys, config, data_dir)
    assert code == 2
    assert checks["config"]["status"] == "fail"
    assert "[listener].prot" in checks["config"]["detail_en"]
    assert "fix the key" in checks["config"]["fix_en"]
    assert checks["platform"]["status"] == "skip"


def test_expired_certificate_blocks(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ca = trustme.CA()
    expired_on = datetime.now(UTC) - timedelta(days=3)
    leaf = ca.issue_cert(
        "127.0.0.1", not_before=expired_on - timedelta(days=90), not_after=expired_on
    )
    cert, key = tmp_path / "old.pem", tmp_path / "old.key"
    leaf.cert_chain_pems[0].write_to_path(str(cert))
    leaf.private_key_pem.write_to_path(str(key))
    s = Settings()
    s.listener.tls_cert, s.listener.tls_key = str(cert), str(key)
    code, checks = run_doctor(capsys, write_config(tmp_path / "s.toml", s), data_dir)
    assert code == 1
    assert checks["tls"]["status"] == "fail"
    assert f"expired on {expired_on:%Y-%m-%d}" in checks["tls"]["detail_en"]
    assert "issue a new certificate" in checks["tls"]["fix_en"]
    assert "过期" in checks["tls"]["detail_zh"]


def test_certificate_expiring_soon_warns(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ca = trustme.CA()
    soon = datetime.now(UTC) + timedelta(days=10)
    leaf = ca.issue_cert("127.0.0.1", not_after=soon)
    cert, key = tmp_path / "soon.pem", tmp_path / "soon.key"
    leaf.cert_chain_pems[0].write_to_path(str(cert))
    leaf.private_key_pem.write_to_path(str(key))
    s = Settings()
    s.listener.tls_cert, s.listener.tls_key = str(cert), str(key)
    _, checks = run_doctor(capsys, write_config(tmp_path / "s.toml", s), data_dir)
    assert checks["tls"]["status"] == "warn"
    assert f"expires on {soon:%Y-%m-%d}" in checks["tls"]["detail_en"]
    assert "renew" in checks["tls"]["fix_en"]


def test_valid_certificate_states_expiry_and_mismatch_is_caught(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pki = make_pki(tmp_path / "pki")
    s = Settings()
    s.listener.tls_cert, s.listener.tls_key = str(pki.server_cert), str(pki.server_key)
    s.listener.client_ca = str(pki.ca_file)
    _, checks = run_doctor(capsys, write_config(tmp_path / "s.toml", s), data_dir)
    assert checks["tls"]["status"] == "ok"
    assert "valid until 3000-01-01" in checks["tls"]["detail_en"]  # trustme's default
    assert checks["ca_files"]["status"] == "ok"

    s.listener.tls_key = str(pki.client_key)  # a key of another certificate
    s.platform.ca_file = str(tmp_path / "missing-ca.pem")
    _, checks = run_doctor(capsys, write_config(tmp_path / "s.toml", s), data_dir)
    assert checks["tls"]["status"] == "fail"
    assert "does not match" in checks["tls"]["detail_en"]
    assert checks["ca_files"]["status"] == "fail"
    assert "[platform].ca_file" in checks["ca_files"]["fix_en"]


def test_port_taken_says_what_holds_it(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        s = Settings()
        s.listener.port = port
        code, checks = run_doctor(capsys, write_config(tmp_path / "s.toml", s), data_dir)
    assert code == 1
    assert checks["listener_port"]["status"] == "fail"
    assert f"127.0.0.1:{port} is in use" in checks["listener_port"]["detail_en"]
    assert "[listener].port" in checks["listener_port"]["fix_en"]


def test_platform_down_suggests_the_simulator(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s = Settings()
    s.platform.base_url = f"http://127.0.0.1:{free_port()}"
    code, checks = run_doctor(capsys, write_config(tmp_path / "s.toml", s), data_dir)
    assert code == 1
    assert checks["platform"]["status"] == "fail"
    assert "cannot connect" in checks["platform"]["detail_en"]
    assert "station sim" in checks["platform"]["fix_en"]
    assert "模拟器" in checks["platform"]["fix_zh"]


def test_no_camera_and_missing_model(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s = Settings()
    s.camera.source = str(tmp_path / "no-such-clip.avi")
    s.camera.dnn_model = str(tmp_path / "yunet.onnx")
    code, checks = run_doctor(capsys, write_config(tmp_path / "s.toml", s), data_dir)
    assert code == 1
    assert checks["camera"]["status"] == "fail"
    assert "[camera].source" in checks["camera"]["fix_en"]
    assert checks["detector"]["status"] == "fail"
    assert "[camera].dnn_model" in checks["detector"]["fix_en"]
    assert "does not exist" in checks["detector"]["detail_en"]

    s.camera.source = "97"  # a webcam index no machine here has
    _, checks = run_doctor(capsys, write_config(tmp_path / "s.toml", s), data_dir)
    assert checks["camera"]["status"] == "fail"
    assert "webcam 97" in checks["camera"]["detail_en"]

    s.camera.source, s.camera.dnn_model = "synthetic", ""
    _, checks = run_doctor(capsys, write_config(tmp_path / "s.toml", s), data_dir)
    assert checks["camera"]["status"] == "warn"
    assert checks["detector"]["status"] == "ok"


def test_data_dir_not_writable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    config = write_config(tmp_path / "s.toml", Settings())
    code, checks = run_doctor(capsys, config, blocker / "data", "--skip", "platform")
    assert code == 1
    assert checks["data_dir"]["status"] == "fail"
    assert "--data-dir" in checks["data_dir"]["fix_en"]
    assert checks["platform"]["status"] == "skip"


def test_text_report_is_bilingual(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s = Settings()
    s.platform.base_url = f"http://127.0.0.1:{free_port()}"
    config = write_config(tmp_path / "s.toml", s)
    code = main(["doctor", "--config", str(config), "--data-dir", str(tmp_path / "d")])
    out = capsys.readouterr().out
    assert code == 1
    assert "怎么办：" in out
    assert "What to do:" in out
    assert "problem(s) block operation" in out
    assert "中文字体 / CJK font" in out


def test_database_schema_current_behind_and_newer(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy import text

    from station.store.engine import make_engine
    from station.store.migrate import head_revision, migrate

    config = write_config(tmp_path / "s.toml", Settings())
    _, checks = run_doctor(capsys, config, data_dir, "--skip", "platform")
    assert checks["database"]["status"] == "ok"
    assert "does not exist yet" in checks["database"]["detail_en"]
    assert not (data_dir / "station.db").exists()  # the doctor never creates it

    engine = make_engine(f"sqlite:///{data_dir / 'station.db'}")
    migrate(engine, data_dir / "station.db")
    _, checks = run_doctor(capsys, config, data_dir, "--skip", "platform")
    assert checks["database"]["status"] == "ok"
    assert f"schema revision {head_revision()}, current" in checks["database"]["detail_en"]

    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'from_the_future'"))
    engine.dispose()
    code, checks = run_doctor(capsys, config, data_dir, "--skip", "platform", "--skip", "camera")
    assert code == 1
    assert checks["database"]["status"] == "fail"
    assert "newer than this build" in checks["database"]["detail_en"]
    assert "restore a backup" in checks["database"]["fix_en"]


def test_port_held_by_a_running_station_is_a_warning(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from station.app import build_core
    from station.listener import Listener

    s = Settings()
    s.listener.port = free_port()
    config = write_config(tmp_path / "s.toml", s)
    core = build_core(s, tmp_path / "running")
    loop = asyncio.new_event_loop()
    listener = Listener(s.listener, core.station)
    loop.run_until_complete(listener.start())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        code, checks = run_doctor(
            capsys, config, data_dir, "--skip", "platform", "--skip", "camera"
        )
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.run_until_complete(listener.stop())
        loop.close()
        core.close()
    assert checks["listener_port"]["status"] == "warn"
    assert "already listening" in checks["listener_port"]["detail_en"]
    assert code == 0


def test_photo_key_damaged_blocks_and_too_open_warns(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s = Settings()
    key = tmp_path / "keys" / "photos.key"
    s.storage.photo_key_file = str(key)
    config = write_config(tmp_path / "s.toml", s)
    _, checks = run_doctor(capsys, config, data_dir, "--skip", "platform")
    assert checks["photo_key"]["status"] == "ok"  # created at first start

    key.parent.mkdir()
    key.write_bytes(b"short")
    key.chmod(0o600)
    code, checks = run_doctor(capsys, config, data_dir, "--skip", "platform", "--skip", "camera")
    assert code == 1
    assert checks["photo_key"]["status"] == "fail"
    assert "damaged" in checks["photo_key"]["detail_en"]
    assert "已损坏" in checks["photo_key"]["detail_zh"]
    assert "[storage].photo_key_file" in checks["photo_key"]["fix_en"]

    key.write_bytes(bytes(32))
    key.chmod(0o644)
    _, checks = run_doctor(capsys, config, data_dir, "--skip", "platform")
    assert checks["photo_key"]["status"] == "warn"
    assert f"chmod 600 {key}" in checks["photo_key"]["fix_en"]
