"""Fixtures of the contract tests: real photo files, and one running ``station sim`` +
``station serve`` pair per module (each test uses its own work orders and device IDs)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.contract.procs import Proc, free_port, write_config
from tests.helpers.photos import astronaut, face_jpeg, jpeg, scene


@dataclass(frozen=True)
class Photos:
    face: Path  # passes the gate
    astronaut: Path  # passes the gate
    no_face: Path  # a real photo without a face
    garbage: Path  # not an image


@pytest.fixture(scope="session")
def photos(tmp_path_factory: pytest.TempPathFactory) -> Photos:
    folder = tmp_path_factory.mktemp("photos")
    files = Photos(
        folder / "face.jpg", folder / "astronaut.jpg", folder / "coffee.jpg", folder / "junk.jpg"
    )
    files.face.write_bytes(face_jpeg())
    files.astronaut.write_bytes(jpeg(astronaut()))
    files.no_face.write_bytes(jpeg(scene("coffee")))
    files.garbage.write_bytes(b"this is not a picture\n")
    return files


@dataclass
class Stack:
    """``station sim`` (scenario success; devices ``SILENT-*`` never get a result, pushes with
    ``REJECT-*`` are answered 23) and ``station serve`` on its own data dir, pushing
    to the simulator; default retry timers (5 and 10 minutes: nothing re-pushes in a test)."""

    sim: Proc
    serve: Proc
    sim_url: str
    listener_url: str
    config: Path
    data_dir: Path

    def common(self) -> list[str]:
        return ["--config", str(self.config), "--data-dir", str(self.data_dir)]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    folder = tmp_path_factory.mktemp("stack")
    port = free_port()
    listener_url = f"http://127.0.0.1:{port}"
    sim = Proc(
        "sim",
        "--port",
        "0",
        "--callback-base-url",
        listener_url,
        "--callback-delay",
        "0.1",
        "--device-scenario",
        "SILENT-*=silent",
        "--device-scenario",
        "REJECT-*=reject",
        "--seed",
        "1",
    )
    serve: Proc | None = None
    try:
        sim_url = sim.wait_url()
        config = write_config(folder / "station.toml", base_url=sim_url, listener_port=port)
        data_dir = folder / "data"
        serve = Proc("serve", "--config", str(config), "--data-dir", str(data_dir))
        assert serve.wait_url() == listener_url, serve.output()
        yield Stack(sim, serve, sim_url, listener_url, config, data_dir)
    finally:
        if serve is not None:
            serve.stop()
        sim.stop()
