"""D13 over real sockets: allow-list, token, HMAC with ±max_skew_s, TLS ≥ 1.2, mutual TLS.

Every refusal answers 22 (or fails the TLS handshake), stores nothing, and leaves only a log line
that holds nothing of the body.
"""

from __future__ import annotations

import json
import logging
import ssl
from pathlib import Path

import pytest
import requests
import trustme

from station.app import Core
from station.config import ConfigError
from station.domain.clock import FakeClock
from station.listener.tls import server_context
from station.protocol import signing
from station.protocol.callbacks import FACE_RESULT_PATH
from tests.helpers import tls as test_tls
from tests.listener.core import stored_callbacks
from tests.listener.harness import FACE, plain_settings, running

BODY = json.dumps(FACE, ensure_ascii=False).encode()
SECRET_PARTS = ("唐建峰", "13800001111", "dwtangjianfeng", "咸阳秦都应急楼")
REFUSED = {"code": "22", "desc": "安全校验不通过", "data": ""}


def _post(url: str, headers: dict[str, str] | None = None, **kw: object) -> requests.Response:
    headers = {"Content-Type": "application/json", **(headers or {})}
    return requests.post(url + FACE_RESULT_PATH, data=BODY, headers=headers, timeout=10, **kw)  # type: ignore[arg-type]


def _assert_log_has_no_body(caplog: pytest.LogCaptureFixture) -> None:
    text = "\n".join(r.getMessage() for r in caplog.records)
    for part in SECRET_PARTS:
        assert part not in text


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    return caplog


def test_caller_outside_allow_list_is_refused(core: Core, logs: pytest.LogCaptureFixture) -> None:
    with running(plain_settings(allow=["10.0.0.0/8"]), core.station) as listener:
        response = _post(listener.base_url)
        assert response.json() == REFUSED
        assert response.status_code == 200
        health = requests.get(listener.base_url + "/healthz", timeout=10)
        assert health.json()["code"] == "22"
    assert stored_callbacks(core) == 0
    assert any("outside the allow-list" in r.getMessage() for r in logs.records)
    _assert_log_has_no_body(logs)


def test_default_allow_list_accepts_loopback(core: Core) -> None:
    with running(plain_settings(), core.station) as listener:
        assert _post(listener.base_url).json()["code"] == "00"
    assert stored_callbacks(core) == 1


def test_token(core: Core, logs: pytest.LogCaptureFixture) -> None:
    with running(plain_settings(token="s3cret-token"), core.station) as listener:
        assert _post(listener.base_url).json() == REFUSED
        assert _post(listener.base_url, {"X-Auth-Token": "wrong"}).json() == REFUSED
        assert stored_callbacks(core) == 0
        assert _post(listener.base_url, {"X-Auth-Token": "s3cret-token"}).json()["code"] == "00"
    assert stored_callbacks(core) == 1
    messages = [r.getMessage() for r in logs.records]
    assert any("X-Auth-Token missing" in m for m in messages)
    assert any("X-Auth-Token wrong" in m for m in messages)
    assert not any("s3cret-token" in m for m in messages)
    _assert_log_has_no_body(logs)


def test_hmac_signature_and_skew(core: Core, logs: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    now = clock.now().timestamp()
    with running(plain_settings(hmac_secret="k3y"), core.station, clock) as listener:
        url = listener.base_url

        def signed(at: float, secret: str = "k3y", body: bytes = BODY) -> dict[str, str]:  # noqa: S107
            return signing.auth_headers("", secret, body, at)

        assert _post(url).json() == REFUSED  # no headers
        assert _post(url, signed(now, "other")).json() == REFUSED  # bad signature
        assert _post(url, signed(now, body=b"{}")).json() == REFUSED  # signs another body
        assert _post(url, signed(now - 301)).json() == REFUSED  # 301 s old
        assert _post(url, signed(now + 301)).json() == REFUSED  # 301 s ahead
        assert stored_callbacks(core) == 0
        assert _post(url, signed(now - 300)).json()["code"] == "00"  # edge of the window
        assert _post(url, signed(now + 299)).json()["code"] == "00"  # a replay: duplicate, 00
    assert stored_callbacks(core) == 1
    messages = " ".join(r.getMessage() for r in logs.records)
    assert "X-Signature does not match" in messages
    assert "+301 s off" in messages
    assert "-301 s off" in messages
    _assert_log_has_no_body(logs)


def test_token_and_hmac_together(core: Core) -> None:
    clock = FakeClock()
    settings = plain_settings(token="t", hmac_secret="k")
    with running(settings, core.station, clock) as listener:
        headers = signing.auth_headers("t", "k", BODY, clock.now().timestamp())
        assert _post(listener.base_url, headers).json()["code"] == "00"
        headers["X-Auth-Token"] = "u"
        assert _post(listener.base_url, headers).json() == REFUSED


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> test_tls.TestPKI:
    return test_tls.make_pki(tmp_path_factory.mktemp("pki"))


def _tls_settings(pki: test_tls.TestPKI, mutual: bool) -> dict[str, str]:
    settings = {"tls_cert": str(pki.server_cert), "tls_key": str(pki.server_key)}
    if mutual:
        settings["client_ca"] = str(pki.ca_file)
    return settings


def test_https_with_the_test_ca(
    core: Core, pki: test_tls.TestPKI, logs: pytest.LogCaptureFixture
) -> None:
    with running(plain_settings(**_tls_settings(pki, False)), core.station) as listener:
        assert listener.base_url.startswith("https://")
        assert _post(listener.base_url, verify=str(pki.ca_file)).json()["code"] == "00"
        with pytest.raises(requests.exceptions.SSLError):
            _post(listener.base_url)  # the system CAs do not trust the test CA
    assert not any("plain HTTP" in r.getMessage() for r in logs.records)


def test_plain_http_is_warned(core: Core, logs: pytest.LogCaptureFixture) -> None:
    with running(plain_settings(), core.station):
        pass
    warnings = [r for r in logs.records if r.levelno == logging.WARNING]
    assert any("plain HTTP" in r.getMessage() for r in warnings)


def test_tls_below_1_2_is_refused(pki: test_tls.TestPKI) -> None:
    context = server_context(plain_settings(**_tls_settings(pki, False)))
    assert context is not None
    assert context.minimum_version == ssl.TLSVersion.TLSv1_2


def test_mutual_tls(core: Core, pki: test_tls.TestPKI, tmp_path: Path) -> None:
    stranger = trustme.CA().issue_cert("intruder@example.test")
    stranger_pem = tmp_path / "stranger.pem"
    stranger_pem.write_bytes(
        stranger.private_key_pem.bytes() + b"".join(b.bytes() for b in stranger.cert_chain_pems)
    )
    with running(plain_settings(**_tls_settings(pki, True)), core.station) as listener:
        url, ca = listener.base_url, str(pki.ca_file)
        with pytest.raises(requests.exceptions.ConnectionError):
            _post(url, verify=ca)  # no client certificate
        with pytest.raises(requests.exceptions.ConnectionError):
            _post(url, verify=ca, cert=str(stranger_pem))  # signed by another CA
        assert stored_callbacks(core) == 0
        good = (str(pki.client_cert), str(pki.client_key))
        assert _post(url, verify=ca, cert=good).json()["code"] == "00"
    assert stored_callbacks(core) == 1


@pytest.mark.parametrize(
    ("keys", "needle"),
    [
        ({"tls_cert": "/nonexistent/cert.pem", "tls_key": "/nonexistent/key.pem"}, "tls_cert"),
        ({"tls_cert": "x.pem"}, "tls_key"),
        ({"client_ca": "ca.pem"}, "client_ca"),
    ],
)
def test_bad_tls_configuration_names_the_key(keys: dict[str, str], needle: str) -> None:
    with pytest.raises(ConfigError, match=needle):
        server_context(plain_settings(**keys))
