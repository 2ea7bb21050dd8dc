"""Screenshots of every page in Chinese and English (``station gui --screenshots DIR``)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from PySide6.QtWidgets import QApplication

from station.ui.i18n import translator
from station.ui.window import MainWindow

log = logging.getLogger(__name__)


async def settle(rounds: int = 3) -> None:
    """Let queued signals, layouts and paints run."""
    for _ in range(rounds):
        QApplication.processEvents()
        await asyncio.sleep(0.02)


async def save_screenshots(
    window: MainWindow, folder: Path, languages: tuple[str, ...] = ("zh_CN", "en")
) -> list[Path]:
    """``{n}-{page}-{language}.png`` for each page; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    keep_language, keep_page = translator.language, window.current_key()
    written: list[Path] = []
    for language in languages:
        translator.set_language(language)
        for number, key in enumerate(window.page_keys(), start=1):
            window.show_page(key)
            await settle()
            path = folder / f"{number}-{key}-{language}.png"
            if not window.grab().save(str(path)):
                raise OSError(f"could not write screenshot {path}")
            written.append(path)
    translator.set_language(keep_language)
    window.show_page(keep_page)
    log.info("saved %d screenshots to %s", len(written), folder)
    return written
