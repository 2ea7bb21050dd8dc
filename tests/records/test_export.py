"""The audit export (issue 7 §5): read back with the csv module, the Chinese is right, phones
are masked, times are local, nothing outside the period, formulas are defused; also .xlsx."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest

from station.app import Core
from station.cli import main
from station.domain.clock import FakeClock
from station.records.export_query import collect
from station.records.export_writer import read_csv_sections, safe_cell, write_export
from tests.privacy.people import (
    ALICE,
    BOB,
    CAROL,
    DEVICES,
    Person,
    door_open,
    face_result,
    open_core,
    register,
)

T0 = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
DAY = date(2026, 12, 3)
MALLORY = Person('=HYPERLINK("http://x")', "m", "13700000000")


@pytest.fixture
def core(data_dir: Path):
    clock = FakeClock(T0)
    with open_core(data_dir, clock) as built:
        a = register(built, ALICE, day=DAY)
        register(built, BOB, work_order="JF-20261203-0002", day=DAY)
        clock.advance(60)
        face_result(built, ALICE, DEVICES[0])
        face_result(built, ALICE, DEVICES[1], "失败：图片质量不合格")
        door_open(built, ALICE, DEVICES[0], "2026-12-03 10:05:00")
        door_open(built, MALLORY, "20239999999999", "2026-12-03 10:06:00", wo="JF-X")
        clock.set(datetime(2026, 12, 4, 1, 0, tzinfo=UTC))  # the next day: outside the period
        register(built, CAROL, work_order="JF-20261204-0001", day=date(2026, 12, 4))
        assert a == 1
        yield built


def sections(core: Core, start: date = DAY, end: date = DAY):
    with core.store.transaction() as session:
        return collect(session, start, end, "Asia/Shanghai")


def test_csv_reads_back_with_the_right_chinese(core: Core, tmp_path: Path) -> None:
    out = tmp_path / "审计.csv"
    write_export(out, sections(core))
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    assert b"13800001111" not in raw
    with out.open(encoding="utf-8-sig", newline="") as src:
        rows = list(csv.reader(src))
    assert rows[0] == ["【登记记录】registrations"]
    assert rows[1][:5] == ["登记ID", "工单号", "姓名", "账号", "联系电话"]
    data = read_csv_sections(out)
    assert set(data) == {
        "registrations",
        "device_results",
        "push_attempts",
        "callbacks",
        "door_events",
    }
    regs = data["registrations"]
    assert [r["工单号"] for r in regs] == ["JF-20261203-0001", "JF-20261203-0002"]  # not CAROL's
    alice = regs[0]
    assert (alice["姓名"], alice["联系电话"], alice["城市"]) == ("唐建峰", "138****1111", "咸阳市")
    assert alice["登记时间"] == "2026-12-03 10:00:00"  # local time (D10)
    assert alice["同意书版本"] == "2026-12-v1"
    assert alice["登记员"] == "clerk-01"
    assert alice["照片"] == "加密保存 (encrypted)"
    devices = {(d["登记ID"], d["门禁设备ID"]): d for d in data["device_results"]}
    written = devices[("1", DEVICES[0])]
    assert written["状态"] == "已写入 (written)"
    assert written["写入时间"] == "2026-12-03 10:01:00"
    assert devices[("1", DEVICES[1])]["状态"] == "排队中 (queued)"  # never pushed: no change
    assert len(devices) == 4
    results = [c["人脸写入结果"] for c in data["callbacks"] if c["类型"].endswith("(face)")]
    assert results == ["成功", "失败：图片质量不合格"]
    doors = data["door_events"]
    assert [d["开门时间"] for d in doors] == ["2026-12-03 10:05:00", "2026-12-03 10:06:00"]
    assert doors[0]["标记"] == ""
    assert "未匹配登记 (unmatched)" in doors[1]["标记"]
    assert doors[1]["姓名"].startswith("'=")  # a formula from outside is shown, never run
    assert doors[1]["联系电话"] == "137****0000"


def test_period_selects_rows(core: Core) -> None:
    later = {s.key: len(s.rows) for s in sections(core, date(2026, 12, 4), date(2026, 12, 4))}
    assert later == {
        "registrations": 1,
        "device_results": 2,
        "push_attempts": 0,
        "callbacks": 0,
        "door_events": 0,
    }


def test_xlsx_has_a_sheet_per_section(core: Core, tmp_path: Path) -> None:
    out = tmp_path / "audit.xlsx"
    write_export(out, sections(core))
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == [
        "登记记录 registrations",
        "设备结果 device_results",
        "推送记录 push_attempts",
        "回调记录 callbacks",
        "开门记录 door_events",
    ]
    rows = list(book["登记记录 registrations"].iter_rows(values_only=True))
    book.close()
    assert rows[1][2] == "唐建峰"
    assert rows[1][4] == "138****1111"


def test_safe_cell() -> None:
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("-2") == "'-2"
    assert safe_cell("唐建峰") == "唐建峰"
    assert safe_cell(-2) == -2


def test_cli_export(core: Core, data_dir: Path, tmp_path: Path, capsys) -> None:
    config = tmp_path / "station.toml"
    config.write_text("", encoding="utf-8")
    out = tmp_path / "out.csv"
    common = ["--config", str(config), "--data-dir", str(data_dir)]
    code = main(
        [
            "export",
            "--from",
            "2026-12-03",
            "--to",
            "2026-12-04",
            "--out",
            str(out),
            "--json",
            *common,
        ]
    )
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["registrations"] == 3
    assert len(read_csv_sections(out)["registrations"]) == 3
    assert (
        main(["export", "--from", "2026-12-05", "--to", "2026-12-04", "--out", str(out), *common])
        == 2
    )
    assert "--from" in capsys.readouterr().err
    assert main(["export", "--out", str(tmp_path / "x.txt"), *common]) == 2
    with pytest.raises(SystemExit):
        main(["export", "--from", "2026/12/03", "--out", str(out), *common])
