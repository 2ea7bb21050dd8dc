"""Fixtures: a real listener on an ephemeral loopback port, storing into the real core."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from station.listener import Listener
from tests.listener.core import make_core
from tests.listener.harness import plain_settings, running


@dataclass
class Live:
    listener: Listener
    core: Any

    @property
    def url(self) -> str:
        return self.listener.base_url


@pytest.fixture
def live(data_dir: Path) -> Iterator[Live]:
    core = make_core(data_dir)
    with running(plain_settings(), core) as listener:
        yield Live(listener, core)
