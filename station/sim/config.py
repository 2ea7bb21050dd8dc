"""The simulator's settings and its scenarios (what the simulated 动环 platform does).

Scenarios, per device (a push's answer follows the "worst" device, see :mod:`.scenarios`):

- ``success``: answer 00, then faceOperationResult ``成功`` for every device.
- ``fail``: answer 00, then ``失败：…`` (``fail_text``) for every device, every time.
- ``fail-then-success``: the first push of a (workOrdNum, phone, deviceId) fails, later ones succeed.
- ``silent``: answer 00 and never call back.
- ``silent-then-success``: the first push gets no result, later ones succeed.
- ``flaky``: per (workOrdNum, phone): 1st push answered 21 (HTTP 500), 2nd push's connection
  dropped with no answer, 3rd answered 00 only after ``slow_answer_s``, then 00; results succeed.
- ``security``: always 22 (安全校验不通过), no callbacks.
- ``reject``: always 23 with a desc naming the devices (``reject_desc`` overrides it).
- ``random``: a seeded mix: 15 % of pushes 21, devices 70 % success / 15 % fail / 15 % silent.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SCENARIOS = (
    "success",
    "fail",
    "fail-then-success",
    "silent",
    "silent-then-success",
    "flaky",
    "security",
    "reject",
    "random",
)
DEFAULT_V1_PATH = "/ywgl/v1/register"  # D6: the spec gives no v1.0 URL; ours, documented here


def check_scenario(name: str, where: str = "scenario") -> str:
    if name not in SCENARIOS:
        raise ValueError(
            f"{where}: unknown scenario {name!r}, expected one of {', '.join(SCENARIOS)}"
        )
    return name


def parse_device_scenario(text: str) -> tuple[str, str]:
    """``PATTERN=SCENARIO`` (fnmatch pattern on the device ID) as given to ``--device-scenario``."""
    pattern, sep, scenario = text.rpartition("=")
    if not sep or not pattern:
        raise ValueError(f"device scenario {text!r}: expected PATTERN=SCENARIO, e.g. 'ACC*=fail'")
    return pattern, check_scenario(scenario, f"device scenario {text!r}")


@dataclass(frozen=True)
class SimConfig:
    host: str = "127.0.0.1"
    port: int = 0  # 0: an ephemeral port; read it from the base URL ``start()`` returns
    #: Where the station listens (D7); callbacks go to this + the spec's paths.
    callback_base_url: str = "https://127.0.0.1:8443"
    scenario: str = "success"
    #: ``(fnmatch pattern on deviceId, scenario)``, first match wins, else ``scenario``.
    device_scenarios: tuple[tuple[str, str], ...] = ()
    callback_delay_s: float = 0.5  # after the 00 answer, before the device results
    door_events: bool = False  # send openDoorReceive for written devices
    door_delay_s: float = 2.0  # after a device's success result, before its door opens
    door_anonymous_rate: float = 0.2  # chance a door event is followed by one with no work order
    cert: str = ""  # PEM chain: serve HTTPS
    key: str = ""
    callback_ca: str = ""  # CA file that signs the station's certificate (HTTPS callbacks)
    client_cert: str = ""  # present this certificate on callbacks (mutual TLS)
    client_key: str = ""
    token: str = ""  # add X-Auth-Token to callbacks (D13)
    hmac_secret: str = ""  # add X-Timestamp + X-Signature to callbacks (D13)
    max_picture_bytes: int = 204800  # raw JPEG size the platform accepts
    seed: int | None = None  # for ``random`` and anonymous door events
    log_path: Path | None = None  # JSON lines record of everything received and sent
    v1_path: str = DEFAULT_V1_PATH
    callback_retries: int = 3  # extra attempts after a failed delivery
    callback_retry_delay_s: float = 1.0
    callback_timeout_s: float = 10.0
    slow_answer_s: float = 2.0  # ``flaky``: how long the slow answer takes
    fail_text: str = "失败：图片质量不合格"
    reject_desc: str = ""  # ``reject``: the desc of the 23 answer; empty: names the devices
    account_prefix: str = ""  # e.g. "dw": callbacks carry "dw" + account, like the spec example
    timezone: str = "Asia/Shanghai"  # D10: dailyOpenTime is local time

    def __post_init__(self) -> None:
        check_scenario(self.scenario)
        for pattern, scenario in self.device_scenarios:
            check_scenario(scenario, f"device_scenarios[{pattern!r}]")
        if bool(self.cert) != bool(self.key):
            raise ValueError("cert and key: give both (HTTPS) or neither (HTTP)")
        if bool(self.client_cert) != bool(self.client_key):
            raise ValueError("client_cert and client_key: give both or neither")
        if self.max_picture_bytes < 1:
            raise ValueError("max_picture_bytes: expected a positive number of bytes")
        if not self.callback_base_url.startswith(("http://", "https://")):
            raise ValueError("callback_base_url: expected http://… or https://…")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"timezone: unknown time zone {self.timezone!r}") from None
        if not self.v1_path.startswith("/"):
            raise ValueError("v1_path: expected a path starting with /")
