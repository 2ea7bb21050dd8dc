"""A child process running only the listener (for RSS measurements): prints ``PORT n``."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from tests.listener.core import make_core
from tests.listener.harness import plain_settings


async def main(data_dir: Path) -> None:
    from station.listener import Listener

    core = make_core(data_dir)
    listener = Listener(plain_settings(), core.station)
    await listener.start()
    print(f"PORT {listener.port}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await listener.stop()
        core.close()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
