"""Masking for screens, exports and logs (issue 7 §4): 13800001111 → 138****1111."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from station.privacy.mask import mask_account, mask_name, mask_phone


@pytest.mark.parametrize(
    ("phone", "shown"),
    [
        ("13800001111", "138****1111"),
        (" 13800001111 ", "138****1111"),
        ("138-0000-1111", "138****1111"),
        ("138 0000 1111", "138****1111"),
        ("+8613800001111", "+86 138****1111"),
        ("+86 199 1234 5678", "+86 199****5678"),
        ("029-88881234", "029-****1234"),
        ("(029)88881234", "029-****1234"),
        ("02988881234", "029-****1234"),
        ("010-6552 1234", "****1234"),  # a space inside the local part: generic rule
        ("0915-3212345", "0915-****2345"),
        ("0915-3212345-801", "0915-****2345"),
        ("1234567890123", "****0123"),  # unknown shape: last four digits only
        ("8001", "****"),  # short extension: nothing shown
        ("不详", "****"),
        ("", ""),
        ("   ", ""),
        (None, ""),
    ],
)
def test_mask_phone(phone: str | None, shown: str) -> None:
    assert mask_phone(phone) == shown


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_masked_mobile_never_shows_the_middle_digits(phone: str) -> None:
    shown = mask_phone(phone)
    assert shown == phone[:3] + "****" + phone[-4:]
    assert phone not in shown


@given(st.text(max_size=30))
def test_mask_phone_never_returns_the_whole_input(text: str) -> None:
    shown = mask_phone(text)
    digits = "".join(c for c in text if c.isdigit())
    if len(digits) >= 5:
        assert digits not in "".join(c for c in shown if c.isdigit())


def test_mask_name_and_account() -> None:
    assert mask_name("唐建峰") == "唐**"
    assert mask_name("王五") == "王*"
    assert mask_name("Tang Jianfeng") == "T***"
    assert mask_name("") == ""
    assert mask_name(None) == ""
    assert mask_account("tangjianfeng") == "ta***"
    assert mask_account("ab") == "***"
    assert mask_account(None) == ""
