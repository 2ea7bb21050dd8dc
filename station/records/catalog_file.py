"""Reading the device catalog file: city → site → room → door device (issue 7 §6).

CSV (UTF-8 with or without BOM, or GB18030 as Excel saves it on Chinese Windows) or XLSX (the
first sheet). The first row names the columns, in Chinese or English, in any order:

    城市/地市/city, 站点/site, 机房/room, 门禁设备ID/设备ID/device_id, optional 名称/备注/label

Every problem is reported with its line number (the spreadsheet row for XLSX), all of them at
once; a file with any problem yields no entries, so a broken file imports nothing.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

COLUMNS = {
    "city": ("城市", "地市", "city"),
    "site": ("站点", "站点名称", "site"),
    "room": ("机房", "机房名称", "room"),
    "device_id": ("门禁设备id", "设备id", "门禁id", "deviceid", "device_id", "device"),
    "label": ("名称", "备注", "设备名称", "label", "name"),
}
REQUIRED = ("city", "site", "room", "device_id")
DEVICE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}")
MAX_TEXT = {"city": 100, "site": 200, "room": 200, "label": 200}
MAX_REPORTED = 50


@dataclass(frozen=True)
class CatalogEntry:
    city: str
    site: str
    room: str
    device_id: str
    label: str = ""


class CatalogFileError(Exception):
    """The file cannot be imported; ``problems`` are ``(line, message)`` pairs."""

    def __init__(self, path: Path, problems: Sequence[tuple[int, str]]) -> None:
        self.path = path
        self.problems = list(problems)
        shown = "; ".join(f"第 {line} 行 (line {line}): {msg}" for line, msg in problems[:5])
        more = f"; … {len(problems) - 5} more" if len(problems) > 5 else ""
        super().__init__(f"{path}: {shown}{more}")


def _norm_header(cell: object) -> str:
    return re.sub(r"[\s_\-（）()]", "", str(cell or "")).lower().replace("设备编号", "设备id")


def _header_map(header: Sequence[object]) -> tuple[dict[str, int], list[str]]:
    found: dict[str, int] = {}
    problems: list[str] = []
    aliases = {_norm_header(a): key for key, names in COLUMNS.items() for a in names}
    for index, cell in enumerate(header):
        key = aliases.get(_norm_header(cell))
        if key is None:
            continue
        if key in found:
            problems.append(f"列 {key} 出现了两次 (column {key} appears twice)")
        found[key] = index
    missing = [k for k in REQUIRED if k not in found]
    if missing:
        expected = ", ".join("/".join(COLUMNS[k][:2]) + f" ({k})" for k in missing)
        problems.append(f"表头缺少列: {expected} (header is missing these columns)")
    return found, problems


def _rows_csv(path: Path) -> Iterator[tuple[int, list[str]]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise CatalogFileError(path, [(1, "无法识别的文本编码 (expected UTF-8 or GB18030)")])
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    for row in reader:
        yield start, row
        start = reader.line_num + 1


def _rows_xlsx(path: Path) -> Iterator[tuple[int, list[str]]]:
    import openpyxl  # only when an .xlsx is imported

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, … from a damaged file
        raise CatalogFileError(
            path, [(1, f"不是有效的 XLSX 文件 (not a valid .xlsx: {exc})")]
        ) from None
    try:
        sheet = book.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, ["" if v is None else _cell_text(v) for v in values]
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a device ID typed as a number
    return str(value)


def read_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _rows_xlsx(path)
    if suffix in (".csv", ".txt"):
        return _rows_csv(path)
    raise CatalogFileError(path, [(1, f"不支持的文件类型 {suffix!r} (expected .csv or .xlsx)")])


def _entry(
    line: int, row: list[str], cols: dict[str, int]
) -> tuple[CatalogEntry | None, list[str]]:
    values = {k: (row[i].strip() if i < len(row) else "") for k, i in cols.items()}
    problems = [f"{k} 不能为空 (required)" for k in REQUIRED if not values.get(k)]
    device = values.get("device_id", "")
    if device and not DEVICE_ID.fullmatch(device):
        problems.append(
            f"device_id {device!r} 格式不对 (expected letters, digits, '-', '_', at most 100)"
        )
    for key, limit in MAX_TEXT.items():
        if len(values.get(key, "")) > limit:
            problems.append(f"{key} 超过 {limit} 个字符 (too long)")
    if problems:
        return None, problems
    return CatalogEntry(
        values["city"], values["site"], values["room"], device, values.get("label", "")
    ), []


def parse_catalog(path: Path) -> list[CatalogEntry]:
    """All entries of the file, or :class:`CatalogFileError` naming every bad line."""
    problems: list[tuple[int, str]] = []
    entries: dict[str, tuple[int, CatalogEntry]] = {}
    cols: dict[str, int] | None = None
    try:
        rows = iter(read_rows(path))
        for line, row in rows:
            if not any(cell.strip() for cell in row):
                continue  # blank lines are allowed anywhere
            if cols is None:
                cols, header_problems = _header_map(row)
                problems += [(line, p) for p in header_problems]
                if header_problems:
                    break
                continue
            entry, row_problems = _entry(line, row, cols)
            problems += [(line, p) for p in row_problems]
            if entry is None:
                continue
            seen = entries.get(entry.device_id)
            if seen and seen[1] != entry:
                problems.append(
                    (line, f"设备 {entry.device_id} 与第 {seen[0]} 行重复但内容不同 (conflicts)")
                )
            elif not seen:
                entries[entry.device_id] = (line, entry)
            if len(problems) >= MAX_REPORTED:
                break
    except OSError as exc:
        raise CatalogFileError(path, [(0, f"无法读取文件 (cannot read: {exc.strerror})")]) from None
    if cols is None and not problems:
        problems.append((1, "文件为空 (the file has no header row)"))
    if problems:
        raise CatalogFileError(path, problems)
    return [entry for _, entry in entries.values()]
