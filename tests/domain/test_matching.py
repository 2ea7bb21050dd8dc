"""D11: work order + device, then phone, then name; account never compared."""

from __future__ import annotations

from station.domain.matching import Candidate, mask_phone, normalize_phone, pick

OPERATOR = Candidate(1, "13800001111", "唐建峰", at_device=True)
ESCORT = Candidate(2, "13700003333", "牛航", at_device=True)
ELSEWHERE = Candidate(3, "13600002222", "王五", at_device=False)


def test_phone_then_name_pick_the_person() -> None:
    both = [OPERATOR, ESCORT]
    assert pick(both, phone="13700003333", name="唐建峰", require_device=True) == ESCORT
    assert pick(both, phone="13999999999", name="牛航", require_device=True) == ESCORT
    assert pick(both, phone="+86 138-0000-1111", name=None, require_device=True) == OPERATOR


def test_a_single_candidate_at_the_device_matches_even_if_details_differ() -> None:
    assert pick([OPERATOR], phone="13999999999", name="别人", require_device=True) == OPERATOR


def test_face_results_need_the_device_door_events_do_not() -> None:
    assert pick([ELSEWHERE], phone=None, name=None, require_device=True) is None
    assert pick([ELSEWHERE], phone=None, name=None, require_device=False) == ELSEWHERE


def test_without_a_work_order_the_person_must_match() -> None:
    assert (
        pick([OPERATOR], phone=None, name="路人", require_device=False, require_person=True) is None
    )
    found = pick([OPERATOR], phone=None, name="唐建峰", require_device=False, require_person=True)
    assert found == OPERATOR


def test_the_registration_on_the_events_date_then_the_newest_wins() -> None:
    old = Candidate(4, "13800001111", "唐建峰", at_device=True, on_date=True)
    new = Candidate(9, "13800001111", "唐建峰", at_device=True, on_date=False)
    assert pick([old, new], phone="13800001111", name=None, require_device=True) == old
    newest = Candidate(10, "13800001111", "唐建峰", at_device=True, on_date=True)
    assert pick([old, new, newest], phone=None, name=None, require_device=True) == newest


def test_masking() -> None:
    assert mask_phone("13800001111") == "138****1111"
    assert mask_phone("029-88886666") == "029-****6666"
    assert mask_phone(None) is None
    assert normalize_phone("86 13800001111") == "13800001111"
