"""``station serve``: the headless station — push worker (and the callback listener) until
SIGTERM/SIGINT, logging every push and state change.

``run_headless(core, stop, services)`` runs a list of services, each an async callable taking the
stop event and returning when it is set; ``headless_services(core)`` lists them. The callback
listener joins by adding its service there.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, Any

from station.cli.common import EXIT_FAILURE, EXIT_OK, load_context, run_reporting_store_errors
from station.config import ConfigError

if TYPE_CHECKING:
    from station.app import Core

NAME = "serve"
HELP = "run headless: push worker and callback listener, logs to stdout (无界面运行)"
log = logging.getLogger(__name__)

Service = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--verbose", action="store_true", help="debug logging")


def headless_services(core: Core) -> list[Service]:
    """What ``station serve`` runs: the push worker, the callback listener (D7) and retention.

    The listener is built here, so a bad [listener] TLS setting fails before anything runs."""
    from station.listener import Listener
    from station.privacy.scheduler import retention_service

    listener = Listener(core.settings.listener, core.station, core.clock)
    return [core.worker.run, listener.serve, retention_service(core)]  # retention: issue 7


def log_events(core: Core) -> Callable[[], None]:
    from station.domain.events import DeviceStateChanged, Event, PlatformPaused, PlatformResumed

    def on_event(event: Event) -> None:
        if isinstance(event, DeviceStateChanged):
            when = event.next_push_at.isoformat() if event.next_push_at else "-"
            log.info(
                "registration %s device %s -> %s (pushes %s, next %s)",
                event.registration_id,
                event.device_id,
                event.state,
                event.pushes,
                when,
            )
        elif isinstance(event, PlatformPaused):
            log.error("platform paused (code 22): %s", event.reason)
        elif isinstance(event, PlatformResumed):
            log.warning("platform resumed")

    return core.bus.subscribe(Event, on_event)


async def run_headless(core: Core, stop: asyncio.Event, services: Sequence[Service]) -> None:
    """Run every service until ``stop`` is set or one of them fails (then stop the others)."""
    tasks = [asyncio.create_task(service(stop)) for service in services]
    stopped = asyncio.create_task(stop.wait())
    try:
        done, _ = await asyncio.wait([*tasks, stopped], return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            if task in tasks and task.exception() is not None:
                log.error("service failed: %r", task.exception())
    finally:
        stop.set()
        stopped.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
                raise result


async def _main(core: Core) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await run_headless(core, stop, headless_services(core))


def _run(args: argparse.Namespace) -> int:
    from station.app import build_core
    from station.logs import setup_logging

    ctx = load_context(args)
    # DESIGN §4: serve logs to stdout (a service manager or `> file` captures it)
    setup_logging(ctx.data_dir, verbose=args.verbose, settings=ctx.settings, stream=sys.stdout)
    with build_core(ctx.settings, ctx.data_dir) as core:
        unsubscribe = log_events(core)
        log.info(
            "station serve: data dir %s, platform %s", ctx.data_dir, ctx.settings.platform.base_url
        )
        try:
            asyncio.run(_main(core))
        except ConfigError:
            raise  # exit 2 naming the key (station.cli.main)
        except Exception:
            log.exception("station serve stopped on an error")
            return EXIT_FAILURE
        finally:
            unsubscribe()
    log.info("station serve stopped")
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    """The command, with the database's and the photo store's errors as a message and exit 1."""
    return run_reporting_store_errors(NAME, _run, args)
