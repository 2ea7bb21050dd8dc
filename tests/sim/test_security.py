"""Callbacks' D13 security from the simulator's side: token and HMAC headers that verify,
a client certificate (mutual TLS), HTTPS serving, and delivery failures that never crash it."""

from __future__ import annotations

import time

import pytest
import requests

from station.protocol import signing
from station.sim import SimConfig, run_simulator_in_thread
from tests.helpers import tls
from tests.helpers.receiver import run_receiver_in_thread, server_context
from tests.sim.common import push
from tests.sim.test_api import PUSH


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> tls.TestPKI:
    return tls.make_pki(tmp_path_factory.mktemp("pki"))


def test_token_and_hmac_headers_verify() -> None:
    with run_receiver_in_thread() as receiver:
        config = SimConfig(
            callback_base_url=receiver.url,
            callback_delay_s=0,
            token="tok-123",
            hmac_secret="s3cret",
            door_events=True,
            door_delay_s=0,
            door_anonymous_rate=0,
        )
        with run_simulator_in_thread(config) as sim:
            assert push(sim.base_url, PUSH).json()["code"] == "00"
            got = receiver.wait_for(lambda r: len(r) == 2, 10)  # result + door event
            records = sim.records(direction="out")
    for item in got:
        assert signing.token_ok("tok-123", item.headers.get(signing.TOKEN_HEADER))
        problem = signing.check_signature(
            "s3cret",
            item.headers.get(signing.TIMESTAMP_HEADER),
            item.headers.get(signing.SIGNATURE_HEADER),
            item.body,
            time.time(),
            300,
        )
        assert problem is None
        # the signature covers these exact bytes: one changed byte no longer verifies
        assert signing.check_signature(
            "s3cret",
            item.headers[signing.TIMESTAMP_HEADER],
            item.headers[signing.SIGNATURE_HEADER],
            item.body + b" ",
            time.time(),
            300,
        )
    assert all(r["headers"][signing.TOKEN_HEADER] == "<redacted>" for r in records)


def test_no_auth_headers_unless_configured() -> None:
    with (
        run_receiver_in_thread() as receiver,
        run_simulator_in_thread(
            SimConfig(callback_base_url=receiver.url, callback_delay_s=0)
        ) as sim,
    ):
        push(sim.base_url, PUSH)
        got = receiver.wait_for(lambda r: len(r) == 1, 10)
    assert not {signing.TOKEN_HEADER, signing.SIGNATURE_HEADER} & set(got[0].headers)


def test_mutual_tls_presents_the_client_certificate(pki: tls.TestPKI) -> None:
    ctx = server_context(str(pki.server_cert), str(pki.server_key), client_ca=str(pki.ca_file))
    with run_receiver_in_thread(ctx) as receiver:
        config = SimConfig(
            callback_base_url=receiver.url,
            callback_ca=str(pki.ca_file),
            client_cert=str(pki.client_cert),
            client_key=str(pki.client_key),
            callback_delay_s=0,
        )
        with run_simulator_in_thread(config) as sim:
            push(sim.base_url, PUSH)
            got = receiver.wait_for(lambda r: len(r) == 1, 10)
    assert got[0].peer_cert is not None
    subject = str(got[0].peer_cert.get("subjectAltName"))
    assert "platform-client@example.test" in subject


def test_without_client_certificate_delivery_fails_and_is_retried(pki: tls.TestPKI) -> None:
    ctx = server_context(str(pki.server_cert), str(pki.server_key), client_ca=str(pki.ca_file))
    with run_receiver_in_thread(ctx) as receiver:
        config = SimConfig(
            callback_base_url=receiver.url,
            callback_ca=str(pki.ca_file),
            callback_delay_s=0,
            callback_retries=2,
            callback_retry_delay_s=0.01,
        )
        with run_simulator_in_thread(config) as sim:
            assert push(sim.base_url, PUSH).json()["code"] == "00"
            sim.idle()
            attempts = sim.records(kind="faceOperationResult")
            assert push(sim.base_url, PUSH).json()["code"] == "00"  # still serving
    assert [r["attempt"] for r in attempts] == [1, 2, 3]
    assert not any(r["delivered"] for r in attempts)
    assert all(r["error"] for r in attempts)
    assert receiver.snapshot() == []


def test_untrusted_station_certificate_is_refused(
    pki: tls.TestPKI, tmp_path_factory: pytest.TempPathFactory
) -> None:
    other = tls.make_pki(tmp_path_factory.mktemp("other"))
    ctx = server_context(str(other.server_cert), str(other.server_key))
    with run_receiver_in_thread(ctx) as receiver:
        config = SimConfig(
            callback_base_url=receiver.url,
            callback_ca=str(pki.ca_file),
            callback_delay_s=0,
            callback_retries=0,
        )
        with run_simulator_in_thread(config) as sim:
            push(sim.base_url, PUSH)
            sim.idle()
            [record] = sim.records(kind="faceOperationResult")
    assert "certificate" in record["error"].lower()
    assert receiver.snapshot() == []


def test_5xx_and_21_are_retried_until_delivered() -> None:
    with run_receiver_in_thread() as receiver:
        receiver.fail_next = 2
        config = SimConfig(
            callback_base_url=receiver.url, callback_delay_s=0, callback_retry_delay_s=0.01
        )
        with run_simulator_in_thread(config) as sim:
            push(sim.base_url, PUSH)
            sim.idle()
            attempts = sim.records(kind="faceOperationResult")
    assert [(r["attempt"], r["status"], r["delivered"]) for r in attempts] == [
        (1, 500, False),
        (2, 500, False),
        (3, 200, True),
    ]
    assert len(receiver.snapshot()) == 3


def test_23_from_the_station_is_not_retried() -> None:
    with run_receiver_in_thread() as receiver:
        receiver.code = "23"
        with run_simulator_in_thread(
            SimConfig(callback_base_url=receiver.url, callback_delay_s=0)
        ) as sim:
            push(sim.base_url, PUSH)
            sim.idle()
            attempts = sim.records(kind="faceOperationResult")
    assert [(r["attempt"], r["answer"]["code"]) for r in attempts] == [(1, "23")]


def test_simulator_serves_https(pki: tls.TestPKI) -> None:
    config = SimConfig(
        callback_base_url="http://127.0.0.1:9",
        scenario="silent",
        cert=str(pki.server_cert),
        key=str(pki.server_key),
    )
    with run_simulator_in_thread(config) as sim:
        assert sim.base_url.startswith("https://127.0.0.1:")
        from station.protocol import addface

        body = addface.encode_request(PUSH)
        answer = requests.post(
            sim.base_url + addface.ADDFACE_PATH,
            data=body.body,
            headers={"Content-Type": body.content_type},
            verify=str(pki.ca_file),
            timeout=10,
        )
        assert answer.json()["code"] == "00"
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(sim.base_url + "/_sim/log", timeout=10)  # system CAs don't know it
