"""The command line of a real ``station serve`` child process (tests start it several ways)."""

from __future__ import annotations

import sys
from pathlib import Path


def serve_command(config: Path, data_dir: Path) -> list[str]:
    """``python -m station serve`` on ``config`` and ``data_dir``, with this interpreter."""
    return [
        sys.executable,
        "-m",
        "station",
        "serve",
        "--config",
        str(config),
        "--data-dir",
        str(data_dir),
    ]
