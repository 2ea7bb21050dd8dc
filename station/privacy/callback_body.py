"""Stored callback bodies (D8: JSON, urlencoded or multipart form): read their fields, strip personal data.

The callback inbox keeps every body as received for the audit trail (D11, D12). Once the
retention period is over (issue 7 §3) the body is rewritten without its personal fields
(``name``, ``account``, ``phone``): the work order, device, room, times and results stay.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode

from station.protocol import multipart
from station.protocol.callbacks import body_format, multipart_fields
from station.protocol.errors import InvalidRequest

PERSONAL_FIELDS = ("name", "account", "phone")
# Also v1.0's operatorRelation[i].operatorInfo / .contact / escortInfo (D6), in any notation.
_PERSONAL_KEY = re.compile(r"(?:^|[.\[])(?:name|account|phone|operatorInfo|escortInfo|contact)\]?$")
SCRUBBED = b'{"_scrubbed": "unreadable body removed by retention"}'


def parse_body(body: bytes, content_type: str = "") -> dict[str, Any] | None:
    """The body's top-level fields, or None when it is neither a JSON object nor a form."""
    kind = body_format(body, content_type)
    if kind == "multipart":
        try:
            return dict(multipart_fields(body, content_type))
        except InvalidRequest:
            return None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if kind == "form":
        return dict(parse_qsl(text, keep_blank_values=True))
    try:
        value = json.loads(text)
    except ValueError:
        pairs = parse_qsl(text, keep_blank_values=True) if "=" in text else []
        return dict(pairs) if pairs else None
    return value if isinstance(value, dict) else None


def scrub_body(body: bytes, content_type: str = "") -> bytes:
    """The body with its personal fields emptied, in its own format; unparsable: replaced."""
    fields = parse_body(body, content_type)
    if fields is None:
        return SCRUBBED
    fields, changed = scrub_json(fields)
    if not changed:
        return body
    kind = body_format(body, content_type)
    if kind == "multipart":
        parts = [multipart.Part(k, str(v).encode("utf-8")) for k, v in fields.items()]
        try:
            return multipart.encode(parts, multipart.boundary_of(content_type)).body
        except ValueError:  # a non-ASCII field name: keep nothing rather than guess
            return SCRUBBED
    if kind == "form":
        return urlencode(fields).encode("utf-8")
    return json.dumps(fields, ensure_ascii=False).encode("utf-8")


def text_field(fields: dict[str, Any] | None, key: str) -> str:
    value = (fields or {}).get(key)
    return value if isinstance(value, str) else ""


def scrub_json(value: Any) -> tuple[Any, bool]:
    """``value`` with every personal field (at any depth) emptied, and whether anything was."""
    if isinstance(value, dict):
        changed = False
        out: dict[str, Any] = {}
        for key, item in value.items():
            if isinstance(key, str) and _PERSONAL_KEY.search(key) and item not in ("", None):
                out[key], changed = "", True
            else:
                out[key], sub = scrub_json(item)
                changed = changed or sub
        return out, changed
    if isinstance(value, list):
        items = [scrub_json(item) for item in value]
        return [item for item, _ in items], any(sub for _, sub in items)
    return value, False
