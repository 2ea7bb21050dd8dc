"""``station serve`` as a child process: its command line, or started, its address learnt from
its log, then stopped or killed."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LISTENING = re.compile(r"listening on (https?://\S+)")


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


class ServeProcess:
    """The real ``python -m station serve`` with its output (the log is on stdout, DESIGN §4;
    errors on stderr) collected in a thread."""

    def __init__(self, config: Path, data_dir: Path, timeout: float = 60) -> None:
        self.lines: list[str] = []
        self._seen = threading.Condition()
        self.proc = subprocess.Popen(
            serve_command(config, data_dir),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        try:
            self.url = self._wait_listening(timeout)
        except BaseException:
            self.kill()
            raise

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._seen:
                self.lines.append(line.rstrip("\n"))
                self._seen.notify_all()
        with self._seen:
            self._seen.notify_all()

    def _wait_listening(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        with self._seen:
            while True:
                for line in self.lines:
                    if found := LISTENING.search(line):
                        return found.group(1)
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise AssertionError("station serve did not listen:\n" + self.log())
                self._seen.wait(min(left, 0.5))

    def log(self) -> str:
        with self._seen:
            return "\n".join(self.lines)

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM and wait; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout)
        self._close()
        return code

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(30)
        self._close()

    def _close(self) -> None:
        self._reader.join(10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
