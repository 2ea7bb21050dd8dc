"""Fixtures: a real listener on an ephemeral loopback port, storing into the real core."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from station.app import Core
from station.listener import Listener
from tests.listener.core import make_core
from tests.listener.harness import plain_settings, running


@dataclass
class Live:
    listener: Listener
    core: Core

    @property
    def url(self) -> str:
        return self.listener.base_url


@pytest.fixture
def core(data_dir: Path) -> Iterator[Core]:
    """The real core on a fresh SQLite file (push worker not started)."""
    built = make_core(data_dir)
    try:
        yield built
    finally:
        built.close()


@pytest.fixture
def live(core: Core) -> Iterator[Live]:
    with running(plain_settings(), core.station) as listener:
        yield Live(listener, core)
