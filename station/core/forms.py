"""What the clerk submits, and its validation (issue 8 item 2). Pure: no I/O.

Every problem raises :class:`FormError` naming the field (``work_order``, ``phone``,
``escort.phone``, …) with a Chinese message that also says what was expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from station.domain.states import Role
from station.protocol import fields
from station.protocol.errors import InvalidRequest

MOBILE = re.compile(r"1[3-9]\d{9}")
LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}(-\d{1,6})?")


class FormError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Consent:
    """The person's consent to the face photo (issue 7): notice version, time and clerk."""

    version: str
    consented_at: datetime  # timezone-aware
    clerk: str


@dataclass(frozen=True)
class PersonForm:
    name: str
    account: str
    phone: str
    photo: bytes  # the terminal-ready JPEG from the photo gate
    role: Role = Role.OPERATOR


@dataclass(frozen=True)
class RegistrationForm:
    """One work order's registration: one or more people (D3: one push per person in v3)."""

    work_order: str
    city: str
    sites: tuple[str, ...]
    rooms: tuple[str, ...]
    device_ids: tuple[str, ...]
    reg_date: date
    people: tuple[PersonForm, ...]
    consent: Consent | None
    created_by: str = ""


def _text(field: str, value: str, label: str) -> str:
    value = value.strip() if isinstance(value, str) else ""
    if not value:
        raise FormError(field, f"{label}不能为空 ({field} must not be empty)")
    return value


def _items(field: str, values: tuple[str, ...], label: str) -> tuple[str, ...]:
    cleaned = tuple(dict.fromkeys(v.strip() for v in values if v and v.strip()))
    if not cleaned:
        raise FormError(field, f"至少需要一个{label} (at least one {field} is required)")
    return cleaned


def check_phone(field: str, phone: str) -> str:
    phone = _text(field, phone, "联系电话")
    if not (MOBILE.fullmatch(phone) or LANDLINE.fullmatch(phone)):
        raise FormError(
            field,
            "联系电话应为 11 位手机号 (1[3-9] 开头) 或带区号的固定电话 (如 029-88886666) "
            "(expected a mainland mobile number or a landline with area code)",
        )
    return phone


def check_photo(field: str, photo: bytes, max_bytes: int) -> None:
    if not photo:
        raise FormError(field, "缺少人脸照片 (a face photo is required)")
    try:
        fields.check_jpeg(field, photo, max_bytes)
    except InvalidRequest as exc:
        raise FormError(field, f"{exc.desc} (expected a JPEG up to {max_bytes} bytes)") from None


def validate(
    form: RegistrationForm, today: date, max_photo_bytes: int, *, require_escort: bool = False
) -> RegistrationForm:
    """The cleaned form (trimmed, de-duplicated lists); raises FormError on the first problem.

    ``require_escort``: the v1.0 interface (spec 2.2.4, D6) makes escortRelation mandatory, so a
    v1 registration without an escort would only be refused by the platform (23) later."""
    if form.consent is None:
        raise FormError("consent", "需要当事人同意采集人脸照片 (the person's consent is required)")
    if not form.consent.version.strip() or not form.consent.clerk.strip():
        raise FormError("consent", "同意记录缺少版本或登记员 (consent needs a version and a clerk)")
    if form.consent.consented_at.tzinfo is None:
        raise FormError("consent", "同意时间应带时区 (consented_at must be timezone-aware)")
    work_order = _text("work_order", form.work_order, "工单号")
    city = _text("city", form.city, "地市")
    sites = _items("site", form.sites, "站点")
    rooms = _items("room", form.rooms, "机房")
    devices = _items("device", form.device_ids, "门禁设备")
    if not isinstance(form.reg_date, date):
        raise FormError("date", "日期格式应为 YYYY-MM-DD (expected YYYY-MM-DD)")
    if form.reg_date < today:
        raise FormError(
            "date", f"登记日期 {form.reg_date} 已过 (the date must be today {today} or later)"
        )
    if not form.people:
        raise FormError("name", "至少需要登记一名人员 (at least one person is required)")
    if require_escort and not any(Role(p.role) is Role.ESCORT for p in form.people):
        raise FormError(
            "escort.name",
            "v1.0 接口要求同时登记随工/监理 (the v1.0 interface requires an escort with the operator)",
        )
    people = []
    for index, person in enumerate(form.people):
        prefix = "" if index == 0 else f"{person.role.value}."
        people.append(
            PersonForm(
                name=_text(f"{prefix}name", person.name, "姓名"),
                account=_text(f"{prefix}account", person.account, "账号"),
                phone=check_phone(f"{prefix}phone", person.phone),
                photo=person.photo,
                role=Role(person.role),
            )
        )
        check_photo(f"{prefix}photo", person.photo, max_photo_bytes)
    return RegistrationForm(
        work_order,
        city,
        sites,
        rooms,
        devices,
        form.reg_date,
        tuple(people),
        form.consent,
        form.created_by.strip(),
    )


def parse_date(field: str, text: str) -> date:
    try:
        return fields.parse_date(field, text.strip())
    except InvalidRequest:
        raise FormError(field, "日期格式应为 YYYY-MM-DD (expected YYYY-MM-DD)") from None


def local_today(now: datetime, tz: tzinfo) -> date:
    return now.astimezone(tz).date()
