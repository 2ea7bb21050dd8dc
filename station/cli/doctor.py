"""``station doctor``: check configuration, data folder, database, photo key, font, camera, TLS
and network.

Exit codes: 0 nothing blocks operation (warnings may be printed); 1 at least one check failed
(the station cannot work as configured: each failure says what to do); 2 the configuration file
itself is invalid (its key and the expected value are named).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from station.cli.common import EXIT_FAILURE, EXIT_OK, EXIT_USAGE
from station.config import default_data_dir

NAME = "doctor"
HELP = (
    "check configuration, data folder, database, photo key, TLS, listener port, platform, camera, "
    "detector and CJK font; exit 0 ok, 1 something blocks operation, 2 invalid configuration"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from station.doctor.runner import CHECK_IDS

    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=CHECK_IDS[1:],
        metavar="CHECK",
        help=f"leave a check out (repeatable): {', '.join(CHECK_IDS[1:])}",
    )


def exit_code(findings: list[object]) -> int:
    from station.doctor import Finding

    items = [f for f in findings if isinstance(f, Finding)]
    if any(f.check == "config" and f.status == "fail" for f in items):
        return EXIT_USAGE
    return EXIT_FAILURE if any(f.status == "fail" for f in items) else EXIT_OK


def run(args: argparse.Namespace) -> int:
    from station.doctor.runner import render, run_checks

    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    findings = run_checks(args.config, data_dir, args.skip)
    code = exit_code(list(findings))
    if args.json:
        report = {
            "ok": code == EXIT_OK,
            "exit_code": code,
            "checks": [f.to_json() for f in findings],
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(render(findings))
    return code
