"""Registrations made through the core directly (many at once), for load and screenshot tests."""

from __future__ import annotations

import asyncio
from datetime import date

from station.ui.app import GuiApp
from station.ui.core import core_form
from station.ui.form import RegistrationForm
from tests.helpers.photos import face_jpeg

ROOMS = {
    "ACC-1001": "咸阳秦都应急楼一楼综合机房",
    "ACC-1002": "咸阳秦都应急楼一楼综合机房",
    "FAIL-2001": "咸阳秦都应急楼二楼传输机房",
}
NAMES = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强")


def form(
    index: int, today: date, devices: tuple[str, ...] = ("ACC-1001", "ACC-1002")
) -> RegistrationForm:
    return RegistrationForm(
        work_order=f"JF-20261203-{index:04d}",
        name=NAMES[index % len(NAMES)],
        account=f"worker{index:03d}",
        phone=f"139{index:08d}",
        city="咸阳市",
        sites=["咸阳秦都站点"],
        rooms=sorted({ROOMS[d] for d in devices}),
        devices=list(devices),
        date=today,
        photo=face_jpeg(),
        consent=True,
    )


async def register_many(app: GuiApp, count: int, start: int = 100) -> list[int]:
    """Store ``count`` registrations from a worker thread, as another clerk or the CLI would."""
    assert app.core is not None
    station = app.core.station
    today = app.today()

    def work() -> list[int]:
        ids: list[int] = []
        for i in range(start, start + count):
            done = station.register(core_form(form(i, today), station.now(), "v1", "test"))
            ids.extend(done.ids)
        return ids

    return await asyncio.to_thread(work)
