"""``station demo``: the whole station on a throw-away data dir, with no webcam and no platform.

The simulator runs in-process on loopback (a mixed scenario: most devices written, one failing
then written, one silent then written, door traffic including a door opened without a work
order), the sample catalog is loaded and the camera plays a sample clip of real faces.

- ``station demo``: the GUI in a window; explore it yourself.
- ``station demo --offscreen --screenshots DIR --exit-after S``: the scripted tour, unattended:
  registers two people, waits for results and door events, visits every page, saves a
  screenshot of each step to DIR; exit 0 only if every step reached its expected state.
- ``station demo --headless``: the same scenario without Qt (core + listener + simulator).

The throw-away data dir is deleted after a successful run and kept (its path printed) after a
failed one, with its log in ``logs/station.log``.

Exit codes: 0 every step reached its state; 1 a step did not (the log says which); 2 bad arguments.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from station.cli.common import EXIT_FAILURE, EXIT_OK, EXIT_USAGE

NAME = "demo"
HELP = (
    "the GUI with the built-in simulator, a sample catalog and a sample face clip on a "
    "throw-away data dir; --offscreen --screenshots DIR --exit-after S runs the scripted tour"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add = parser.add_argument
    add("--offscreen", action="store_true", help="no display (QT_QPA_PLATFORM=offscreen)")
    add(
        "--screenshots",
        type=Path,
        metavar="DIR",
        help="run the scripted tour, saving a PNG per step",
    )
    add("--tour", action="store_true", help="run the scripted tour in the window too")
    add(
        "--exit-after",
        type=float,
        metavar="S",
        help="give up (exit 1) if the tour has not finished after S seconds; without a tour, "
        "close the window after S seconds",
    )
    add("--headless", action="store_true", help="the scenario without a GUI (no Qt needed)")
    add("--keep", action="store_true", help="keep the throw-away data dir (its path is printed)")
    add("--json", action="store_true", help="with --headless: print the outcome as JSON")
    add("-v", "--verbose", action="store_true", help="debug logging")


def _data_dir(args: argparse.Namespace) -> tuple[Path, bool]:
    """(the folder, whether it is throw-away). ``--data-dir`` is kept; a temp dir is not."""
    if args.data_dir is not None:
        return Path(args.data_dir), False
    return Path(tempfile.mkdtemp(prefix="station-demo-")), True


def _headless(args: argparse.Namespace, data_dir: Path) -> int:
    from station.demo.headless import run_headless

    outcome = asyncio.run(run_headless(data_dir, args.exit_after or 90.0))
    if args.json:
        steps = [{"step": n, "reached": ok, "at_s": round(t, 2)} for n, ok, t in outcome.steps]
        print(
            json.dumps(
                {"ok": outcome.ok, "steps": steps, "status": outcome.status}, ensure_ascii=False
            )
        )
    else:
        for name, ok, at in outcome.steps:
            print(f"{'✔' if ok else '✘'} {name} ({at:.1f} s)")
    return EXIT_OK if outcome.ok else EXIT_FAILURE


def run(args: argparse.Namespace) -> int:
    if args.config is not None:
        print(
            "station demo: --config is not used; the demo writes its own settings", file=sys.stderr
        )
        return EXIT_USAGE
    if args.offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    import logging

    from station.logs import setup_logging

    data_dir, throw_away = _data_dir(args)
    setup_logging(data_dir, verbose=args.verbose)
    code = EXIT_FAILURE
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)  # one line per callback
    if not args.verbose:  # the console shows the tour's steps; the log file has everything
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler) and not isinstance(
                handler, logging.FileHandler
            ):
                handler.setLevel(logging.WARNING)
    try:
        if args.headless:
            code = _headless(args, data_dir)
        else:
            from station.demo.gui import run_gui_demo

            code = run_gui_demo(
                data_dir,
                screenshots=args.screenshots,
                tour=args.tour or args.screenshots is not None,
                exit_after=args.exit_after,
            )
        return code
    finally:
        if throw_away and not args.keep and code == EXIT_OK:
            shutil.rmtree(data_dir, ignore_errors=True)
        else:  # a failed run keeps its data and log (logs/station.log) for a look
            print(f"station demo: data kept in {data_dir}", file=sys.stderr)
