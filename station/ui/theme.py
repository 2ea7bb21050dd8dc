"""Look and feel: CJK font, colours per DESIGN state, and the kiosk style sheet.

Colours follow one rule so a glance from two metres tells the story: green = written (door will
open), blue/cyan = in progress, amber = waiting for a timed re-push, red = failed or needs a person,
purple = configuration problem (paused by code 22, D5).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from station.ui.i18n import tr

log = logging.getLogger(__name__)

#: Fonts that render Chinese, in order of preference; the first one found is used.
CJK_FAMILIES = (
    "WenQuanYi Micro Hei",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
)
SYSTEM_FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)

INK = "#111827"
MUTED = "#6B7280"
SURFACE = "#F3F4F6"
CARD = "#FFFFFF"
ACCENT = "#1D4ED8"
OK = "#15803D"
WARN = "#B45309"
BAD = "#B91C1C"
CONFIG = "#6D28D9"

#: DESIGN §4 device state → (Chinese words, colour). Chinese is the source text for tr().
STATE_STYLE: dict[str, tuple[str, str]] = {
    "queued": ("排队待推送", MUTED),
    "sending": ("推送中", ACCENT),
    "accepted": ("已受理，等待写入结果", "#0E7490"),
    "written": ("已写入，可刷脸开门", OK),
    "failed": ("写入失败，将重新推送", BAD),
    "no_result": ("无结果，将重新推送", WARN),
    "not_effective": ("未生效，将重新推送", WARN),
    "retrying": ("网络异常，稍后重试", WARN),
    "rejected": ("平台拒绝，需修改信息", BAD),
    "paused": ("安全校验失败，已暂停", CONFIG),
    "given_up": ("需人工处理", BAD),
}

#: DESIGN §4 door-event flags → Chinese words.
FLAG_TEXT: dict[str, str] = {
    "unmatched": "无对应登记",
    "no_work_order": "无工单开门",
    "outside_date": "不在登记日期",
    "room_not_registered": "机房未登记",
    "not_written": "人脸未写入该门",
}


def state_text(state: str) -> str:
    words = STATE_STYLE.get(state, (state, MUTED))[0]
    return tr(words)


def state_colour(state: str) -> str:
    return STATE_STYLE.get(state, ("", MUTED))[1]


def flag_text(flag: str) -> str:
    return tr(FLAG_TEXT.get(flag, flag))


def load_cjk_font(app: QApplication, bundled: Path | None = None) -> str | None:
    """Make sure Chinese never renders as boxes; returns the family used (None: none found)."""
    files = sorted(bundled.glob("*.tt[fc]")) if bundled and bundled.is_dir() else []
    for path in files:
        if QFontDatabase.addApplicationFont(str(path)) < 0:
            log.warning("could not load bundled font %s", path)
    families = set(QFontDatabase.families())
    chosen = next((f for f in CJK_FAMILIES if f in families), None)
    if chosen is None:
        for path_text in SYSTEM_FONT_FILES:
            if Path(path_text).exists():
                font_id = QFontDatabase.addApplicationFont(path_text)
                loaded = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
                if loaded:
                    chosen = loaded[0]
                    break
    if chosen is None:
        log.error(
            "no CJK font found: Chinese text will render as boxes (install fonts-wqy-microhei)"
        )
        return None
    font = QFont(chosen)
    font.setPointSize(app.font().pointSize() if app.font().pointSize() > 0 else 11)
    app.setFont(font)
    log.info("UI font: %s", chosen)
    return chosen


def style_sheet(kiosk: bool) -> str:
    """The whole app's style; kiosk mode scales every control up for touch."""
    base = 20 if kiosk else 15
    pad = 14 if kiosk else 8
    return f"""
QWidget {{ font-size: {base}px; color: {INK}; }}
QMainWindow, #page {{ background: {SURFACE}; }}
#navbar {{ background: #0F172A; }}
#navbar QPushButton {{
    color: #E5E7EB; background: transparent; border: none; text-align: left;
    padding: {pad + 6}px {pad + 8}px; font-size: {base + 3}px; border-left: 5px solid transparent;
}}
#navbar QPushButton:checked {{ background: #1E293B; color: white; border-left-color: #38BDF8; }}
#navbar QLabel#brand {{ color: white; font-size: {base + 5}px; font-weight: bold; padding: 18px; }}
#navbar QLabel#stationName {{ color: #94A3B8; padding: 0 18px 12px 18px; }}
QLabel#pageTitle {{ font-size: {base + 10}px; font-weight: bold; }}
QLabel#hint {{ font-size: {base + 8}px; font-weight: bold; padding: 8px; border-radius: 8px; }}
QLabel#fieldError {{ color: {BAD}; font-size: {base - 2}px; }}
QLabel#muted {{ color: {MUTED}; }}
QFrame#card {{ background: {CARD}; border: 1px solid #E5E7EB; border-radius: 12px; }}
QPushButton {{
    padding: {pad}px {pad + 10}px; border-radius: 8px; border: 1px solid #CBD5E1;
    background: white; min-height: {base + 12}px;
}}
QPushButton:hover {{ background: #EFF6FF; }}
QPushButton:disabled {{ color: #9CA3AF; background: #F3F4F6; }}
QPushButton#primary {{ background: {ACCENT}; color: white; border: none; font-weight: bold; }}
QPushButton#primary:disabled {{ background: #93C5FD; color: #EFF6FF; }}
QPushButton#danger {{ background: #FEF2F2; color: {BAD}; border: 1px solid #FCA5A5; }}
QLineEdit, QComboBox, QDateEdit, QSpinBox, QDoubleSpinBox, QPlainTextEdit {{
    padding: {pad - 2}px; border: 1px solid #CBD5E1; border-radius: 6px; background: white;
    min-height: {base + 8}px;
}}
QLineEdit[invalid="true"] {{ border: 2px solid {BAD}; background: #FEF2F2; }}
/* Typed numbers without arrows: with a style sheet, NoButtons alone leaves the text undrawn
   (Qt 6.12), so the button sub-controls are given no width instead. */
QAbstractSpinBox::up-button, QAbstractSpinBox::down-button {{
    subcontrol-origin: border; width: 0px; border: none;
}}
QListWidget {{ border: 1px solid #CBD5E1; border-radius: 6px; background: white; }}
QListWidget::item {{ padding: {pad // 2}px; }}
QTableView {{ background: white; gridline-color: #E5E7EB; selection-background-color: #DBEAFE;
    selection-color: {INK}; }}
QHeaderView::section {{ background: #E5E7EB; padding: {pad // 2 + 2}px; border: none;
    font-weight: bold; }}
QStatusBar {{ background: #0F172A; color: #E5E7EB; }}
QStatusBar QLabel {{ color: #E5E7EB; padding: 2px 12px; }}
QCheckBox {{ spacing: 10px; }}
QCheckBox::indicator {{ width: {base + 4}px; height: {base + 4}px; }}
QTabBar::tab {{ padding: {pad}px {pad + 12}px; background: #E5E7EB; border: 1px solid #CBD5E1;
    border-bottom: none; border-top-left-radius: 8px; border-top-right-radius: 8px; margin-right: 2px; }}
QTabBar::tab:selected {{ background: white; color: {ACCENT}; font-weight: bold; }}
QTabWidget::pane {{ border: 1px solid #CBD5E1; background: white; border-radius: 6px; }}
QGroupBox {{ font-weight: bold; border: 1px solid #E5E7EB; border-radius: 10px;
    margin-top: 16px; padding: 14px 10px 10px 10px; background: white; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 12px; padding: 0 6px; }}
"""
