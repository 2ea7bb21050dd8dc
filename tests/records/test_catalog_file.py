"""Reading the catalog file (issue 7 §6): Chinese or English headers, CSV or XLSX, line numbers."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from station.records.catalog_file import CatalogEntry, CatalogFileError, parse_catalog
from station.resources import resources_dir

SAMPLE = resources_dir() / "sample-catalog.csv"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_sample_catalog_parses() -> None:
    entries = parse_catalog(SAMPLE)
    assert len(entries) == 8
    assert entries[0] == CatalogEntry(
        "咸阳市",
        "咸阳秦都应急楼站点",
        "咸阳秦都应急楼一楼综合机房",
        "20231201996901",
        "一楼综合机房正门",
    )
    assert {e.city for e in entries} == {"咸阳市", "安康市", "西安市"}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_encodings_excel_uses(tmp_path: Path, encoding: str) -> None:
    path = write(
        tmp_path / "c.csv",
        "device_id,room,site,city\r\nD1,一楼机房,站点甲,咸阳市\r\n",
        encoding,
    )
    assert parse_catalog(path) == [CatalogEntry("咸阳市", "站点甲", "一楼机房", "D1")]


def test_bad_lines_are_named_by_number_and_nothing_is_returned(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.csv",
        "城市,站点,机房,门禁设备ID\n"
        "咸阳市,站点甲,一楼机房,D1\n"
        "\n"
        '咸阳市,"站点\n乙",二楼机房,D2\n'  # a quoted line break: the next row is line 6
        "咸阳市,站点甲,,D3\n"
        "咸阳市,站点甲,三楼机房,bad id!\n"
        "西安市,站点丙,四楼机房,D1\n",
    )
    with pytest.raises(CatalogFileError) as caught:
        parse_catalog(path)
    problems = caught.value.problems
    assert [line for line, _ in problems] == [6, 7, 8]
    assert "room" in problems[0][1]
    assert "bad id!" in problems[1][1]
    assert "第 2 行" in problems[2][1]  # the conflicting device names its first line
    assert "第 6 行" in str(caught.value)


def test_missing_header_columns_are_named(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "城市,站点,房间\n咸阳市,站点甲,一楼\n")
    with pytest.raises(CatalogFileError, match="机房") as caught:
        parse_catalog(path)
    assert caught.value.problems[0][0] == 1
    assert "device_id" in caught.value.problems[0][1]


def test_exact_duplicates_are_tolerated(tmp_path: Path) -> None:
    row = "咸阳市,站点甲,一楼机房,D1\n"
    path = write(tmp_path / "c.csv", "city,site,room,device_id\n" + row + row)
    assert len(parse_catalog(path)) == 1


def test_empty_and_unknown_files(tmp_path: Path) -> None:
    with pytest.raises(CatalogFileError, match="header"):
        parse_catalog(write(tmp_path / "e.csv", "\n\n"))
    with pytest.raises(CatalogFileError, match=r"\.json"):
        parse_catalog(write(tmp_path / "c.json", "{}"))
    with pytest.raises(CatalogFileError, match="cannot read"):
        parse_catalog(tmp_path / "missing.csv")
    with pytest.raises(CatalogFileError, match="xlsx"):
        parse_catalog(write(tmp_path / "broken.xlsx", "not a zip"))


def test_xlsx_first_sheet_with_numeric_ids(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["城市", "站点", "机房", "门禁设备ID", "备注"])
    sheet.append(["咸阳市", "站点甲", "一楼机房", 20231201996901, None])
    sheet.append([None, None, None, None, None])
    sheet.append(["咸阳市", "站点甲", None, "D2", "x"])
    path = tmp_path / "c.xlsx"
    book.save(path)
    with pytest.raises(CatalogFileError) as caught:
        parse_catalog(path)
    assert caught.value.problems == [(4, "room 不能为空 (required)")]
    sheet.delete_rows(4)
    book.save(path)
    assert parse_catalog(path) == [CatalogEntry("咸阳市", "站点甲", "一楼机房", "20231201996901")]
