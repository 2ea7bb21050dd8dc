"""Helpers shared by the simulator tests: pushing over real HTTP with requests."""

from __future__ import annotations

import json
from typing import Any

import requests

from station.protocol import addface, multipart

SESSION_TIMEOUT = 10


def post_body(
    base_url: str, path: str, content_type: str, body: bytes, **kw: Any
) -> requests.Response:
    return requests.post(
        base_url + path,
        data=body,
        headers={"Content-Type": content_type},
        timeout=SESSION_TIMEOUT,
        **kw,
    )


def post_data(base_url: str, data: Any, encoding: addface.Encoding, **kw: Any) -> requests.Response:
    """Push an inner ``data`` value (valid or not) in one of the D1 encodings."""
    text = json.dumps(data, ensure_ascii=False)
    if encoding == "json":
        body = ('{"data": ' + text + "}").encode()
        return post_body(base_url, addface.ADDFACE_PATH, "application/json", body, **kw)
    form = multipart.encode([multipart.Part("data", text.encode(), None, "application/json")])
    return post_body(base_url, addface.ADDFACE_PATH, form.content_type, form.body, **kw)


def push(
    base_url: str, face_push: addface.FacePush, encoding: addface.Encoding = "form-data"
) -> requests.Response:
    body = addface.encode_request(face_push, encoding)
    return post_body(base_url, addface.ADDFACE_PATH, body.content_type, body.body)
