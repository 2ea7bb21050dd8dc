"""Checks of this machine: configuration, data folder, database schema, CJK font.

Qt-free on purpose (STYLE: nothing outside ``station/ui`` imports widgets), so the doctor runs
on a kiosk whose display is broken.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

from station.config import ConfigError, Settings, load_settings
from station.doctor import Finding, finding
from station.resources import resources_dir

CONFIG_TITLE = ("配置文件", "configuration")
DATA_TITLE = ("数据目录", "data folder")
DB_TITLE = ("数据库结构版本", "database schema version")
FONT_TITLE = ("中文字体", "CJK font")
MIN_FREE_BYTES = 500 * 1024 * 1024

#: Font files the GUI loads when no CJK family is installed (station.ui.theme), plus Windows'.
SYSTEM_FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)


def check_config(path: Path | None) -> tuple[Finding, Settings | None]:
    try:
        settings, used = load_settings(path)
    except ConfigError as exc:
        return (
            finding(
                "config",
                CONFIG_TITLE,
                "fail",
                (f"配置无效：{exc}", f"invalid configuration: {exc}"),
                (
                    "按提示修改配置文件中的该项（各项含义见集成指南“配置项”），或删去该项以使用默认值",
                    "fix the key named above (see the integrator guide, configuration keys), or delete it to use the default",
                ),
            ),
            None,
        )
    if not used.exists():
        absent = (f"{used} 不存在，使用默认值", f"{used} is absent: defaults are used")
        return finding("config", CONFIG_TITLE, "ok", absent), settings
    return finding("config", CONFIG_TITLE, "ok", (f"{used} 有效", f"{used} is valid")), settings


def check_data_dir(data_dir: Path) -> Finding:
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        probe = data_dir / f".doctor-{uuid.uuid4().hex}"
        with probe.open("wb") as handle:
            handle.write(b"station doctor write probe")
            handle.flush()
            os.fsync(handle.fileno())
        probe.unlink()
    except OSError as exc:
        return finding(
            "data_dir",
            DATA_TITLE,
            "fail",
            (
                f"{data_dir} 不可写（{exc.strerror or exc}）",
                f"{data_dir} is not writable ({exc.strerror or exc})",
            ),
            (
                "让运行登记站的用户对该目录有写权限，或用 --data-dir 指定其他目录",
                "give the user running the station write access to it, or choose another folder with --data-dir",
            ),
        )
    free = shutil.disk_usage(data_dir).free
    if free < MIN_FREE_BYTES:
        mb = free // (1024 * 1024)
        return finding(
            "data_dir",
            DATA_TITLE,
            "warn",
            (
                f"{data_dir} 可写，但仅剩 {mb} MB",
                f"{data_dir} is writable but only {mb} MB are free",
            ),
            (
                "清理磁盘，或运行 station purge 删除过期照片",
                "free disk space, or run station purge to delete expired photos",
            ),
        )
    return finding("data_dir", DATA_TITLE, "ok", (f"{data_dir} 可写", f"{data_dir} is writable"))


def check_database(settings: Settings, data_dir: Path) -> Finding:
    """Compare the database's schema version with the one this build expects (store API)."""
    from station.doctor import schema

    return schema.check(settings, data_dir)


def _bundled_fonts() -> list[Path]:
    try:
        folder = resources_dir() / "fonts"
    except FileNotFoundError:
        return []
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in {".ttf", ".ttc", ".otf"})


def check_font() -> Finding:
    bundled = _bundled_fonts()
    if bundled:
        return finding(
            "font",
            FONT_TITLE,
            "ok",
            (f"随程序附带：{bundled[0].name}", f"bundled: {bundled[0].name}"),
        )
    if shutil.which("fc-list"):
        out = subprocess.run(
            ["fc-list", ":lang=zh", "family"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        ).stdout
        families = sorted({line.split(",")[0].strip() for line in out.splitlines() if line.strip()})
        if families:
            return finding(
                "font", FONT_TITLE, "ok", (f"已安装：{families[0]}", f"installed: {families[0]}")
            )
    files = [p for p in SYSTEM_FONT_FILES if Path(p).exists()]
    if files:
        return finding("font", FONT_TITLE, "ok", (f"已安装：{files[0]}", f"installed: {files[0]}"))
    return finding(
        "font",
        FONT_TITLE,
        "fail",
        (
            "没有可显示中文的字体，界面文字会显示为方框",
            "no font that renders Chinese: the screen would show empty boxes",
        ),
        (
            "安装中文字体：sudo apt-get install fonts-wqy-microhei（Windows 自带微软雅黑），或使用安装包（自带字体）",
            "install a CJK font: sudo apt-get install fonts-wqy-microhei (Windows ships Microsoft YaHei), or use the installer, which bundles one",
        ),
    )
