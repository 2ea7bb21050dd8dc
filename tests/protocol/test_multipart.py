"""multipart/form-data bodies (RFC 7578): exact round trip and strict server-side parsing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from station.protocol.multipart import MultipartError, Part, boundary_of, decode, encode

names = st.from_regex(r"[A-Za-z][A-Za-z0-9_.\[\]]{0,30}", fullmatch=True)
parts = st.builds(
    Part,
    name=names,
    value=st.binary(max_size=300),
    filename=st.none() | st.from_regex(r"[a-z0-9]{1,8}\.jpg", fullmatch=True),
    content_type=st.none() | st.sampled_from(["image/jpeg", "application/json; charset=utf-8"]),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(parts, max_size=6))
def test_round_trip_keeps_every_byte(items: list[Part]) -> None:
    body = encode(items)
    assert decode(body.content_type, body.body) == items


def test_value_containing_crlf_and_dashes_survives() -> None:
    tricky = [Part("a", b"--\r\n--x\r\n\r\n"), Part("b", b"\r\n", "b.jpg", "image/jpeg")]
    body = encode(tricky)
    assert decode(body.content_type, body.body) == tricky


def test_boundary_inside_a_value_is_refused() -> None:
    with pytest.raises(ValueError, match="occurs in a part"):
        encode([Part("a", b"\r\n--x\r\n")], boundary="x")


@pytest.mark.parametrize(
    ("content_type", "body", "needle"),
    [
        ("application/json", b"{}", "expected multipart/form-data"),
        ("multipart/form-data", b"", "without a boundary"),
        ("multipart/form-data; boundary=b", b"no boundary here", "does not contain"),
        ("multipart/form-data; boundary=b", b"--b\r\nX: y\r\n\r\nv", "missing closing"),
        ("multipart/form-data; boundary=b", b"--b\r\nbroken\r\n\r\nv\r\n--b--", "malformed header"),
        (
            "multipart/form-data; boundary=b",
            b'--b\r\nContent-Disposition: attachment; name="a"\r\n\r\nv\r\n--b--',
            "not form-data",
        ),
        (
            "multipart/form-data; boundary=b",
            b"--b\r\nContent-Disposition: form-data\r\n\r\nv\r\n--b--",
            "has no name",
        ),
    ],
)
def test_malformed_bodies(content_type: str, body: bytes, needle: str) -> None:
    with pytest.raises(MultipartError, match=needle):
        decode(content_type, body)


def test_quoted_boundary() -> None:
    assert boundary_of('multipart/form-data; charset=utf-8; boundary="a b"') == "a b"


def test_non_ascii_names_are_refused_when_building() -> None:
    with pytest.raises(ValueError, match="ASCII"):
        encode([Part("名字", b"x")])
