"""D11: which registration a face result or door event belongs to.

Candidates are registrations with the callback's work order (or, for a door opened without a
work order, registrations at that device). The rules, in order: the device must be one of the
registration's devices (always for face results; preferred for door events), then the phone,
then the name narrow the candidates (a filter that would leave none is skipped); ``account`` is
never compared (the spec pushes ``tangjianfeng`` and is called back with ``dwtangjianfeng``).
A registration on the event's date is preferred, then the newest.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from station.privacy.mask import mask_phone as privacy_mask_phone

_PHONE_NOISE = re.compile(r"[\s\-()+]")


@dataclass(frozen=True)
class Candidate:
    registration_id: int
    phone: str
    name: str
    at_device: bool  # the callback's device is one of the registration's devices
    on_date: bool = True  # the registration's date is the event's date


def normalize_phone(phone: str) -> str:
    digits = _PHONE_NOISE.sub("", phone)
    return digits[2:] if digits.startswith("86") and len(digits) == 13 else digits


def pick(
    candidates: Sequence[Candidate],
    *,
    phone: str | None,
    name: str | None,
    require_device: bool,
    require_person: bool = False,
) -> Candidate | None:
    """The matching registration, or ``None`` (then the callback is stored as unmatched).

    ``require_person``: the phone or the name must actually match (used when there is no work
    order to match on).
    """
    at_device = [c for c in candidates if c.at_device]
    pool = at_device if (require_device or at_device) else list(candidates)
    person_matched = False
    if phone:
        want = normalize_phone(phone)
        narrowed = [c for c in pool if normalize_phone(c.phone) == want]
        if narrowed:
            pool, person_matched = narrowed, True
    if name:
        narrowed = [c for c in pool if c.name.strip() == name.strip()]
        if narrowed:
            pool, person_matched = narrowed, True
    if not pool or (require_person and not person_matched):
        return None
    dated = [c for c in pool if c.on_date]
    return max(dated or pool, key=lambda c: c.registration_id)


def mask_phone(phone: str | None) -> str | None:
    """138****1111: enough for the person to recognise, not enough to call (issue 7 §4; the
    rules, landlines included, are in :mod:`station.privacy.mask`). None for no phone."""
    return privacy_mask_phone(phone) or None
