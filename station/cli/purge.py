"""``station purge``: apply retention now (issue 7 §3); ``--dry-run`` lists and changes nothing.

Deletes face photos whose keep time is over (``storage.photo_keep_after_written_s`` after all
devices are written, or once the registration ended) and anonymises name, account and phone of
everything stored more than ``storage.retention_days`` ago; then checkpoints the SQLite WAL.
Needs no photo key: deleting an encrypted file does not decrypt it.
"""

from __future__ import annotations

import argparse
import json
import sys

from station.cli.common import EXIT_FAILURE, EXIT_OK, load_context

NAME = "purge"
HELP = "delete face photos and personal data past the retention period (--dry-run: only list)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dry-run", action="store_true", help="list what would be deleted, change nothing"
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.epilog = "exit codes: 0 done, 1 the database or data folder cannot be used"


def _print_text(report: dict[str, object]) -> None:
    dry = bool(report["dry_run"])
    verb = "将删除 (would delete)" if dry else "已删除 (deleted)"
    photos = report["photos"]
    assert isinstance(photos, list)
    print(f"人脸照片 photos {verb}: {len(photos)}")
    for p in photos:
        print(f"  登记 {p['registration_id']} 工单 {p['work_order']}: {p['reason']}")
    anonymised = report["anonymised"]
    assert isinstance(anonymised, list)
    verb = "将匿名 (would anonymise)" if dry else "已匿名 (anonymised)"
    print(f"个人信息 personal data {verb}, stored before {report['personal_data_before']}:")
    print(f"  登记 registrations: {len(anonymised)}")
    for key, label in (
        ("push_attempts", "推送记录 push attempts"),
        ("callbacks", "回调记录 callbacks"),
        ("door_events", "开门记录 door events"),
    ):
        print(f"  {label}: {report[key]}")
    if not dry:
        print(f"孤立照片 orphan photos deleted: {report['orphan_photos']}")
        print(f"旧数据库备份 old database backups deleted: {report['old_backups']}")
        print(f"WAL checkpoint: {report['checkpoint']}")


def run(args: argparse.Namespace) -> int:
    ctx = load_context(args)
    from station.domain.clock import SystemClock
    from station.logs import setup_logging
    from station.privacy.purge import run_purge
    from station.privacy.vault import PhotoFolder
    from station.store import StoreError, open_store

    setup_logging(ctx.data_dir, console=False, settings=ctx.settings)
    try:
        store = open_store(ctx.settings.storage, ctx.data_dir)
    except StoreError as exc:
        print(f"station purge: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    try:
        report = run_purge(
            store,
            PhotoFolder(ctx.data_dir / "photos"),
            ctx.settings,
            SystemClock().now(),
            dry_run=args.dry_run,
        ).to_json()
    finally:
        store.close()
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        _print_text(report)
    return EXIT_OK
