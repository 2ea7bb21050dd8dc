"""``station demo`` with its window: the demo world under the real GUI (``station.ui``).

The main coroutine runs on the GUI's qasync loop (``station.ui.shell.run``): it starts the demo
world (simulator, settings, catalog, clip), then ``GuiApp`` exactly as ``station gui`` builds it,
shows the window, and either runs the scripted tour (``--screenshots``/``--tour``) or waits for
the window to close. Everything is stopped in reverse order whatever happens.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

log = logging.getLogger(__name__)


async def _main(
    closed: asyncio.Event,
    data_dir: Path,
    screenshots: Path | None,
    tour: bool,
    exit_after: float | None,
) -> int:
    from station.demo.tour import Tour, TourFailed
    from station.demo.world import start_world
    from station.ui.app import GuiApp, GuiOptions

    world = await start_world(data_dir)
    gui = GuiApp(world.settings, world.config_path, data_dir, GuiOptions(kiosk=False))
    try:
        window = await gui.start()
    except Exception:
        log.exception("the demo GUI could not start")
        await gui.stop_partial()
        await world.stop()
        return 1
    gui.show()
    print(
        f"station demo: simulator {world.platform_url}, listener "
        f"http://127.0.0.1:{world.settings.listener.port}, data {data_dir}",
        flush=True,
    )
    try:
        if not tour:
            if exit_after is not None:
                asyncio.get_running_loop().call_later(exit_after, closed.set)
            await closed.wait()
            return 0
        if screenshots is not None:
            screenshots.mkdir(parents=True, exist_ok=True)
        walk = Tour(gui, screenshots)
        try:
            await asyncio.wait_for(walk.run(), timeout=exit_after)
        except (TourFailed, TimeoutError) as exc:
            reason = str(exc) or f"the tour did not finish within {exit_after} s"
            log.error("demo tour failed: %s", reason)
            walk.log_state()
            print(f"station demo: tour FAILED: {reason}", flush=True)
            if screenshots is not None:
                window.grab().save(str(screenshots / "failed.png"))
            return 1
        for name, _ok, at in walk.steps:
            print(f"✔ {name} ({at:.1f} s)", flush=True)
        where = f" in {screenshots}" if screenshots is not None else ""
        print(f"station demo: tour OK, {len(walk.steps)} steps{where}", flush=True)
        if screenshots is None and exit_after is None:
            await closed.wait()  # a visible tour: stay open for the viewer
        return 0
    finally:
        window.close()
        await gui.stop()
        await world.stop()


def run_gui_demo(
    data_dir: Path, *, screenshots: Path | None, tour: bool, exit_after: float | None
) -> int:
    from station.ui.shell import run

    return run(lambda closed: _main(closed, data_dir, screenshots, tour, exit_after))
