"""Run every doctor check in order and render the findings (Chinese first, then English).

Order: configuration first (everything else needs it), then the machine (data folder, database,
font, detector, camera), then the network (TLS, listener port, platform). Checks that need
settings are skipped when the configuration is invalid. ``skip`` names checks left out on purpose.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from station.config import Settings
from station.doctor import Finding, camera, finding, keys, local, network, tls

CHECK_IDS = (
    "config",
    "data_dir",
    "database",
    "photo_key",
    "font",
    "detector",
    "camera",
    "tls",
    "ca_files",
    "listener_port",
    "platform",
)
MARKS = {"ok": "✔", "warn": "!", "fail": "✘", "skip": "-"}


def _settings_checks(data_dir: Path) -> dict[str, Callable[[Settings], Finding]]:
    return {
        "database": lambda s: local.check_database(s, data_dir),
        "photo_key": lambda s: keys.check_photo_key(s, data_dir),
        "detector": camera.check_detector,
        "camera": camera.check_camera,
        "tls": tls.check_listener_tls,
        "ca_files": tls.check_ca_files,
        "listener_port": network.check_listener_port,
        "platform": network.check_platform,
    }


def run_checks(config_path: Path | None, data_dir: Path, skip: Iterable[str] = ()) -> list[Finding]:
    skipped = set(skip)
    config_finding, settings = local.check_config(config_path)
    findings = [config_finding]
    by_settings = _settings_checks(data_dir)
    for check in CHECK_IDS[1:]:
        if check in skipped:
            findings.append(
                finding(check, (check, check), "skip", ("按要求跳过", "skipped on request"))
            )
        elif check == "data_dir":
            findings.append(local.check_data_dir(data_dir))
        elif check == "font":
            findings.append(local.check_font())
        elif settings is None:
            findings.append(
                finding(
                    check,
                    (check, check),
                    "skip",
                    ("配置无效，未检查", "not checked: the configuration is invalid"),
                )
            )
        else:
            findings.append(by_settings[check](settings))
    return findings


def render(findings: list[Finding]) -> str:
    lines: list[str] = []
    for f in findings:
        lines.append(f"{MARKS[f.status]} {f.title_zh} / {f.title_en}: {f.detail_zh}")
        lines.append(f"    {f.detail_en}")
        if f.status in ("warn", "fail") and (f.fix_zh or f.fix_en):
            lines.append(f"    怎么办：{f.fix_zh}")
            lines.append(f"    What to do: {f.fix_en}")
    failed = [f for f in findings if f.status == "fail"]
    if failed:
        names = ", ".join(f.check for f in failed)
        lines.append(
            f"有 {len(failed)} 项问题会妨碍运行 / {len(failed)} problem(s) block operation: {names}"
        )
    else:
        lines.append("可以运行 / ready to run")
    return "\n".join(lines)
