"""The re-push rules as pure functions (D4, D5, D14, D15): exact times, capped backoff."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from station.domain import rules
from station.domain.rules import Answer, RetryPolicy, Target
from station.domain.states import DeviceState as S

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
POLICY = RetryPolicy()  # the DESIGN defaults: 300 / 600 / 600, 6 pushes


def at(seconds: float) -> datetime:
    return NOW + timedelta(seconds=seconds)


def test_accepted_waits_for_the_result_until_the_silence_deadline() -> None:
    t = rules.after_answer(Target(S.SENDING), Answer.ACCEPTED, "00", NOW, POLICY, 0.5)
    assert t == Target(S.ACCEPTED, 1, 0, at(600), "00")
    assert rules.after_silence(t, at(599), POLICY) is None
    silent = rules.after_silence(t, at(600), POLICY)
    assert silent is not None
    assert (silent.state, silent.next_push_at) == (S.NO_RESULT, at(600))  # D14: due then


def test_failure_result_re_pushes_five_minutes_after_the_result() -> None:
    waiting = Target(S.ACCEPTED, 1, 0, at(600))
    t = rules.after_result(waiting, False, "失败：图片质量不合格", at(42), POLICY)
    assert t == Target(S.FAILED, 1, 0, at(42 + 300), "失败：图片质量不合格")


def test_a_result_before_the_answer_is_recorded_counts_and_the_push_too() -> None:
    """The platform may call back while the station still waits for addFace's 00 (D14)."""
    sending = Target(S.SENDING, 1, 0, NOW)
    failed = rules.after_result(sending, False, "失败：图片质量不合格", at(1), POLICY)
    assert failed == Target(S.FAILED, 2, 0, at(301), "失败：图片质量不合格")
    written = rules.after_result(sending, True, "成功", at(1), POLICY)
    assert written == Target(S.WRITTEN, 2, 0, None, "成功")
    last = rules.after_result(Target(S.SENDING, 5, 0, NOW), False, "失败", at(1), POLICY)
    assert last is not None
    assert last.state is S.GIVEN_UP  # the push in flight was the sixth


def test_not_effective_re_pushes_ten_minutes_after_the_click() -> None:
    written = Target(S.WRITTEN, 2)
    t = rules.after_not_effective(written, at(10), POLICY)
    assert (t.state, t.next_push_at) == (S.NOT_EFFECTIVE, at(610))
    with pytest.raises(ValueError, match="written"):
        rules.after_not_effective(Target(S.ACCEPTED, 1), NOW, POLICY)


def test_a_success_counts_late_but_not_over_the_clerks_not_effective() -> None:
    late = rules.after_result(Target(S.GIVEN_UP, 6), True, "成功", NOW, POLICY)
    assert late is not None
    assert late.state is S.WRITTEN
    assert (
        rules.after_result(Target(S.NOT_EFFECTIVE, 2, 0, at(600)), True, "成功", NOW, POLICY)
        is None
    )
    assert rules.after_result(Target(S.WRITTEN, 1), True, "成功", NOW, POLICY) is None


def test_max_pushes_gives_up_instead_of_re_pushing() -> None:
    sixth = Target(S.ACCEPTED, 6, 0, at(600))
    t = rules.after_result(sixth, False, "失败", NOW, POLICY)
    assert t is not None
    assert (t.state, t.next_push_at) == (S.GIVEN_UP, None)
    assert "需人工处理" in t.last_result
    silent = rules.after_silence(sixth, at(600), POLICY)
    assert silent is not None
    assert silent.state is S.GIVEN_UP


def test_codes_22_and_23() -> None:
    paused = rules.after_answer(Target(S.SENDING, 1), Answer.PAUSED, "22", NOW, POLICY, 0.5)
    assert (paused.state, paused.pushes, paused.next_push_at) == (S.PAUSED, 1, at(60))
    resumed = rules.after_resume(paused, at(5))
    assert resumed is not None
    assert (resumed.state, resumed.next_push_at) == (S.PAUSED, at(5))
    rejected = rules.after_answer(Target(S.SENDING), Answer.REJECTED, "23 city", NOW, POLICY, 0.5)
    assert rejected == Target(S.REJECTED, 1, 0, None, "23 city")


def test_v1_answers_write_or_fail_at_once() -> None:
    written = rules.after_answer(Target(S.SENDING), Answer.WRITTEN, "00", NOW, POLICY, 0.5)
    assert (written.state, written.pushes, written.next_push_at) == (S.WRITTEN, 1, None)
    failed = rules.after_answer(Target(S.SENDING), Answer.FAILED, "21 失败", NOW, POLICY, 0.5)
    assert (failed.state, failed.pushes, failed.next_push_at) == (S.FAILED, 1, at(300))


@given(retries=st.integers(1, 40), jitter=st.floats(0, 1))
def test_backoff_is_capped_exponential_with_jitter(retries: int, jitter: float) -> None:
    delay = rules.backoff_s(retries, POLICY, jitter)
    ceiling = min(POLICY.backoff_max_s, POLICY.backoff_base_s * 2 ** (retries - 1))
    assert ceiling / 2 <= delay <= ceiling
    t = rules.after_answer(
        Target(S.SENDING, 0, retries - 1), Answer.TRANSIENT, "21", NOW, POLICY, jitter
    )
    assert (t.state, t.pushes, t.retries) == (S.RETRYING, 0, retries)  # transport does not count
    assert t.next_push_at == NOW + timedelta(seconds=delay)


def test_the_registered_date_is_over_at_local_midnight() -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    day = date(2026, 12, 3)
    assert not rules.date_over(day, datetime(2026, 12, 3, 15, 59, tzinfo=UTC), shanghai)
    assert rules.date_over(day, datetime(2026, 12, 3, 16, 0, tzinfo=UTC), shanghai)
    gone = rules.after_date_over(Target(S.FAILED, 2, 0, at(300)))
    assert gone is not None
    assert (gone.state, gone.next_push_at) == (S.GIVEN_UP, None)
    assert rules.after_date_over(Target(S.WRITTEN, 1)) is None
