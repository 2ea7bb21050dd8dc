"""Running the GUI: QApplication, CJK font, qasync loop, exception hook, clean shutdown.

The main coroutine builds the app, shows the window and waits for an asyncio Event set by
``lastWindowClosed`` (NOTES.md: never ``app.quit()`` from a coroutine); then it stops every part
and returns. SIGINT/SIGTERM set the same event. An uncaught exception — in a slot or in a task —
is logged and shown in a dialog; it never ends the app silently.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
import traceback
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import TracebackType
from typing import Any

import qasync
from PySide6.QtCore import QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox

from station.resources import resources_dir
from station.ui.i18n import tr
from station.ui.theme import load_cjk_font

log = logging.getLogger(__name__)
qt_log = logging.getLogger("qt")
_dialogs: list[QMessageBox] = []
SWITCH_INTERVAL_S = 0.0002
#: Qt messages that are expected and say nothing to an operator (offscreen platform limits).
QUIET_QT_MESSAGES = ("This plugin does not support propagateSizeHints()",)


def _qt_message(kind: QtMsgType, _context: object, message: str) -> None:
    level = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
    }.get(kind, logging.ERROR)
    if message.startswith(QUIET_QT_MESSAGES):
        level = logging.DEBUG
    qt_log.log(level, "%s", message)


def show_error(summary: str, details: str = "") -> None:
    """A non-modal dialog (a modal one would nest event loops inside qasync)."""
    if QApplication.instance() is None:
        return
    box = QMessageBox(QMessageBox.Icon.Critical, tr("程序出错"), summary)
    box.setInformativeText(tr("错误已记录到日志。可以继续使用；如反复出现请联系管理员。"))
    if details:
        box.setDetailedText(details)
    box.setModal(False)
    box.finished.connect(lambda _r: _dialogs.remove(box) if box in _dialogs else None)
    _dialogs.append(box)
    box.show()


def show_fatal(summary: str) -> None:
    """Before exiting: a modal dialog, so the person reads why (not offscreen: nobody to click)."""
    if QApplication.platformName() == "offscreen":
        return
    QMessageBox.critical(None, tr("无法启动"), summary)


def excepthook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    log.error("uncaught exception", exc_info=(kind, value, tb))
    show_error(f"{kind.__name__}: {value}", "".join(traceback.format_exception(kind, value, tb)))


def loop_exception_handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    error = context.get("exception")
    if isinstance(error, BaseException):
        excepthook(type(error), error, error.__traceback__)
    else:
        log.error("event loop error: %s", context.get("message"))


def make_application(argv: list[str] | None = None, fonts: Path | None = None) -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv or [sys.argv[0]])
    app.setApplicationName("station")
    app.setOrganizationName("station")
    qInstallMessageHandler(_qt_message)
    load_cjk_font(app, fonts or resources_dir() / "fonts")
    # The GUI thread shares the interpreter lock with the push worker, the listener's store
    # threads and the camera: a 1 ms switch interval (default 5 ms) lets it take the lock back
    # sooner, so the loop stays live while they work (DESIGN §6: no stall over 50 ms).
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    return app


def run(main: Callable[[asyncio.Event], Awaitable[int]], argv: list[str] | None = None) -> int:
    """Run ``main(closed)`` on a qasync loop; ``closed`` is set when the last window closes or
    on SIGINT/SIGTERM. Returns main's exit code."""
    app = make_application(argv)
    app.setQuitOnLastWindowClosed(False)  # the main coroutine decides when to end
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    loop.set_exception_handler(loop_exception_handler)
    previous_hook = sys.excepthook
    sys.excepthook = excepthook
    closed = asyncio.Event()
    app.lastWindowClosed.connect(closed.set)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: loop.call_soon_threadsafe(closed.set))
    keepalive = QTimer(interval=200)  # lets Python see signals while Qt is idle (NOTES.md)
    keepalive.timeout.connect(lambda: None)
    keepalive.start()
    try:
        with loop:
            return loop.run_until_complete(main(closed))
    finally:
        keepalive.stop()
        sys.excepthook = previous_hook
