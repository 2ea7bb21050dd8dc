"""The ``station`` command line (DESIGN §4): one module per command in this package.

Each command module defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``
and imports heavy things (Qt, OpenCV) inside ``run`` so that ``station --help`` stays quick.
Exit codes: 0 success, 1 failure while running, 2 bad arguments, invalid input or configuration
(the message names the field), 3 a photo failed the quality gate.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from station import __version__
from station.cli.common import EXIT_FAILURE, EXIT_USAGE, add_common_options
from station.config import ConfigError

#: Command modules in the order ``--help`` lists them.
COMMAND_MODULES = [
    "station.cli.version",
    "station.cli.doctor",
    "station.cli.sim",
    "station.cli.check_photo",
    "station.cli.catalog",
    "station.cli.export",
    "station.cli.purge",
    "station.cli.gui",
    "station.cli.register",
    "station.cli.status",
    "station.cli.not_effective",
    "station.cli.serve",
    "station.cli.demo",
]


def _commands() -> list[ModuleType]:
    return [importlib.import_module(name) for name in COMMAND_MODULES]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="station",
        description="机房出入登记站 — machine-room access registration station.",
        epilog="exit codes: 0 ok, 1 failure, 2 bad arguments or input, 3 photo failed the gate",
    )
    parser.add_argument("--version", action="version", version=f"station {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _commands():
        command = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        add_common_options(command)
        module.add_arguments(command)
        command.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "run", None) is None:
        if "station.cli.gui" in COMMAND_MODULES:
            return main(["gui", *(argv or sys.argv[1:])])
        parser.print_help()
        return EXIT_USAGE
    try:
        code: int = args.run(args)
        sys.stdout.flush()  # a reader that left shows here, not at interpreter exit
    except ConfigError as exc:
        print(f"station: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `station status | head`: the reader left; no traceback
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the exit-time flush fails quietly too
        return EXIT_FAILURE
    return code
