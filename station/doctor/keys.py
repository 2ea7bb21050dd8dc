"""The photo key (issue 7): present when photos are stored, intact, readable only by its owner.

Wraps ``station.privacy.vault.check_key`` (which returns one bilingual line) into a finding with
what to do.
"""

from __future__ import annotations

from pathlib import Path

from station.config import Settings
from station.doctor import Finding, finding

TITLE = ("照片密钥", "photo key")


def _split(message: str) -> tuple[str, str]:
    """``"中文 (English)"`` → (中文, English)."""
    if message.endswith(")") and " (" in message:
        zh, _, en = message[:-1].rpartition(" (")
        return zh, en
    return message, message


def check_photo_key(settings: Settings, data_dir: Path) -> Finding:
    from station.privacy.vault import check_key, key_file_for

    level, message = check_key(settings.storage, data_dir)
    detail = _split(message)
    if level == "ok":
        return finding("photo_key", TITLE, "ok", detail)
    path = key_file_for(settings.storage, data_dir)
    if level == "warn":
        return finding(
            "photo_key",
            TITLE,
            "warn",
            detail,
            (
                f"chmod 600 {path}（只允许运行登记站的用户读取）",
                f"chmod 600 {path} (only the station's user may read it)",
            ),
        )
    return finding(
        "photo_key",
        TITLE,
        "fail",
        detail,
        (
            "从备份恢复密钥文件，或在 [storage].photo_key_file 指向正确的密钥；没有它已存的人脸照片无法推送",
            "restore the key file from a backup, or point [storage].photo_key_file at the right key; without it the stored face photos cannot be pushed",
        ),
    )
