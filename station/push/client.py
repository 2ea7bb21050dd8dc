"""The HTTP side of a push: payload from ``station.protocol``, sent with ``requests``.

TLS is always verified: against ``platform.ca_file`` when set, else the system's CAs; there is no
way to turn verification off. Timeouts are ``(platform.connect_timeout_s, platform.timeout_s)``.
What the answer means (D4, D5) is returned as a :class:`~station.push.outbox.PushResult`; the
photo is read from the vault only here and never logged or recorded (``describe`` summarises it).
"""

from __future__ import annotations

import logging
import time
from typing import Any
from zoneinfo import ZoneInfo

import requests

from station.config import PlatformSettings
from station.domain.rules import Answer
from station.domain.states import Role
from station.privacy.vault import PhotoVault, VaultError
from station.protocol import addface, envelope, v1
from station.protocol.multipart import HttpBody
from station.push.outbox import Claim, Person, PushResult

log = logging.getLogger(__name__)
MAX_TEXT = 500
#: Used when ``platform.v1_url`` is empty: the simulator's v1.0 path (D6; the spec gives none).
DEFAULT_V1_PATH = "/ywgl/v1/register"


def _short(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


class PushClient:
    def __init__(self, platform: PlatformSettings, vault: PhotoVault, timezone: str) -> None:
        self.platform = platform
        self.vault = vault
        self.tz = ZoneInfo(timezone)
        self.session = requests.Session()
        self.verify: str | bool = platform.ca_file or True

    def close(self) -> None:
        self.session.close()

    @property
    def url(self) -> str:
        if self.platform.protocol == "v1":
            return self.platform.v1_url or self.platform.base_url + DEFAULT_V1_PATH
        return self.platform.base_url + addface.ADDFACE_PATH

    def _v3(self, person: Person) -> tuple[HttpBody, dict[str, Any]]:
        assert person.photo_ref is not None
        push = addface.FacePush(
            work_order=person.work_order,
            name=person.name,
            account=person.account,
            phone=person.phone,
            city=person.city,
            sites=person.sites,
            rooms=person.rooms,
            device_ids=person.device_ids,
            picture=self.vault.get(person.photo_ref),
            start_date=person.reg_date,
        )
        return addface.encode_request(push, self.platform.encoding), addface.describe(push)

    def _v1(self, claim: Claim) -> tuple[HttpBody, dict[str, Any]]:
        first = claim.people[0]
        people: dict[str, list[v1.V1Person]] = {Role.OPERATOR.value: [], Role.ESCORT.value: []}
        described: dict[str, list[dict[str, str]]] = {"operators": [], "escorts": []}
        for person in claim.people:
            assert person.photo_ref is not None
            face = self.vault.get(person.photo_ref)
            people[person.role].append(v1.V1Person(person.name, person.phone, face))
            key = "operators" if person.role == Role.OPERATOR.value else "escorts"
            described[key].append(
                {"name": person.name, "contact": person.phone, "face": f"<jpeg {len(face)} bytes>"}
            )
        rooms = tuple(dict.fromkeys(r for p in claim.people for r in p.rooms))
        register_time = min(p.created_at for p in claim.people).astimezone(self.tz)
        push = v1.V1Push(
            order_no=first.work_order,
            register_time=register_time.replace(tzinfo=None),
            city=first.city,
            rooms=rooms,
            operators=tuple(people[Role.OPERATOR.value]),
            escorts=tuple(people[Role.ESCORT.value]),
        )
        sent: dict[str, Any] = {
            "orderNo": push.order_no,
            "registerTime": push.register_time.isoformat(sep=" "),
            "city": push.city,
            "rooms": list(rooms),
            **described,
        }
        return v1.encode_request(push, self.platform.v1_notation), sent

    def send(self, claim: Claim) -> PushResult:
        """One HTTP request for the claim; never raises for network or platform trouble."""
        url = self.url
        try:
            if self.platform.protocol == "v1":
                body, sent = self._v1(claim)
            else:
                body, sent = self._v3(claim.people[0])
        except VaultError as exc:
            return PushResult(
                Answer.REJECTED, f"照片无法读取，需人工处理: {exc}", url, {}, error=str(exc)
            )
        started = time.monotonic()
        try:
            response = self.session.post(
                url,
                data=body.body,
                headers={"Content-Type": body.content_type},
                timeout=(self.platform.connect_timeout_s, self.platform.timeout_s),
                verify=self.verify,
            )
        except requests.exceptions.SSLError as exc:
            return self._transport(url, sent, started, "TLS 证书校验失败 (TLS error)", exc)
        except requests.exceptions.Timeout as exc:
            return self._transport(url, sent, started, "平台响应超时 (timeout)", exc)
        except (requests.exceptions.RequestException, OSError) as exc:
            return self._transport(url, sent, started, "无法连接平台 (connection error)", exc)
        duration = (time.monotonic() - started) * 1000
        return self._answer(url, sent, response, duration)

    def _transport(
        self, url: str, sent: dict[str, Any], started: float, label: str, exc: BaseException
    ) -> PushResult:
        error = _short(f"{type(exc).__name__}: {exc}")
        duration = (time.monotonic() - started) * 1000
        return PushResult(
            Answer.TRANSIENT,
            _short(f"{label}: {error}"),
            url,
            sent,
            error=error,
            duration_ms=duration,
        )

    def _answer(
        self, url: str, sent: dict[str, Any], response: requests.Response, duration: float
    ) -> PushResult:
        status = response.status_code
        try:
            env: envelope.Envelope | None = envelope.parse(response.content)
        except envelope.EnvelopeError as exc:
            env, problem = None, str(exc)
        code = env.code if env else None
        desc = _short(env.desc) if env else ""
        v1_mode = self.platform.protocol == "v1"
        # v3: HTTP 5xx is transient (D5). v1: the synchronous answer is the write result, so
        # any envelope that is not 00 (also 21 on HTTP 500) is a failure re-push (D4).
        if env is None or (status >= 500 and not v1_mode):
            what = f"HTTP {status}" + (f" {code} {desc}" if env else f" ({problem})")
            return PushResult(
                Answer.TRANSIENT,
                _short(f"平台暂时不可用 (transient): {what}"),
                url,
                sent,
                status,
                code,
                desc,
                error=what,
                duration_ms=duration,
            )
        kind = envelope.outcome(env.code)
        if v1_mode:
            answer = {
                envelope.Outcome.ACCEPTED: Answer.WRITTEN,
                envelope.Outcome.PAUSED: Answer.PAUSED,
            }.get(kind, Answer.FAILED)
        else:
            answer = {
                envelope.Outcome.ACCEPTED: Answer.ACCEPTED,
                envelope.Outcome.TRANSIENT: Answer.TRANSIENT,
                envelope.Outcome.PAUSED: Answer.PAUSED,
            }.get(kind, Answer.REJECTED)
        label = {
            Answer.ACCEPTED: "平台已受理 (accepted)",
            Answer.WRITTEN: "写入成功 (v1 written)",
            Answer.FAILED: "推送失败 (v1 failed)",
            Answer.TRANSIENT: "平台接口异常 (transient)",
            Answer.PAUSED: "安全校验不通过，已暂停推送 (security check failed; paused)",
            Answer.REJECTED: "平台拒绝，需修改后重新登记 (rejected)",
        }[answer]
        text = _short(f"{label}: {env.code} {desc}".rstrip())
        return PushResult(answer, text, url, sent, status, code, desc, duration_ms=duration)
