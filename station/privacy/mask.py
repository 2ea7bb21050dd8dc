"""Masking of personal data for display and logs (issue 7, PIPL Art. 51).

Phones are shown masked everywhere except the clerk's own form: a mainland mobile number keeps
its first three and last four digits (``13800001111`` → ``138****1111``), a landline keeps its
area code and last four digits (``029-88881234`` → ``029-****1234``), anything else keeps at most
its last four digits. Names keep their first character (``唐建峰`` → ``唐**``).
"""

from __future__ import annotations

import re

MASK = "****"

_MOBILE = re.compile(r"(?P<cc>\+?86[- ]?)?(?P<head>1[3-9]\d)[- ]?\d{4}[- ]?(?P<tail>\d{4})")
# Area codes: 010, 02x (three digits) or 0xxx (four digits); local part 7 or 8 digits.
_LANDLINE = re.compile(
    r"(?P<cc>\+?86[- ]?)?\(?(?P<area>0(?:10|2\d|[3-9]\d{2}))\)?[- ]?(?P<local>\d{7,8})"
    r"(?P<ext>(?:[- ]|转|ext\.?)\d{1,6})?",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d")


def mask_phone(phone: str | None) -> str:
    """The phone as it may be shown on screens, exports and logs; ``""`` for no phone."""
    if phone is None:
        return ""
    text = phone.strip()
    if not text:
        return ""
    mobile = _MOBILE.fullmatch(text)
    if mobile:
        cc = "+86 " if mobile["cc"] else ""
        return f"{cc}{mobile['head']}{MASK}{mobile['tail']}"
    landline = _LANDLINE.fullmatch(text)
    if landline:
        cc = "+86 " if landline["cc"] else ""
        return f"{cc}{landline['area']}-{MASK}{landline['local'][-4:]}"
    digits = "".join(_DIGITS.findall(text))
    if len(digits) >= 8:
        return f"{MASK}{digits[-4:]}"
    # Short numbers (internal extensions) or text: nothing of it is shown.
    return MASK


def mask_name(name: str | None) -> str:
    """A name reduced to its first character: ``唐建峰`` → ``唐**``, ``Tang Jianfeng`` → ``T***``."""
    if name is None:
        return ""
    text = name.strip()
    if not text:
        return ""
    first = text[0]
    if first.isascii():
        return first + "***"
    return first + "*" * max(1, len(text) - 1)


def mask_account(account: str | None) -> str:
    """An account keeps its first two characters: ``tangjianfeng`` → ``ta***``."""
    if account is None:
        return ""
    text = account.strip()
    if not text:
        return ""
    return text[:2] + "***" if len(text) > 2 else "***"
