"""``station catalog import FILE``: load the city → site → room → door-device catalog (issue 7 §6).

CSV (UTF-8/GB18030) or XLSX with the columns 城市, 站点, 机房, 门禁设备ID (and optional 名称).
A file with any bad line imports nothing and names every bad line; importing the same file again
changes nothing. ``--replace`` also removes devices the file no longer lists.
``station catalog list`` prints the catalog.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from station.cli.common import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, load_context

if TYPE_CHECKING:
    from station.store import Store

NAME = "catalog"
HELP = "import (CSV/XLSX) or list the door-device catalog used by the pickers"


def _common(parser: argparse.ArgumentParser) -> None:
    """``--config``/``--data-dir`` after the action too; SUPPRESS keeps values given earlier."""
    parser.add_argument("--config", type=Path, metavar="PATH", default=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, metavar="PATH", default=argparse.SUPPRESS)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="catalog_action", metavar="ACTION", required=True)
    load = sub.add_parser("import", help="load a catalog file (.csv or .xlsx)")
    _common(load)
    load.add_argument("file", type=Path, metavar="FILE")
    load.add_argument(
        "--replace", action="store_true", help="also remove devices the file does not list"
    )
    load.add_argument("--json", action="store_true", help="print a JSON summary")
    show = sub.add_parser("list", help="print the catalog")
    _common(show)
    show.add_argument("--json", action="store_true", help="print JSON")
    parser.epilog = "exit codes: 0 done, 1 the database cannot be used, 2 a bad file (line named)"


def _import(args: argparse.Namespace) -> int:
    from station.records.catalog_file import CatalogFileError, parse_catalog
    from station.records.catalog_store import import_entries

    try:
        entries = parse_catalog(args.file)
    except CatalogFileError as exc:
        print(
            f"station catalog import: {args.file}: 未导入任何设备 (nothing imported)",
            file=sys.stderr,
        )
        for line, message in exc.problems:
            print(f"  第 {line} 行 (line {line}): {message}", file=sys.stderr)
        return EXIT_USAGE
    store = _open(args)
    if store is None:
        return EXIT_FAILURE
    try:
        with store.transaction() as session:
            report = import_entries(session, entries, replace=args.replace)
    finally:
        store.close()
    if args.json:
        print(json.dumps({"file": str(args.file), **report.as_dict()}))
    else:
        print(
            f"已导入 {args.file}: 新增 added {report.added}, 更新 updated {report.updated}, "
            f"未变 unchanged {report.unchanged}, 删除 removed {report.removed}"
        )
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    from station.records.catalog_store import catalog_devices

    store = _open(args)
    if store is None:
        return EXIT_FAILURE
    try:
        with store.transaction() as session:
            rows = [
                {"city": d.city, "site": d.site, "room": d.room, "device_id": d.device_id,
                 "label": d.label}
                for d in catalog_devices(session)
            ]  # fmt: skip
    finally:
        store.close()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
    else:
        for row in rows:
            print(" / ".join(v for v in row.values() if v))
    return EXIT_OK


def _open(args: argparse.Namespace) -> Store | None:
    from station.store import StoreError, open_store

    ctx = load_context(args)
    try:
        return open_store(ctx.settings.storage, ctx.data_dir)
    except StoreError as exc:
        print(f"station catalog: {exc}", file=sys.stderr)
        return None


def run(args: argparse.Namespace) -> int:
    if args.catalog_action == "import":
        return _import(args)
    return _list(args)
