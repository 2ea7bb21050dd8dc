"""``station version``: the version and where the station keeps its files."""

from __future__ import annotations

import argparse
import json

from station import __version__
from station.cli.common import EXIT_OK, load_context

NAME = "version"
HELP = "print the version, the configuration file and the data folder"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace) -> int:
    ctx = load_context(args)
    info = {"version": __version__, "config": str(ctx.config_path), "data_dir": str(ctx.data_dir)}
    if args.json:
        print(json.dumps(info, ensure_ascii=False))
    else:
        for key, value in info.items():
            print(f"{key}: {value}")
    return EXIT_OK
