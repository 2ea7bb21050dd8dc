"""Stored callback bodies in each accepted format (D8) lose their personal fields when scrubbed."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from station.privacy.callback_body import parse_body, scrub_body
from station.protocol import multipart
from station.protocol.callbacks import decode_body
from tests.listener.harness import FACE

PERSONAL = ("name", "account", "phone")


def _check(body: bytes, content_type: str) -> None:
    assert parse_body(body, content_type) == FACE
    scrubbed = scrub_body(body, content_type)
    fields = decode_body(scrubbed, content_type)  # still in its own format
    assert all(fields[key] == "" for key in PERSONAL)
    assert fields["deviceId"] == FACE["deviceId"]
    assert all(FACE[key].encode() not in scrubbed for key in PERSONAL)


def test_json_form_and_multipart_bodies_are_scrubbed_in_their_format() -> None:
    as_json = json.dumps(FACE, ensure_ascii=False).encode()
    _check(as_json, "application/json")
    _check(urlencode(FACE).encode(), "application/x-www-form-urlencoded")
    _check(as_json, "application/x-www-form-urlencoded")  # curl -d '{…}'
    sent = multipart.encode([multipart.Part(k, v.encode()) for k, v in FACE.items()])
    _check(sent.body, sent.content_type)
