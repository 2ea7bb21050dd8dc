"""``station status``: registrations with per-device state, next retry time, queue depth.

``--json`` prints the object of DESIGN §4 (``StatusView.to_json``).
"""

from __future__ import annotations

import argparse
import json

from station.cli.common import EXIT_OK, load_context, run_reporting_store_errors

NAME = "status"
HELP = "show registrations, per-device push state and the queue (推送状态)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the DESIGN §4 JSON object")
    parser.add_argument(
        "--limit", type=int, default=200, metavar="N", help="newest N registrations (default 200)"
    )


def _run(args: argparse.Namespace) -> int:
    from station.domain.events import EventBus
    from station.privacy.vault import PhotoVault
    from station.service import Station
    from station.store import open_store

    ctx = load_context(args)
    store = open_store(ctx.settings.storage, ctx.data_dir)
    try:
        vault = PhotoVault.for_settings(ctx.settings.storage, ctx.data_dir)
        status = Station(store, vault, EventBus(), ctx.settings).status(limit=args.limit)
    finally:
        store.close()
    if args.json:
        print(json.dumps(status.to_json(), ensure_ascii=False))
        return EXIT_OK
    paused = "  平台已暂停 (paused): " + status.platform.reason if status.platform.paused else ""
    print(f"queue: {status.due} due, {status.scheduled} scheduled{paused}")
    for reg in status.registrations:
        print(f"#{reg.id} {reg.work_order} {reg.name} ({reg.role}) {reg.date.isoformat()}")
        for dev in reg.devices:
            when = dev.next_push_at.isoformat() if dev.next_push_at else "-"
            print(f"    {dev.device_id:<16} {dev.state.value:<14} pushes={dev.pushes} next={when}")
            if dev.last_result:
                print(f"        {dev.last_result}")
    for door in status.door_events:
        flags = ",".join(door.flags) or "ok"
        print(
            f"door {door.device_id} {door.opened_at.isoformat()} {door.work_order or '-'} {flags}"
        )
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    """The command, with the database's and the photo store's errors as a message and exit 1."""
    return run_reporting_store_errors(NAME, _run, args)
