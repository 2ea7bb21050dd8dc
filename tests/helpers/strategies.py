"""Hypothesis strategies for valid registrations, pushes and callbacks (shared by the team).

Every value these produce is valid per the spec tables and D2/D6/D10: texts are non-empty and
already stripped, lists non-empty, dates real, pictures real JPEGs from tests/helpers/photos.py.
"""

from __future__ import annotations

import functools
from datetime import date, datetime

import cv2
from hypothesis import strategies as st

from station.protocol.addface import FacePush
from station.protocol.callbacks import DoorOpen, FaceResult
from station.protocol.v1 import V1Person, V1Push
from tests.helpers import photos

_CHINESE = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
_PRINTABLE = st.characters(
    codec="utf-8", categories=("L", "N", "P", "S"), exclude_characters="\x85\xa0"
)


def text(max_size: int = 24) -> st.SearchStrategy[str]:
    """A non-empty, stripped text field: Chinese, letters, digits, punctuation, inner spaces."""
    return (
        st.text(
            alphabet=st.one_of(_CHINESE, _PRINTABLE, st.just(" ")), min_size=1, max_size=max_size
        )
        .map(str.strip)
        .filter(bool)
    )


work_orders = st.one_of(st.from_regex(r"JF-20\d{6}-\d{4}", fullmatch=True), text(32))
names = st.one_of(st.text(_CHINESE, min_size=2, max_size=4), text(16))
accounts = st.from_regex(r"[a-z][a-z0-9_.]{2,19}", fullmatch=True)
phones = st.from_regex(r"1[3-9]\d{9}", fullmatch=True)
cities = st.sampled_from(["咸阳市", "西安市", "安康市", "宝鸡市", "汉中市"]) | text(8)
device_ids = st.from_regex(r"[A-Z]{0,3}20\d{6,12}", fullmatch=True)
start_dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2035, 12, 31))
local_times = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2035, 12, 31, 23, 59, 59)
).map(lambda t: t.replace(microsecond=0))


@functools.cache
def _pictures() -> tuple[bytes, ...]:
    face = photos.astronaut()[20:260, 140:320]
    hopper = cv2.resize(photos.grace_hopper(), (300, 400))
    return (photos.face_jpeg(), photos.jpeg(face, 60), photos.jpeg(hopper, 80))


pictures = st.builds(lambda i: _pictures()[i], st.integers(0, 2))


@st.composite
def face_pushes(draw: st.DrawFn, max_devices: int = 4) -> FacePush:
    """A valid addFace v3 push (D3: one person) for 1..max_devices door devices."""
    devices = draw(st.lists(device_ids, min_size=1, max_size=max_devices, unique=True))
    rooms = draw(st.lists(text(), min_size=1, max_size=len(devices)))
    sites = draw(st.lists(text(), min_size=1, max_size=len(rooms)))
    return FacePush(
        work_order=draw(work_orders),
        name=draw(names),
        account=draw(accounts),
        phone=draw(phones),
        city=draw(cities),
        sites=tuple(sites),
        rooms=tuple(rooms),
        device_ids=tuple(devices),
        picture=draw(pictures),
        start_date=draw(start_dates),
    )


v1_people = st.builds(V1Person, name=names, contact=phones, face=pictures)


@st.composite
def v1_pushes(draw: st.DrawFn) -> V1Push:
    """A valid v1.0 push (D6): operator(s) and escort(s) together, one or more rooms."""
    return V1Push(
        order_no=draw(work_orders),
        register_time=draw(local_times),
        city=draw(cities),
        rooms=tuple(draw(st.lists(text(), min_size=1, max_size=3))),
        operators=tuple(draw(st.lists(v1_people, min_size=1, max_size=2))),
        escorts=tuple(draw(st.lists(v1_people, min_size=1, max_size=2))),
    )


failure_texts = st.one_of(
    st.just("失败"), st.just("失败：图片质量不合格"), text(20).map(lambda t: "失败：" + t)
)
face_results = st.builds(
    FaceResult,
    work_order=work_orders,
    name=names,
    account=accounts,
    phone=phones,
    city=cities,
    site=text(),
    room=text(),
    device_id=device_ids,
    result_text=st.one_of(st.just("成功"), failure_texts),
)
door_opens = st.builds(
    DoorOpen,
    work_order=st.none() | work_orders,
    name=st.none() | names,
    account=st.none() | accounts,
    phone=st.none() | phones,
    city=cities,
    site=text(),
    room=text(),
    device_id=device_ids,
    opened_at=local_times,
)
