"""``station gui`` (also bare ``station``): the kiosk GUI (issue 5)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from station.cli.common import EXIT_FAILURE, EXIT_OK, load_context

NAME = "gui"
HELP = "the kiosk GUI: register, progress, door board, history, settings (default command)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--kiosk", action="store_true", default=None, help="full screen (touch)")
    mode.add_argument(
        "--windowed", dest="kiosk", action="store_false", help="a normal window (overrides config)"
    )
    parser.add_argument(
        "--offscreen", action="store_true", help="no display (QT_QPA_PLATFORM=offscreen)"
    )
    parser.add_argument("--no-camera", action="store_true", help="do not open the camera")
    parser.add_argument(
        "--screenshots",
        type=Path,
        metavar="DIR",
        help="save a screenshot of every page in Chinese and English to DIR, then exit",
    )
    parser.add_argument(
        "--exit-after", type=float, metavar="S", help="close the window after S seconds"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")


def run(args: argparse.Namespace) -> int:
    ctx = load_context(args)
    if args.offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from station.logs import setup_logging

    setup_logging(ctx.data_dir, verbose=args.verbose, settings=ctx.settings)
    from station.ui.main import main_coroutine
    from station.ui.shell import run as run_shell

    options = {
        "kiosk": args.kiosk,
        "camera": not args.no_camera,
        "screenshots": args.screenshots,
        "exit_after": args.exit_after,
    }
    code = run_shell(lambda closed: main_coroutine(ctx, closed, **options))
    return EXIT_OK if code == 0 else EXIT_FAILURE
