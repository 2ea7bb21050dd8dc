"""The one error type of the protocol layer: a request that breaks the interface document."""

from __future__ import annotations


class InvalidRequest(ValueError):
    """A request the interface refuses with code 23.

    ``field`` names the offending field (or ``None`` for the whole body); ``desc`` is the Chinese
    text that goes into the envelope, naming the field and what was expected (D9).
    """

    def __init__(self, field: str | None, desc: str) -> None:
        super().__init__(desc)
        self.field = field
        self.desc = desc


def missing(field: str) -> InvalidRequest:
    return InvalidRequest(field, f"缺少必填字段 {field}")


def wrong_type(field: str, expected: str) -> InvalidRequest:
    return InvalidRequest(field, f"字段 {field} 类型错误，应为{expected}")


def bad_format(field: str, expected: str) -> InvalidRequest:
    return InvalidRequest(field, f"字段 {field} 格式错误，应为 {expected}")
