"""The simulator's control endpoints, for tests and integrators (not part of the platform).

- ``GET /_sim/log[?since=SEQ]``: the records (see :mod:`station.sim`), pictures summarised.
- ``POST /_sim/scenario`` ``{"scenario": "fail", "devices": {"ACC*": "silent"}}``: switch now;
  without ``devices`` the per-device overrides stay, ``{}`` clears them.
- ``POST /_sim/reset``: forget push counts, opened doors and records.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from station.protocol import envelope
from station.protocol.envelope import Code

if TYPE_CHECKING:
    from station.sim.server import Simulator


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _answer(code: Code, desc: str | None = None, data: Any = "") -> web.Response:
    return web.json_response(envelope.make(code, desc, data).to_json(), dumps=_dumps)


def add_control_routes(app: web.Application, sim: Simulator) -> None:
    async def log(request: web.Request) -> web.Response:
        text = request.query.get("since", "0") or "0"
        if not text.isdigit():
            return _answer(Code.BAD_PARAMETERS, "参数 since 应为非负整数 (记录序号 seq)")
        return web.json_response(sim.recorder.records(int(text)), dumps=_dumps)

    async def scenario(request: web.Request) -> web.Response:
        try:
            body = json.loads(await request.read())
            sim.set_scenario(body["scenario"], body.get("devices"))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            return _answer(Code.BAD_PARAMETERS, f"scenario: {exc}")
        state = {"scenario": sim.scenario, "devices": dict(sim.device_scenarios)}
        sim.recorder.add({"direction": "control", "kind": "scenario", **state})
        return _answer(Code.OK, data=state)

    async def reset(request: web.Request) -> web.Response:
        sim.reset()
        return _answer(Code.OK)

    app.router.add_get("/_sim/log", log)
    app.router.add_post("/_sim/scenario", scenario)
    app.router.add_post("/_sim/reset", reset)
