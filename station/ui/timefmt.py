"""Times on screen in the station's time zone ([station] timezone, D10), whatever the OS says."""

from __future__ import annotations

from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

_zone: tzinfo = ZoneInfo("Asia/Shanghai")


def set_timezone(name: str) -> None:
    global _zone
    _zone = ZoneInfo(name)


def local(when: datetime) -> datetime:
    """``when`` in the station's zone (a naive time is taken as already local)."""
    return when.astimezone(_zone) if when.tzinfo else when


def now() -> datetime:
    return datetime.now(_zone)
