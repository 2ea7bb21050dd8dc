"""Undo ``station.logs.setup_logging`` after a test: its handlers closed, its secrets forgotten."""

from __future__ import annotations

import logging

from station.logs import REDACTING_FILTER


def reset_station_logging() -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_station", False):
            root.removeHandler(handler)
            handler.close()
    REDACTING_FILTER.redactor.clear_secrets()
