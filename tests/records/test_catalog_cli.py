"""``station catalog import`` end to end on a real SQLite file (issue 7 §6): idempotent, and a
broken file imports nothing and names its bad line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from station.cli import main
from station.resources import resources_dir

SAMPLE = resources_dir() / "sample-catalog.csv"


@pytest.fixture
def cli(tmp_path: Path, data_dir: Path):
    config = tmp_path / "station.toml"
    config.write_text("", encoding="utf-8")

    def run(*args: str) -> int:
        return main([*args, "--config", str(config), "--data-dir", str(data_dir)])

    return run


def listed(cli, capsys) -> list[dict[str, str]]:
    capsys.readouterr()
    assert cli("catalog", "list", "--json") == 0
    return json.loads(capsys.readouterr().out)


def test_import_is_idempotent(cli, capsys) -> None:
    assert cli("catalog", "import", str(SAMPLE), "--json") == 0
    first = json.loads(capsys.readouterr().out)
    assert (first["added"], first["unchanged"]) == (8, 0)
    assert cli("catalog", "import", str(SAMPLE), "--json") == 0
    second = json.loads(capsys.readouterr().out)
    assert (second["added"], second["updated"], second["unchanged"]) == (0, 0, 8)
    rows = listed(cli, capsys)
    assert len(rows) == 8
    assert rows[0]["city"] == "咸阳市"
    assert {r["device_id"] for r in rows} >= {"20231201996901", "ACC2025122001"}


def test_broken_file_imports_nothing_and_names_the_line(cli, capsys, tmp_path: Path) -> None:
    lines = SAMPLE.read_text(encoding="utf-8-sig").splitlines()
    lines.insert(4, "咸阳市,咸阳秦都应急楼站点,,20231201996999,缺机房")  # line 5 of the file
    broken = tmp_path / "broken.csv"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert cli("catalog", "import", str(broken)) == 2
    err = capsys.readouterr().err
    assert "第 5 行 (line 5)" in err
    assert "room" in err
    assert "nothing imported" in err
    assert listed(cli, capsys) == []


def test_changed_rows_update_and_replace_removes(cli, capsys, tmp_path: Path) -> None:
    assert cli("catalog", "import", str(SAMPLE)) == 0
    lines = SAMPLE.read_text(encoding="utf-8-sig").splitlines()
    lines[1] = lines[1].replace("一楼综合机房正门", "正门（已改名）")
    smaller = tmp_path / "smaller.csv"
    smaller.write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert cli("catalog", "import", str(smaller), "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["updated"], report["unchanged"], report["removed"]) == (1, 1, 0)
    assert len(listed(cli, capsys)) == 8
    assert cli("catalog", "import", str(smaller), "--replace", "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["unchanged"], report["removed"]) == (2, 6)
    rows = listed(cli, capsys)
    assert [r["label"] for r in rows] == ["正门（已改名）", "一楼综合机房后门"]


def test_xlsx_import(cli, capsys, tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["city", "site", "room", "device_id"])
    book.active.append(["西安市", "站点丙", "四楼机房", "XA1"])
    path = tmp_path / "c.xlsx"
    book.save(path)
    assert cli("catalog", "import", str(path)) == 0
    assert [r["device_id"] for r in listed(cli, capsys)] == ["XA1"]
