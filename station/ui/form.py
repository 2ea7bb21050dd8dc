"""What the registration form collects and the field checks it shows inline (Qt-free).

The core validates again before storing (D16); these checks exist so the clerk sees each
problem next to its field while typing, in plain words, and submit stays disabled until the form
is valid. Messages are Chinese source texts for :func:`station.ui.i18n.tr`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

MOBILE = re.compile(r"1[3-9]\d{9}")
LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}")
WORK_ORDER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-./]{2,63}")
ACCOUNT = re.compile(r"[A-Za-z0-9_.@\-]{2,64}")


@dataclass
class Person:
    name: str = ""
    phone: str = ""
    account: str = ""
    photo: bytes | None = None  # terminal-ready JPEG from the camera pipeline


@dataclass
class RegistrationForm:
    work_order: str = ""
    name: str = ""
    account: str = ""
    phone: str = ""
    city: str = ""
    sites: list[str] = field(default_factory=list)
    rooms: list[str] = field(default_factory=list)
    devices: list[str] = field(default_factory=list)
    date: date | None = None
    role: str = "operator"  # DeviceState Role: operator | escort
    photo: bytes | None = None
    consent: bool = False
    escort: Person | None = None


def check_phone(phone: str) -> str | None:
    if not phone.strip():
        return "请填写联系电话"
    if MOBILE.fullmatch(phone.strip()) or LANDLINE.fullmatch(phone.strip()):
        return None
    return "电话应为 11 位手机号（1 开头）或带区号的固话，如 029-88881234"


def validate(form: RegistrationForm, *, today: date, escort_required: bool) -> dict[str, str]:
    """Field name → problem (Chinese source text); empty when the form can be submitted."""
    problems: dict[str, str] = {}
    if not form.work_order.strip():
        problems["work_order"] = "请填写工单号，或点“扫码”读取工单二维码"
    elif not WORK_ORDER.fullmatch(form.work_order.strip()):
        problems["work_order"] = "工单号只能包含字母、数字和 - _ . /，如 JF-20251222-0313"
    if not form.name.strip():
        problems["name"] = "请填写姓名"
    elif len(form.name.strip()) > 32:
        problems["name"] = "姓名过长（最多 32 个字）"
    if not form.account.strip():
        problems["account"] = "请填写账号"
    elif not ACCOUNT.fullmatch(form.account.strip()):
        problems["account"] = "账号只能包含字母、数字和 _ . @ -"
    phone_problem = check_phone(form.phone)
    if phone_problem:
        problems["phone"] = phone_problem
    if not form.city.strip():
        problems["city"] = "请选择或填写城市"
    if not form.sites:
        problems["sites"] = "请至少选择一个站点"
    if not form.rooms:
        problems["rooms"] = "请至少选择一个机房"
    if not form.devices:
        problems["devices"] = "请至少选择一个门禁设备"
    if form.date is None:
        problems["date"] = "请选择登记日期"
    elif form.date < today:
        problems["date"] = "登记日期不能早于今天"
    if form.photo is None:
        problems["photo"] = "请拍摄人脸照片"
    if not form.consent:
        problems["consent"] = "请被登记人阅读告知并勾选同意"
    if escort_required or form.escort is not None:
        escort = form.escort or Person()
        if not escort.name.strip():
            problems["escort_name"] = "请填写随工/监理姓名"
        if not escort.account.strip():
            problems["escort_account"] = "请填写随工/监理账号"
        elif not ACCOUNT.fullmatch(escort.account.strip()):
            problems["escort_account"] = "账号只能包含字母、数字和 _ . @ -"
        escort_phone = check_phone(escort.phone)
        if escort_phone:
            problems["escort_phone"] = escort_phone.replace("联系电话", "随工/监理电话")
        if escort.photo is None:
            problems["escort_photo"] = "请拍摄随工/监理人脸照片"
    return problems
