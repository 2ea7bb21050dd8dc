"""schemathesis against resources/openapi.yaml and the live listener (the ``station`` tag: the two
callback endpoints), positive and negative data, with every schemathesis check but one:

``negative_data_rejection`` expects a 4xx for schema-violating requests, while D9 answers code 23
with HTTP 200. It is replaced by a stricter check: the answer is exactly the envelope the protocol
module implies for the body as sent (00, or 23 with the validator's desc), HTTP 200; a wrong
method gets 405 with the envelope.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from schemathesis.specs.openapi.checks import negative_data_rejection

from station.protocol.callbacks import (
    FACE_RESULT_PATH,
    decode_body,
    parse_door_open,
    parse_face_result,
)
from station.protocol.errors import InvalidRequest
from station.resources import resources_dir
from tests.listener.core import make_core
from tests.listener.harness import plain_settings, running

DOCUMENT = resources_dir() / "openapi.yaml"
schema = schemathesis.openapi.from_path(DOCUMENT).include(tag="station")


def _expected(path: str, body: bytes, content_type: str | None) -> dict[str, Any]:
    parse = parse_face_result if path == FACE_RESULT_PATH else parse_door_open
    try:
        parse(decode_body(body, content_type))
    except InvalidRequest as invalid:
        return {"code": "23", "desc": invalid.desc, "data": ""}
    return {"code": "00", "desc": "成功", "data": ""}


def answer_per_protocol(ctx: Any, response: Any, case: Any) -> None:
    request = response.request
    answer = json.loads(response.content)
    if request.method != "POST":
        assert response.status_code == 405
        assert answer["code"] == "23"
        return
    body = request.body or b""
    body = body.encode("utf-8") if isinstance(body, str) else body
    want = _expected(case.operation.path, body, request.headers.get("Content-Type"))
    assert (response.status_code, answer) == (200, want)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    core = make_core(tmp_path_factory.mktemp("data"))
    try:
        with running(plain_settings(), core.station) as listener:
            yield listener.base_url
    finally:
        core.close()


@schema.parametrize()
def test_listener_conforms_to_the_document(case: Any, base_url: str) -> None:
    case.call_and_validate(
        base_url=base_url,
        excluded_checks=[negative_data_rejection],
        additional_checks=[answer_per_protocol],
    )
