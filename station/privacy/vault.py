"""Face photos encrypted at rest with AES-256-GCM; the database holds only a reference.

The key lives in a file of its own (0600, created on first start) outside the database, by
default ``<data dir>/keys/photos.key``; ``storage.photo_key_file`` moves it elsewhere (another
volume, a removable token) so that a copy of the data dir alone reveals no face. A missing or
wrong key fails with :class:`VaultError` and never falls back to plaintext. Each file is
``MAGIC | 12-byte nonce | ciphertext+tag`` with the reference as associated data, so a file
renamed to another reference does not decrypt. Retention (``station.privacy.purge``) deletes
files through :class:`PhotoFolder`, which needs no key.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

if TYPE_CHECKING:
    from station.config import StorageSettings

log = logging.getLogger(__name__)
MAGIC = b"STV1"  # file format: MAGIC | 12-byte nonce | ciphertext+tag
KEY_BYTES = 32
SUFFIX = ".bin"
_REF = re.compile(r"[0-9a-f]{32}")


class VaultError(Exception):
    """The photo store cannot be used: missing key, wrong key, damaged file."""


def default_key_file(data_dir: Path) -> Path:
    return data_dir / "keys" / "photos.key"


def _fsync_dir(folder: Path) -> None:
    if os.name == "posix":  # a rename is durable once its directory is synced (D16)
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _tighten(path: Path) -> None:
    """A key readable by others is made private again (and said so)."""
    if os.name != "posix":
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        log.warning("photo key %s had mode %o; set to 600", path, mode)
        os.chmod(path, 0o600)


def load_or_create_key(path: Path, *, create: bool = True) -> bytes:
    if path.exists():
        try:
            _tighten(path)
            key = path.read_bytes()
        except OSError as exc:
            raise VaultError(f"photo key {path} cannot be read: {exc.strerror}") from None
        if len(key) != KEY_BYTES:
            raise VaultError(f"photo key {path} is damaged ({len(key)} bytes, expected 32)")
        return key
    if not create:
        raise VaultError(f"photo key {path} is missing; photos cannot be read without it")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = AESGCM.generate_key(bit_length=256)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(key)
        out.flush()
        os.fsync(out.fileno())
    _fsync_dir(path.parent)
    log.info("created a new photo key at %s", path)
    return key


def key_file_for(storage: StorageSettings, data_dir: Path) -> Path:
    if storage.photo_key_file:
        return Path(storage.photo_key_file).expanduser()
    return default_key_file(data_dir)


def check_key(storage: StorageSettings, data_dir: Path) -> tuple[str, str]:
    """For ``station doctor``: ``("ok" | "warn" | "error", bilingual message)`` about the key."""
    path = key_file_for(storage, data_dir)
    photos = any(PhotoFolder(data_dir / "photos").refs())
    if not path.exists():
        if photos:
            return (
                "error",
                f"照片密钥 {path} 不存在，已存照片无法读取 (photo key missing; photos unreadable)",
            )
        return "ok", f"照片密钥将在首次启动时创建 (photo key will be created at {path})"
    if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
        return "warn", f"照片密钥 {path} 权限过宽，应为 600 (photo key readable by others)"
    if path.stat().st_size != KEY_BYTES:
        return "error", f"照片密钥 {path} 已损坏 (photo key damaged: expected 32 bytes)"
    if path.parent.resolve().is_relative_to(data_dir.resolve()):
        return (
            "ok",
            f"照片密钥在数据目录内 {path} (key inside the data dir: see [storage].photo_key_file)",
        )
    return "ok", f"照片密钥 {path} (photo key outside the data dir)"


class PhotoFolder:
    """The encrypted files by reference: list, check, delete. Needs no key."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, ref: str) -> Path:
        if not _REF.fullmatch(ref):
            raise VaultError(f"invalid photo reference {ref!r}")
        return self.folder / f"{ref}{SUFFIX}"

    def exists(self, ref: str) -> bool:
        return self.path(ref).exists()

    def delete(self, ref: str) -> bool:
        try:
            self.path(ref).unlink()
        except FileNotFoundError:
            return False
        return True

    def refs(self) -> Iterator[tuple[str, float]]:
        """Every stored reference with its file's modification time (epoch seconds)."""
        if not self.folder.is_dir():
            return
        with os.scandir(self.folder) as entries:  # closed also when the caller stops early
            for entry in entries:
                name = entry.name
                if name.endswith(SUFFIX) and _REF.fullmatch(name[: -len(SUFFIX)]):
                    yield name[: -len(SUFFIX)], entry.stat().st_mtime

    def remove_stale_temp(self, older_than_s: float) -> int:
        """Delete ``*.tmp`` files left by a crash during ``put``; returns how many."""
        if not self.folder.is_dir():
            return 0
        limit, removed = time.time() - older_than_s, 0
        with os.scandir(self.folder) as entries:
            for entry in entries:
                if entry.name.endswith(".tmp") and entry.stat().st_mtime < limit:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(entry.path)
                        removed += 1
        return removed


class PhotoVault(PhotoFolder):
    """Encrypted photo files in ``folder``, named by an opaque random reference."""

    def __init__(self, folder: Path, key: bytes) -> None:
        super().__init__(folder)
        self._aead = AESGCM(key)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)

    @classmethod
    def open(
        cls, data_dir: Path, key_file: Path | None = None, *, create: bool = True
    ) -> PhotoVault:
        key_path = key_file or default_key_file(data_dir)
        return cls(data_dir / "photos", load_or_create_key(key_path, create=create))

    @classmethod
    def for_settings(
        cls, storage: StorageSettings, data_dir: Path, *, create: bool = True
    ) -> PhotoVault:
        """The vault with the key file named by ``storage.photo_key_file`` (or the default)."""
        return cls.open(data_dir, key_file_for(storage, data_dir), create=create)

    def put(self, image: bytes) -> str:
        """Encrypt and store ``image``; returns its reference. Written atomically and synced."""
        ref = secrets.token_hex(16)
        nonce = secrets.token_bytes(12)
        blob = MAGIC + nonce + self._aead.encrypt(nonce, image, ref.encode())
        path = self.path(ref)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(blob)
            out.flush()
            os.fsync(out.fileno())
        tmp.replace(path)
        _fsync_dir(self.folder)
        return ref

    def get(self, ref: str) -> bytes:
        try:
            blob = self.path(ref).read_bytes()
        except FileNotFoundError:
            raise VaultError(f"photo {ref} is not in the store (deleted by retention?)") from None
        if not blob.startswith(MAGIC):
            raise VaultError(f"photo {ref} is not an encrypted station photo")
        nonce, sealed = blob[4:16], blob[16:]
        try:
            return self._aead.decrypt(nonce, sealed, ref.encode())
        except InvalidTag:
            raise VaultError(
                f"photo {ref} cannot be decrypted: wrong key or damaged file"
            ) from None
