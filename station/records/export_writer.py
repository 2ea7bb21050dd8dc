"""Writing the audit export: CSV (UTF-8 with BOM, so Excel shows Chinese) or XLSX (issue 7 §5).

An export is a list of :class:`Section` (registrations, device results, push attempts, door
events). In CSV each section is a title row, a header row, its rows and a blank row; in XLSX
each section is a sheet. Text that a spreadsheet would run as a formula (``=``, ``+``, ``-``,
``@`` first) is prefixed with ``'`` — callback fields come from outside (OWASP CSV injection).
The file is written next to its target and renamed, so a failed export leaves no half file.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

Cell = str | int | float | None
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMATS = (".csv", ".xlsx")


@dataclass
class Section:
    key: str  # English name: sheet name and the CSV title's second half
    title: str  # Chinese title
    headers: list[str]
    rows: list[Sequence[Cell]] = field(default_factory=list)


def safe_cell(value: Cell) -> Cell:
    """The value with a leading ``'`` when a spreadsheet would read it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _tmp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def write_csv(path: Path, sections: Sequence[Section]) -> None:
    tmp = _tmp_path(path)
    try:
        with tmp.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            for index, section in enumerate(sections):
                if index:
                    writer.writerow([])
                writer.writerow([f"【{section.title}】{section.key}"])
                writer.writerow(section.headers)
                for row in section.rows:
                    writer.writerow(["" if v is None else safe_cell(v) for v in row])
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def write_xlsx(path: Path, sections: Sequence[Section]) -> None:
    import openpyxl  # only when an .xlsx is asked for
    from openpyxl.styles import Font

    book = openpyxl.Workbook(write_only=True)
    bold = Font(bold=True)
    for section in sections:
        sheet = book.create_sheet(f"{section.title} {section.key}"[:31])
        header = []
        for name in section.headers:
            cell = openpyxl.cell.WriteOnlyCell(sheet, value=name)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in section.rows:
            sheet.append([safe_cell(v) for v in row])
    tmp = _tmp_path(path)
    try:
        book.save(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def write_export(path: Path, sections: Sequence[Section]) -> None:
    """Write ``sections`` as CSV or XLSX, chosen by the file name's suffix."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        write_csv(path, sections)
    elif suffix == ".xlsx":
        write_xlsx(path, sections)
    else:
        raise ValueError(
            f"--out: 文件名应以 .csv 或 .xlsx 结尾 (expected .csv or .xlsx, got {suffix!r})"
        )


def read_csv_sections(path: Path) -> dict[str, list[dict[str, str]]]:
    """Read an export back (tests, tools): section key → rows as header → value dicts."""
    sections: dict[str, list[dict[str, str]]] = {}
    current: list[dict[str, str]] | None = None
    headers: list[str] | None = None
    with path.open(encoding="utf-8-sig", newline="") as src:
        for row in csv.reader(src):
            if not row:
                current = headers = None
            elif current is None and len(row) == 1 and row[0].startswith("【"):
                current = sections.setdefault(row[0].split("】", 1)[1], [])
            elif current is not None and headers is None:
                headers = row
            elif current is not None and headers is not None:
                current.append(dict(zip(headers, row, strict=True)))
    return sections
