"""What the audit export holds, read from the store (issue 7 §5).

Five sections for a period of local dates ``start``–``end`` (inclusive, D10 time zone):
registrations stored in the period with their consent record, the per-device results of those
registrations with their times, the push attempts started in the period (never what was sent:
that holds personal data), every callback received in the period (work order, device, result,
match; not the person) and the door events that happened in the period with their flags.
Phones are masked (issue 7 §4); names stay, the audit needs them until retention removes them.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from station.privacy.callback_body import parse_body, text_field
from station.privacy.mask import mask_phone
from station.records.export_writer import Cell, Section, write_export
from station.store import Store
from station.store.tables import CallbackInbox, DeviceTarget, DoorEvent, PushAttempt, Registration

STATE_LABELS = {
    "queued": "排队中",
    "sending": "发送中",
    "accepted": "已受理",
    "written": "已写入",
    "failed": "写入失败",
    "no_result": "无结果",
    "not_effective": "成功但未生效",
    "retrying": "重试中",
    "rejected": "被拒绝",
    "paused": "已暂停",
    "given_up": "需人工处理",
}
FLAG_LABELS = {
    "unmatched": "未匹配登记",
    "no_work_order": "无工单",
    "outside_date": "不在登记日期",
    "room_not_registered": "机房未登记",
    "not_written": "人脸未写入该门禁",
}
LIST_SEP = "；"
SECTION_TITLES = {
    "registrations": "登记记录",
    "device_results": "设备结果",
    "push_attempts": "推送记录",
    "callbacks": "回调记录",
    "door_events": "开门记录",
}


def _label(value: str, labels: dict[str, str]) -> str:
    return f"{labels[value]} ({value})" if value in labels else value


class _Times:
    def __init__(self, timezone: str) -> None:
        self.zone = ZoneInfo(timezone)

    def show(self, value: datetime | None) -> str:
        if value is None:
            return ""
        if value.tzinfo is not None:
            value = value.astimezone(self.zone)
        return value.strftime("%Y-%m-%d %H:%M:%S")

    def bounds(self, start: date, end: date) -> tuple[datetime, datetime]:
        first = datetime.combine(start, time(0), tzinfo=self.zone)
        return first, datetime.combine(end + timedelta(days=1), time(0), tzinfo=self.zone)


def registration_section(regs: list[Registration], t: _Times) -> Section:
    section = Section(
        "registrations",
        SECTION_TITLES["registrations"],
        [
            "登记ID",
            "工单号",
            "姓名",
            "账号",
            "联系电话",
            "角色",
            "城市",
            "站点",
            "机房",
            "门禁设备ID",
            "登记日期",
            "登记时间",
            "同意书版本",
            "同意时间",
            "登记员",
            "照片",
            "个人信息匿名时间",
        ],
    )
    for r in regs:
        photo = "加密保存 (encrypted)" if r.photo_ref else "已删除 (deleted)"
        row: list[Cell] = [
            r.id,
            r.work_order,
            r.name,
            r.account,
            mask_phone(r.phone),
            r.role,
            r.city,
            LIST_SEP.join(r.sites),
            LIST_SEP.join(r.rooms),
            LIST_SEP.join(r.device_ids),
            r.reg_date.isoformat(),
            t.show(r.created_at),
            r.consent_version,
            t.show(r.consented_at),
            r.consent_clerk,
            photo,
            t.show(r.purged_at),
        ]
        section.rows.append(row)
    return section


def device_section(targets: list[DeviceTarget], orders: dict[int, str], t: _Times) -> Section:
    section = Section(
        "device_results",
        SECTION_TITLES["device_results"],
        [
            "登记ID",
            "工单号",
            "门禁设备ID",
            "状态",
            "推送次数",
            "平台受理时间",
            "结果时间",
            "写入时间",
            "最后结果",
            "下次推送时间",
            "更新时间",
        ],
    )
    for d in targets:
        section.rows.append(
            [
                d.registration_id,
                orders.get(d.registration_id, ""),
                d.device_id,
                _label(d.state, STATE_LABELS),
                d.pushes,
                t.show(d.accepted_at),
                t.show(d.result_at),
                t.show(d.written_at),
                d.last_result,
                t.show(d.next_push_at),
                t.show(d.updated_at),
            ]
        )
    return section


def attempt_section(attempts: list[PushAttempt], t: _Times) -> Section:
    section = Section(
        "push_attempts",
        SECTION_TITLES["push_attempts"],
        [
            "推送ID",
            "开始时间",
            "登记ID",
            "门禁设备ID",
            "协议",
            "地址",
            "HTTP状态",
            "返回码",
            "返回描述",
            "错误",
            "结果",
            "耗时(ms)",
        ],
    )
    for a in attempts:
        section.rows.append(
            [
                a.id,
                t.show(a.started_at),
                LIST_SEP.join(str(i) for i in a.registration_ids),
                LIST_SEP.join(a.device_ids),
                a.protocol,
                a.url,
                a.http_status,
                a.code or "",
                a.desc,
                a.error,
                a.outcome,
                round(a.duration_ms, 1),
            ]
        )
    return section


def callback_section(callbacks: list[CallbackInbox], t: _Times) -> Section:
    section = Section(
        "callbacks",
        SECTION_TITLES["callbacks"],
        [
            "回调ID",
            "接收时间",
            "类型",
            "工单号",
            "门禁设备ID",
            "人脸写入结果",
            "开门时间",
            "已匹配",
            "登记ID",
            "来源地址",
            "处理结果",
        ],
    )
    kinds = {"face": "人脸写入结果 (face)", "door": "开门 (door)"}
    for c in callbacks:
        fields = parse_body(c.body, c.content_type)
        section.rows.append(
            [
                c.id,
                t.show(c.received_at),
                kinds.get(c.kind, c.kind),
                text_field(fields, "workOrdNum"),
                text_field(fields, "deviceId"),
                text_field(fields, "faceWriteResult"),
                text_field(fields, "dailyOpenTime"),
                "是" if c.matched else "否",
                c.registration_id,
                c.peer,
                c.effect,
            ]
        )
    return section


def door_section(events: list[DoorEvent], t: _Times) -> Section:
    section = Section(
        "door_events",
        SECTION_TITLES["door_events"],
        [
            "事件ID",
            "开门时间",
            "门禁设备ID",
            "城市",
            "站点",
            "机房",
            "工单号",
            "姓名",
            "联系电话",
            "标记",
            "登记ID",
            "接收时间",
        ],
    )
    for e in events:
        flags = LIST_SEP.join(_label(f, FLAG_LABELS) for f in e.flags)
        section.rows.append(
            [
                e.id,
                t.show(e.opened_at),
                e.device_id,
                e.city,
                e.site,
                e.room,
                e.work_order or "",
                e.name or "",
                mask_phone(e.phone),
                flags,
                e.registration_id,
                t.show(e.received_at),
            ]
        )
    return section


def collect(session: Session, start: date, end: date, timezone: str) -> list[Section]:
    """The five sections for local dates ``start``..``end`` inclusive."""
    t = _Times(timezone)
    lo, hi = t.bounds(start, end)
    regs = list(
        session.exec(
            select(Registration)
            .where(col(Registration.created_at) >= lo, col(Registration.created_at) < hi)
            .order_by(col(Registration.id))
        ).all()
    )
    ids = [r.id for r in regs if r.id is not None]
    targets = list(
        session.exec(
            select(DeviceTarget)
            .where(col(DeviceTarget.registration_id).in_(ids))
            .order_by(col(DeviceTarget.registration_id), col(DeviceTarget.id))
        ).all()
    )
    attempts = list(
        session.exec(
            select(PushAttempt)
            .where(col(PushAttempt.started_at) >= lo, col(PushAttempt.started_at) < hi)
            .order_by(col(PushAttempt.id))
        ).all()
    )
    callbacks = list(
        session.exec(
            select(CallbackInbox)
            .where(col(CallbackInbox.received_at) >= lo, col(CallbackInbox.received_at) < hi)
            .order_by(col(CallbackInbox.id))
        ).all()
    )
    naive_lo, naive_hi = lo.replace(tzinfo=None), hi.replace(tzinfo=None)  # opened_at is local
    events = list(
        session.exec(
            select(DoorEvent)
            .where(col(DoorEvent.opened_at) >= naive_lo, col(DoorEvent.opened_at) < naive_hi)
            .order_by(col(DoorEvent.opened_at), col(DoorEvent.id))
        ).all()
    )
    orders = {r.id: r.work_order for r in regs if r.id is not None}
    return [
        registration_section(regs, t),
        device_section(targets, orders, t),
        attempt_section(attempts, t),
        callback_section(callbacks, t),
        door_section(events, t),
    ]


def export_audit(store: Store, path: Path, start: date, end: date, timezone: str) -> dict[str, int]:
    """Read the period from ``store`` and write ``path`` (.csv or .xlsx): what the CLI and the
    GUI's export button call (blocking: run it off the event loop). Returns rows per section."""
    with store.transaction() as session:
        sections = collect(session, start, end, timezone)
    write_export(path, sections)
    return {section.key: len(section.rows) for section in sections}
