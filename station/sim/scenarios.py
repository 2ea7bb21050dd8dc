"""What the simulated platform answers to a push and which result each device gets.

Pure decisions, no I/O: the server counts pushes and asks these functions what to do.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Literal

from station.protocol.callbacks import SUCCESS_TEXT
from station.protocol.envelope import Code

Action = Literal["answer", "drop"]


@dataclass(frozen=True)
class Answer:
    """How to answer one push: an envelope (maybe after a delay) or a dropped connection."""

    action: Action
    code: Code = Code.OK
    desc: str | None = None
    delay_s: float = 0.0


def scenario_for(device_id: str, default: str, overrides: Sequence[tuple[str, str]]) -> str:
    """The device's scenario: the first ``--device-scenario`` pattern that matches, else the default."""
    for pattern, scenario in overrides:
        if fnmatchcase(device_id, pattern):
            return scenario
    return default


def push_answer(
    scenarios: Iterable[tuple[str, str]],
    attempt: int,
    rng: random.Random,
    slow_answer_s: float,
    reject_desc: str = "",
) -> Answer:
    """The answer to a push whose devices have these ``(deviceId, scenario)`` pairs.

    ``attempt`` counts the pushes of this (workOrdNum, phone), 1 for the first. Precedence:
    security (22) > reject (23) > flaky > random > accepted (00).
    """
    pairs = list(scenarios)
    kinds = {scenario for _, scenario in pairs}
    if "security" in kinds:
        return Answer("answer", Code.SECURITY_FAILED, "安全校验不通过 (模拟)")
    if "reject" in kinds:
        ids = ", ".join(device for device, scenario in pairs if scenario == "reject")
        desc = reject_desc or f"字段 deviceId 错误: 门禁设备 {ids} 在平台不存在 (模拟拒绝)"
        return Answer("answer", Code.BAD_PARAMETERS, desc)
    if "flaky" in kinds:
        if attempt == 1:
            return Answer("answer", Code.INTERFACE_ERROR, "接口异常 (模拟: 第 1 次推送)")
        if attempt == 2:
            return Answer("drop")
        if attempt == 3:
            return Answer("answer", Code.OK, delay_s=slow_answer_s)
    if "random" in kinds and rng.random() < 0.15:
        return Answer("answer", Code.INTERFACE_ERROR, "接口异常 (模拟: 随机)")
    return Answer("answer", Code.OK)


def device_result(scenario: str, count: int, rng: random.Random, fail_text: str) -> str | None:
    """The faceWriteResult for a device after its ``count``-th accepted push; None: no callback."""
    if scenario in ("success", "flaky"):
        return SUCCESS_TEXT
    if scenario == "fail":
        return fail_text
    if scenario == "fail-then-success":
        return fail_text if count == 1 else SUCCESS_TEXT
    if scenario == "silent":
        return None
    if scenario == "silent-then-success":
        return None if count == 1 else SUCCESS_TEXT
    if scenario == "random":
        roll = rng.random()
        return SUCCESS_TEXT if roll < 0.70 else fail_text if roll < 0.85 else None
    return None  # security / reject never reach acceptance


def v1_answer(
    scenario: str, attempt: int, rng: random.Random, slow_answer_s: float, fail_text: str
) -> Answer:
    """v1.0 has no callbacks: its synchronous answer is the write result (D4).

    ``fail`` answers 21 with the failure text as desc; ``silent`` means no result at all, so the
    connection is dropped; the ``-then-success`` variants do that only on the first attempt.
    """
    if scenario in ("security", "reject", "flaky"):
        return push_answer([("v1", scenario)], attempt, rng, slow_answer_s)
    result = device_result(scenario, attempt, rng, fail_text)
    if result is None:
        return Answer("drop")
    if result == SUCCESS_TEXT:
        return Answer("answer", Code.OK)
    return Answer("answer", Code.INTERFACE_ERROR, result)
