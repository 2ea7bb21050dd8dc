"""Random bodies over real HTTP (hypothesis): every answer is the envelope, never a stray 500.

The oracle is the protocol module itself: a body it accepts is answered 00 (and stored), any
other gets 23 with exactly the desc the validator gives (D8–D10). Over 2,000 bodies in all.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from station.protocol.callbacks import (
    FACE_RESULT_PATH,
    OPEN_DOOR_PATH,
    decode_body,
    parse_door_open,
    parse_face_result,
)
from station.protocol.errors import InvalidRequest
from tests.listener.core import make_core
from tests.listener.harness import DOOR, FACE, plain_settings, running

PARSERS = {FACE_RESULT_PATH: parse_face_result, OPEN_DOOR_PATH: parse_door_open}
TYPES = ["application/json", "application/x-www-form-urlencoded", "text/plain", ""]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def near_callbacks(draw: st.DrawFn) -> dict[str, Any]:
    """A spec example with fields dropped, retyped or replaced: mostly-valid, often not."""
    base: dict[str, Any] = dict(draw(st.sampled_from([FACE, DOOR])))
    for key in list(base):
        action = draw(st.sampled_from(["keep", "keep", "keep", "drop", "value", "text"]))
        if action == "drop":
            del base[key]
        elif action == "value":
            base[key] = draw(json_values)
        elif action == "text":
            base[key] = draw(st.text(max_size=25))
    return base


bodies = st.one_of(
    near_callbacks().map(lambda d: json.dumps(d, ensure_ascii=False).encode()),
    st.dictionaries(st.text(max_size=10), json_values, max_size=6).map(
        lambda d: json.dumps(d).encode()
    ),
    json_values.map(lambda v: json.dumps(v).encode()),
    near_callbacks().map(lambda d: urlencode({k: str(v) for k, v in d.items()}).encode()),
    st.binary(max_size=300),
    st.text(max_size=200).map(lambda t: t.encode("utf-8")),
)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    core = make_core(tmp_path_factory.mktemp("data"))
    try:
        with running(plain_settings(), core.station) as listener:
            yield listener.base_url
    finally:
        core.close()


def _expected(path: str, body: bytes, content_type: str) -> dict[str, str]:
    try:
        PARSERS[path](decode_body(body, content_type or None))
    except InvalidRequest as invalid:
        return {"code": "23", "desc": invalid.desc, "data": ""}
    return {"code": "00", "desc": "成功", "data": ""}


SESSION = requests.Session()


@pytest.mark.slow
@settings(
    max_examples=2100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    path=st.sampled_from(sorted(PARSERS)),
    body=bodies,
    content_type=st.sampled_from(TYPES),
)
def test_random_bodies_get_exact_envelopes(
    base_url: str, path: str, body: bytes, content_type: str
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = SESSION.post(base_url + path, data=body, headers=headers, timeout=10)
    assert response.headers["Content-Type"].startswith("application/json")
    answer = response.json()
    assert response.status_code == 200, answer  # a 500 would mean an undeliberate failure
    assert answer == _expected(path, body, content_type)
