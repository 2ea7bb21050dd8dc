"""The whole test run's log lines are scanned for personal data (issue 7 acceptance).

Loaded with the privacy tests, this installs, before any test runs, a root log handler that
checks every record of every test in the session (station loggers at DEBUG) for a full mainland
mobile number, a name from the test data, a token or HMAC secret literal from the test sources,
or a picture (``/9j/``, ``iVBORw0KGgo``, JPEG bytes). At the end of the session findings are
listed (masked) and the run fails. Records are checked as they are emitted, never stored.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import pytest

from station.privacy.redact import Redactor

#: Names the test data and the demo use (the scan also covers tests/privacy/people.py).
TEST_NAMES = (
    "唐建峰",
    "牛航",
    "司马相如",
    "欧阳娜娜",
    "黄强",
    "陈静",
    "赵敏",
    "王芳",
    "林晓燕",
    "杨磊",
    "李娜",
    "张伟",
    "刘洋",
    "何慧珍",
)
MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
PICTURES = ("/9j/", "iVBORw0KGgo", "\\xff\\xd8\\xff", "\xff\xd8\xff")
_SECRET_LITERAL = re.compile(
    r"""\b\w*(?:token|secret|TOKEN|SECRET)\w*["']?\s*[=:]\s*["']([A-Za-z0-9_\-.]{6,})["']"""
)
TESTS = Path(__file__).parents[1]
#: Tests of the redacting filter log personal data on purpose, under this logger.
DELIBERATE_LEAK = "tests.deliberate_leak"


def secret_literals() -> set[str]:
    """Token and HMAC secret values written in the test sources (``TOKEN = "…"``,
    ``token="…"``, ``hmac_secret="…"``)."""
    found: set[str] = set()
    for path in TESTS.rglob("*.py"):
        found.update(_SECRET_LITERAL.findall(path.read_text(encoding="utf-8")))
    return found


class PersonalDataWatch(logging.Handler):
    def __init__(self, secrets: set[str]) -> None:
        super().__init__(logging.DEBUG)
        self.secrets = sorted(secrets, key=len, reverse=True)
        self.findings: list[str] = []
        self.checked = 0
        self._mask = Redactor(self.secrets)

    def _problems(self, text: str) -> list[str]:
        problems = ["full phone number"] if MOBILE.search(text) else []
        problems += [f"name {n[0]}*" for n in TEST_NAMES if n in text]
        problems += ["token or secret" for s in self.secrets if s in text][:1]
        problems += ["picture" for p in PICTURES if p in text][:1]
        return problems

    def emit(self, record: logging.LogRecord) -> None:
        if record.name == DELIBERATE_LEAK or record.name.startswith(DELIBERATE_LEAK + "."):
            return
        try:
            text = record.getMessage()
        except Exception:
            text = str(record.msg)
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.checked += 1
        problems = self._problems(text)
        if problems:
            test = MOBILE.sub("1**********", os.environ.get("PYTEST_CURRENT_TEST", "?"))
            test = test.rsplit(" ", 1)[0]
            shown = MOBILE.sub("1**********", self._mask(text))
            for name in TEST_NAMES:
                shown = shown.replace(name, name[0] + "*")
                test = test.replace(name, name[0] + "*")
            self.findings.append(f"{test}: {record.name} [{', '.join(problems)}]: {shown[:300]!r}")


_WATCH: PersonalDataWatch | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _WATCH
    if _WATCH is not None:
        return
    _WATCH = PersonalDataWatch(secret_literals())
    logging.getLogger().addHandler(_WATCH)
    station = logging.getLogger("station")
    if station.getEffectiveLevel() > logging.DEBUG:
        station.setLevel(logging.DEBUG)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _WATCH is None:
        return
    if _WATCH.findings:
        terminalreporter.section("personal data in log lines (issue 7)", red=True)
        for line in _WATCH.findings[:50]:
            terminalreporter.write_line(line)
    else:
        terminalreporter.write_line(
            f"issue 7 log scan: {_WATCH.checked} log records checked, no personal data"
        )


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    if _WATCH is not None and _WATCH.findings and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
