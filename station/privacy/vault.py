"""Face photos encrypted at rest with AES-256-GCM; the database holds only a reference.

The key lives in a file of its own (0600, created on first start) outside the database. A missing
or wrong key fails with :class:`VaultError` and never falls back to plaintext.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"STV1"  # file format: MAGIC | 12-byte nonce | ciphertext+tag
KEY_BYTES = 32


class VaultError(Exception):
    """The photo store cannot be used: missing key, wrong key, damaged file."""


def load_or_create_key(path: Path, *, create: bool = True) -> bytes:
    if path.exists():
        key = path.read_bytes()
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
    return key


class PhotoVault:
    """Encrypted photo files in ``folder``, named by an opaque random reference."""

    def __init__(self, folder: Path, key: bytes) -> None:
        self.folder = folder
        self._aead = AESGCM(key)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)

    @classmethod
    def open(
        cls, data_dir: Path, key_file: Path | None = None, *, create: bool = True
    ) -> PhotoVault:
        key_path = key_file or data_dir / "keys" / "photos.key"
        return cls(data_dir / "photos", load_or_create_key(key_path, create=create))

    def _path(self, ref: str) -> Path:
        if not ref.isalnum():
            raise VaultError(f"invalid photo reference {ref!r}")
        return self.folder / f"{ref}.bin"

    def put(self, image: bytes) -> str:
        """Encrypt and store ``image``; returns its reference. Written atomically and synced."""
        ref = secrets.token_hex(16)
        nonce = secrets.token_bytes(12)
        blob = MAGIC + nonce + self._aead.encrypt(nonce, image, ref.encode())
        path = self._path(ref)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(blob)
            out.flush()
            os.fsync(out.fileno())
        tmp.replace(path)
        return ref

    def get(self, ref: str) -> bytes:
        try:
            blob = self._path(ref).read_bytes()
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

    def exists(self, ref: str) -> bool:
        return self._path(ref).exists()

    def delete(self, ref: str) -> bool:
        try:
            self._path(ref).unlink()
        except FileNotFoundError:
            return False
        return True
