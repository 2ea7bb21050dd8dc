"""``station doctor``: checks that say, in Chinese and English, what is wrong and what to do.

Each check returns a :class:`Finding`. ``ok`` and ``warn`` let the station run; ``fail`` blocks
operation (the command exits non-zero, see :mod:`station.cli.doctor` for the codes); ``skip``
means the check could not run because an earlier one failed or the part is not configured.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Status = Literal["ok", "warn", "fail", "skip"]


@dataclass(frozen=True)
class Finding:
    check: str  # stable id: config, data_dir, database, tls, listener_port, platform, camera, …
    title_zh: str
    title_en: str
    status: Status
    detail_zh: str
    detail_en: str
    fix_zh: str = ""  # what to do, when status is warn or fail
    fix_en: str = ""

    def to_json(self) -> dict[str, str]:
        return asdict(self)


def finding(
    check: str,
    titles: tuple[str, str],
    status: Status,
    detail: tuple[str, str],
    fix: tuple[str, str] = ("", ""),
) -> Finding:
    """Build a finding from (Chinese, English) pairs."""
    return Finding(check, titles[0], titles[1], status, detail[0], detail[1], fix[0], fix[1])


def blocking(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.status == "fail"]
