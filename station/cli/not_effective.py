"""``station not-effective REG DEVICE``: the clerk's 成功但未生效 for one device (D14)."""

from __future__ import annotations

import argparse
import json
import sys

from station.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    load_context,
    run_reporting_store_errors,
)

NAME = "not-effective"
HELP = "mark a written device as not effective and re-push it after the delay (成功但未生效)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = "exit codes: 0 marked, 1 database error, 2 unknown device or not written"
    parser.add_argument("registration", type=int, metavar="REG", help="registration id")
    parser.add_argument("device", metavar="DEVICE", help="door device ID")
    parser.add_argument("--json", action="store_true", help="print the device's new state")


def _run(args: argparse.Namespace) -> int:
    from station.app import build_core
    from station.service import ActionError

    ctx = load_context(args)
    with build_core(ctx.settings, ctx.data_dir) as core:
        try:
            view = core.station.mark_not_effective(args.registration, args.device)
        except ActionError as exc:
            print(f"station not-effective: {exc.message}", file=sys.stderr)
            return EXIT_USAGE
    if args.json:
        print(json.dumps(view.to_json(), ensure_ascii=False))
    else:
        when = view.next_push_at.isoformat() if view.next_push_at else "-"
        print(f"{view.device_id}: {view.state.value}, re-push at {when}")
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    """The command, with the database's and the photo store's errors as a message and exit 1."""
    return run_reporting_store_errors(NAME, _run, args)
