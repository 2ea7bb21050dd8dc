"""Scanners for the end-to-end privacy tests (issue 7 acceptance): pictures on disk, personal
data in log lines. Each returns findings (empty: clean) so a test can also prove it can fail."""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import Iterable
from pathlib import Path

from station.privacy.vault import MAGIC

JPEG_SOI = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
B64_JPEG = b"/9j/"
B64_PNG = b"iVBORw0KGgo"


def _windows(photo: bytes, size: int = 32) -> list[bytes]:
    offsets = [0, 100, 1000, len(photo) // 2, len(photo) - size]
    return [photo[o : o + size] for o in offsets if 0 <= o <= len(photo) - size]


def files_under(*roots: Path) -> list[Path]:
    found: list[Path] = []
    for root in roots:
        for folder, _dirs, names in os.walk(root):
            found.extend(Path(folder) / name for name in names)
    return sorted(found)


def scan_for_pictures(roots: Iterable[Path], photos: Iterable[bytes]) -> list[str]:
    """Plaintext pictures in any file under ``roots``: magic bytes, base64, known photo bytes.

    Encrypted vault files are random bytes, in which a 3-byte JPEG start turns up by chance
    (about 0.1 % of 15 KB files): there the test asks that the file is a vault file (``STV1``)
    and holds none of the known photos' bytes or base64; every other file holds no picture
    signature at all. The key file (32 random bytes) is skipped.
    """
    needles = [B64_JPEG, B64_PNG]
    for photo in photos:
        needles += _windows(photo)
        needles.append(base64.b64encode(photo)[4:68])
    findings = []
    for path in files_under(*roots):
        if path.suffix == ".key":
            continue
        data = path.read_bytes()
        vault_file = path.parent.name == "photos" and path.suffix == ".bin"
        if vault_file and not data.startswith(MAGIC):
            findings.append(f"{path}: a photo file that is not a vault file")
        if not vault_file:
            for magic, what in ((JPEG_SOI, "JPEG magic"), (PNG_MAGIC, "PNG magic")):
                if magic in data:
                    findings.append(f"{path}: {what} at offset {data.index(magic)}")
        for needle in needles:
            if needle in data:
                findings.append(f"{path}: picture bytes {needle[:8]!r}… at {data.index(needle)}")
                break
    return findings


class RawLogCapture(logging.Handler):
    """Every record's text as the code produced it, before any redacting filter runs."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = f"{record.name}: {record.getMessage()}"
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.lines.append(text)

    def __enter__(self) -> RawLogCapture:
        root = logging.getLogger()
        root.handlers.insert(0, self)  # first: sees records before station handlers filter them
        self._level = root.level
        root.setLevel(logging.DEBUG)
        return self

    def __exit__(self, *_exc: object) -> None:
        root = logging.getLogger()
        root.removeHandler(self)
        root.setLevel(self._level)


def scan_lines(lines: Iterable[str], needles: dict[str, str]) -> list[str]:
    """Lines holding any needle (label → text); pictures are found by their base64 prefixes."""
    checks = {**needles, "base64 JPEG": B64_JPEG.decode(), "base64 PNG": B64_PNG.decode()}
    return [
        f"{label} in log line: {line[:200]!r}"
        for line in lines
        for label, needle in checks.items()
        if needle and needle in line
    ]
