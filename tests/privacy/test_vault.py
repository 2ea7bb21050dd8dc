"""Photos at rest: encrypted, key 0600, wrong or missing key fails and never reads plaintext."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from station.privacy.vault import PhotoVault, VaultError
from tests.helpers.photos import face_jpeg


def test_round_trip_and_no_plaintext_on_disk(data_dir: Path) -> None:
    vault = PhotoVault.open(data_dir)
    image = face_jpeg()
    ref = vault.put(image)
    assert vault.get(ref) == image
    blob = (data_dir / "photos" / f"{ref}.bin").read_bytes()
    assert b"\xff\xd8\xff" not in blob
    key = data_dir / "keys" / "photos.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_wrong_key_fails_clearly(data_dir: Path, tmp_path: Path) -> None:
    ref = PhotoVault.open(data_dir).put(face_jpeg())
    other = PhotoVault.open(data_dir, key_file=tmp_path / "other.key")
    with pytest.raises(VaultError, match="wrong key"):
        other.get(ref)


def test_missing_key_is_not_recreated_when_reading(data_dir: Path) -> None:
    PhotoVault.open(data_dir).put(face_jpeg())
    (data_dir / "keys" / "photos.key").unlink()
    with pytest.raises(VaultError, match="missing"):
        PhotoVault.open(data_dir, create=False)


def test_delete(data_dir: Path) -> None:
    vault = PhotoVault.open(data_dir)
    ref = vault.put(face_jpeg())
    assert vault.delete(ref)
    assert not vault.exists(ref)
    with pytest.raises(VaultError, match="not in the store"):
        vault.get(ref)
