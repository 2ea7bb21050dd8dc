"""A child process running only the listener (for RSS measurements): prints ``PORT n``."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from tests.listener.core import make_core
from tests.listener.harness import plain_settings


async def main(data_dir: Path) -> None:
    from station.listener import Listener

    listener = Listener(plain_settings(), make_core(data_dir))
    await listener.start()
    print(f"PORT {listener.port}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await listener.stop()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
