"""The simulator's pure rules: settings validation, per-device patterns, answer precedence."""

from __future__ import annotations

import random

import pytest

from station.protocol.envelope import Code
from station.sim import SCENARIOS, SimConfig, parse_device_scenario
from station.sim.scenarios import device_result, push_answer, scenario_for, v1_answer


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"scenario": "sometimes"}, "unknown scenario 'sometimes'"),
        ({"device_scenarios": (("ACC*", "maybe"),)}, "device_scenarios['ACC*']"),
        ({"cert": "a.pem"}, "cert and key"),
        ({"client_key": "k.pem"}, "client_cert and client_key"),
        ({"max_picture_bytes": 0}, "max_picture_bytes"),
        ({"callback_base_url": "127.0.0.1:8443"}, "callback_base_url"),
        ({"v1_path": "register"}, "v1_path"),
        ({"timezone": "Mars/Base"}, "timezone"),
    ],
)
def test_bad_settings_name_the_field(kwargs: dict[str, object], needle: str) -> None:
    with pytest.raises(ValueError) as info:
        SimConfig(**kwargs)  # type: ignore[arg-type]
    assert needle in str(info.value)


def test_device_scenario_option() -> None:
    assert parse_device_scenario("ACC*=fail") == ("ACC*", "fail")
    assert parse_device_scenario("a=b=silent") == ("a=b", "silent")
    for bad in ("ACC*", "=fail", "ACC*=nope"):
        with pytest.raises(ValueError) as info:
            parse_device_scenario(bad)
        assert repr(bad) in str(info.value)


def test_first_matching_pattern_wins() -> None:
    overrides = (("ACC0?", "fail"), ("ACC*", "silent"))
    assert scenario_for("ACC01", "success", overrides) == "fail"
    assert scenario_for("ACC10", "success", overrides) == "silent"
    assert scenario_for("D2025", "success", overrides) == "success"
    assert scenario_for("acc01", "success", overrides) == "success"  # case-sensitive IDs


def test_answer_precedence() -> None:
    rng = random.Random(1)
    mixed = [("a", "success"), ("b", "reject"), ("c", "security"), ("d", "flaky")]
    assert push_answer(mixed, 1, rng, 0).code == Code.SECURITY_FAILED
    assert push_answer(mixed[:2] + mixed[3:], 1, rng, 0).code == Code.BAD_PARAMETERS
    flaky = [("a", "success"), ("d", "flaky")]
    assert [push_answer(flaky, n, rng, 0.5) for n in (1, 2, 3, 4)] == [
        push_answer([("d", "flaky")], 1, rng, 0.5),
        push_answer([("d", "flaky")], 2, rng, 0.5),
        push_answer([("d", "flaky")], 3, rng, 0.5),
        push_answer([], 1, rng, 0.5),
    ]
    assert push_answer(flaky, 2, rng, 0).action == "drop"
    assert push_answer(flaky, 3, rng, 0.5).delay_s == 0.5


def test_every_scenario_has_a_device_rule_and_a_v1_answer() -> None:
    rng = random.Random(3)
    for scenario in SCENARIOS:
        for count in (1, 2):
            result = device_result(scenario, count, rng, "失败：x")
            assert result in ("成功", "失败：x", None)
            answer = v1_answer(scenario, count, rng, 0, "失败：x")
            assert answer.action in ("answer", "drop")
    assert device_result("fail-then-success", 1, rng, "失败：x") == "失败：x"
    assert device_result("fail-then-success", 2, rng, "失败：x") == "成功"
    assert device_result("silent-then-success", 1, rng, "失败：x") is None
    assert device_result("silent-then-success", 3, rng, "失败：x") == "成功"
