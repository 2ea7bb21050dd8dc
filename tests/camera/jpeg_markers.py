"""A minimal JPEG marker reader for the tests: frame type, chroma sampling, APP segments."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class JpegInfo:
    sof: int | None = None  # 0xC0 baseline, 0xC2 progressive …
    sampling: list[tuple[int, int]] = field(default_factory=list)  # (h, v) per component
    app_markers: list[int] = field(default_factory=list)  # 0xE0 JFIF, 0xE1 EXIF …
    width: int = 0
    height: int = 0


def read_markers(data: bytes) -> JpegInfo:
    assert data[:2] == b"\xff\xd8", "not a JPEG (no SOI)"
    info, pos = JpegInfo(), 2
    while pos + 4 <= len(data):
        assert data[pos] == 0xFF, f"marker expected at {pos}"
        marker = data[pos + 1]
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        segment = data[pos + 4 : pos + 2 + length]
        if 0xE0 <= marker <= 0xEF:
            info.app_markers.append(marker)
        if marker in (0xC0, 0xC1, 0xC2, 0xC3):
            info.sof = marker
            info.height = int.from_bytes(segment[1:3], "big")
            info.width = int.from_bytes(segment[3:5], "big")
            for i in range(segment[5]):
                hv = segment[6 + 3 * i + 1]
                info.sampling.append((hv >> 4, hv & 0x0F))
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            break
        pos += 2 + length
    return info
