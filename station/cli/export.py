"""``station export``: the audit export (issue 7 §5) as CSV (UTF-8 with BOM) or XLSX.

Registrations with their consent record, per-device results with times, push attempts,
callbacks and door events with their flags, for the local dates ``--from``..``--to``
(inclusive). Phones are masked; pictures are never exported.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from station.cli.common import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, load_context

NAME = "export"
HELP = "audit export of registrations, device results, pushes, callbacks and door events"
DEFAULT_DAYS = 30


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"日期格式应为 YYYY-MM-DD (expected YYYY-MM-DD, got {text!r})"
        ) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from", dest="start", type=_day, metavar="YYYY-MM-DD",
        help=f"first day (default: {DEFAULT_DAYS} days before --to)",
    )  # fmt: skip
    parser.add_argument(
        "--to", dest="end", type=_day, metavar="YYYY-MM-DD", help="last day (default: today)"
    )
    parser.add_argument(
        "--out", required=True, type=Path, metavar="FILE", help="FILE.csv or FILE.xlsx"
    )
    parser.add_argument("--json", action="store_true", help="print a JSON summary")
    parser.epilog = "exit codes: 0 written, 1 the database cannot be used, 2 bad arguments"


def run(args: argparse.Namespace) -> int:
    ctx = load_context(args)
    from station.domain.clock import SystemClock
    from station.records.export_query import SECTION_TITLES, export_audit
    from station.records.export_writer import FORMATS
    from station.store import StoreError, open_store

    out: Path = args.out
    if out.suffix.lower() not in FORMATS:
        print(
            f"station export: --out 文件名应以 .csv 或 .xlsx 结尾 (expected .csv or .xlsx): {out}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    tz = ctx.settings.station.timezone
    end = args.end or SystemClock().now().astimezone(ZoneInfo(tz)).date()
    start = args.start or end - timedelta(days=DEFAULT_DAYS)
    if start > end:
        print(
            f"station export: --from {start} 晚于 --to {end} (--from after --to)", file=sys.stderr
        )
        return EXIT_USAGE
    if not out.parent.is_dir():
        print(
            f"station export: --out 的目录不存在 (folder does not exist): {out.parent}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        store = open_store(ctx.settings.storage, ctx.data_dir)
    except StoreError as exc:
        print(f"station export: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    try:
        counts = export_audit(store, out, start, end, tz)
    except OSError as exc:
        print(f"station export: 无法写入 {out} (cannot write: {exc.strerror})", file=sys.stderr)
        return EXIT_FAILURE
    finally:
        store.close()
    if args.json:
        print(json.dumps({"file": str(out), "from": str(start), "to": str(end), **counts}))
    else:
        print(f"已导出 exported {start} … {end} to {out}")
        for key, count in counts.items():
            print(f"  {SECTION_TITLES.get(key, '')} {key}: {count}")
    return EXIT_OK
