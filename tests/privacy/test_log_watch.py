"""The whole-run log scan (tests/privacy/conftest.py) finds what it is meant to find."""

from __future__ import annotations

import logging

import pytest

from tests.privacy.conftest import DELIBERATE_LEAK, PersonalDataWatch, secret_literals


@pytest.fixture
def watch():
    handler = PersonalDataWatch({"tok-3f9a2c71e5"})
    logger = logging.getLogger("station.watch_test")
    logger.addHandler(handler)
    logger.propagate = False
    yield logger, handler
    logger.removeHandler(handler)
    logger.propagate = True


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("person 13800001111 registered", "full phone number"),
        ("person 唐建峰 registered", "name 唐*"),
        ("header tok-3f9a2c71e5", "token or secret"),
        ("picture /9j/4AAQSkZJRg", "picture"),
    ],
    ids=["phone", "name", "secret", "picture"],
)
def test_leaks_are_found_and_shown_masked(watch, line: str, problem: str) -> None:
    logger, handler = watch
    logger.warning(line)
    (finding,) = handler.findings
    assert problem in finding
    assert "13800001111" not in finding
    assert "唐建峰" not in finding


def test_clean_lines_and_deliberate_leaks_pass(watch) -> None:
    logger, handler = watch
    logger.info("push work order JF-20261203-0001 device 20231201996901 accepted (12 ms)")
    leak = logging.getLogger(DELIBERATE_LEAK)
    leak.addHandler(handler)
    try:
        leak.warning("phone 13800001111")
    finally:
        leak.removeHandler(handler)
    assert handler.findings == []
    assert handler.checked == 1


def test_secret_literals_come_from_the_test_sources() -> None:
    found = secret_literals()
    assert "tok-3f9a2c71e5" in found  # tests/test_logs.py
    assert all(len(s) >= 6 for s in found)
