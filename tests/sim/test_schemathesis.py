"""schemathesis against the simulator's platform endpoints: whatever the document allows (and
much it does not), the simulator answers an envelope, never a server error or a stack trace."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from station.resources import resources_dir
from station.sim import SimConfig, SimHandle, run_simulator_in_thread

DOCUMENT = resources_dir() / "openapi.yaml"
schema = schemathesis.openapi.from_path(DOCUMENT).include(tag="platform")


@pytest.fixture(scope="module")
def sim() -> Iterator[SimHandle]:
    config = SimConfig(callback_base_url="http://127.0.0.1:9", scenario="silent")
    with run_simulator_in_thread(config) as handle:
        yield handle


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_platform_endpoints_answer_envelopes(case: schemathesis.Case[Any], sim: SimHandle) -> None:
    response = case.call(base_url=sim.base_url)
    if case.method.upper() != "POST":  # schemathesis also tries other methods
        assert response.status_code == 405
        return
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"code", "desc", "data"}
    assert body["code"] in ("00", "23"), body
    if body["code"] == "23":
        assert body["desc"]
