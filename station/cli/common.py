"""What every command shares: ``--config``/``--data-dir`` and the settings they lead to."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from station.config import Settings, default_data_dir, load_settings

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_PHOTO = 3


def add_common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", type=Path, metavar="PATH", help="TOML settings file (default: per-user config)"
    )
    parser.add_argument(
        "--data-dir", type=Path, metavar="PATH", help="data folder (default: per-user data dir)"
    )


@dataclass(frozen=True)
class Context:
    settings: Settings
    config_path: Path
    data_dir: Path


def load_context(args: argparse.Namespace) -> Context:
    """Read the settings named by ``--config`` and resolve the data dir; raises ConfigError."""
    settings, path = load_settings(getattr(args, "config", None))
    data_dir = getattr(args, "data_dir", None) or default_data_dir()
    return Context(settings, path, Path(data_dir))


def run_reporting_store_errors(
    name: str, command: Callable[[argparse.Namespace], int], args: argparse.Namespace
) -> int:
    """Run ``command``; the database's and the photo store's errors become a message, exit 1."""
    from station.privacy.vault import VaultError
    from station.store import StoreError

    try:
        return command(args)
    except (StoreError, VaultError) as exc:
        print(f"station {name}: {exc}", file=sys.stderr)
        return EXIT_FAILURE
