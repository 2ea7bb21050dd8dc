"""The GUI's main coroutine: start the app, wait until the window closes, stop everything."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

from station.cli.common import Context
from station.ui.app import GuiApp, GuiOptions
from station.ui.screenshots import save_screenshots, settle

log = logging.getLogger(__name__)


async def main_coroutine(
    ctx: Context,
    closed: asyncio.Event,
    *,
    kiosk: bool | None = None,
    camera: bool = True,
    screenshots: Path | None = None,
    exit_after: float | None = None,
) -> int:
    gui = GuiApp(
        ctx.settings, ctx.config_path, ctx.data_dir, GuiOptions(camera=camera, kiosk=kiosk)
    )
    try:
        window = await gui.start()
    except Exception as exc:
        log.exception("the GUI could not start")
        await gui.stop_partial()
        print(f"station gui: cannot start: {exc}", file=sys.stderr)
        from station.ui.shell import show_fatal

        show_fatal(f"无法启动：{exc}")  # the app ends after this: wait until it is read
        return 1
    gui.show()
    try:
        if screenshots is not None:
            await settle(10)
            await save_screenshots(window, screenshots)
            return 0
        if exit_after is not None:
            asyncio.get_running_loop().call_later(exit_after, closed.set)
        await closed.wait()
        return 0
    finally:
        window.close()
        await gui.stop()
