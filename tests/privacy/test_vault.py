"""Photos at rest: encrypted, key 0600, wrong or missing key fails and never reads plaintext."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from station.config import StorageSettings
from station.privacy.vault import PhotoFolder, PhotoVault, VaultError, check_key
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


def test_a_renamed_file_does_not_decrypt(data_dir: Path) -> None:
    vault = PhotoVault.open(data_dir)
    ref = vault.put(face_jpeg())
    other = "0" * 32
    vault.path(ref).rename(vault.path(other))
    with pytest.raises(VaultError, match="wrong key or damaged"):
        vault.get(other)


def test_plaintext_file_is_refused(data_dir: Path) -> None:
    vault = PhotoVault.open(data_dir)
    ref = "a" * 32
    vault.path(ref).write_bytes(face_jpeg())
    with pytest.raises(VaultError, match="not an encrypted station photo"):
        vault.get(ref)


def test_key_readable_by_others_is_made_private(data_dir: Path) -> None:
    PhotoVault.open(data_dir)
    key = data_dir / "keys" / "photos.key"
    key.chmod(0o644)
    PhotoVault.open(data_dir)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_damaged_key_fails(data_dir: Path) -> None:
    key = data_dir / "keys" / "photos.key"
    key.parent.mkdir()
    key.write_bytes(b"short")
    with pytest.raises(VaultError, match="damaged"):
        PhotoVault.open(data_dir)


def test_key_file_from_settings(data_dir: Path, tmp_path: Path) -> None:
    storage = StorageSettings(photo_key_file=str(tmp_path / "elsewhere" / "k.key"))
    vault = PhotoVault.for_settings(storage, data_dir)
    ref = vault.put(face_jpeg())
    assert (tmp_path / "elsewhere" / "k.key").exists()
    assert not (data_dir / "keys").exists()
    assert PhotoVault.for_settings(storage, data_dir, create=False).get(ref) == face_jpeg()


def test_folder_lists_refs_and_clears_stale_temp_files_without_a_key(data_dir: Path) -> None:
    vault = PhotoVault.open(data_dir)
    refs = {vault.put(face_jpeg()) for _ in range(3)}
    (vault.folder / "x.tmp").write_bytes(b"partial")
    (vault.folder / "notes.txt").write_text("ignored")
    folder = PhotoFolder(data_dir / "photos")
    assert {ref for ref, _ in folder.refs()} == refs
    assert folder.remove_stale_temp(older_than_s=3600) == 0  # fresh: maybe still being written
    assert folder.remove_stale_temp(older_than_s=-1) == 1
    assert not (vault.folder / "x.tmp").exists()
    with pytest.raises(VaultError, match="invalid photo reference"):
        folder.path("../etc/passwd")


def test_check_key_for_the_doctor(data_dir: Path, tmp_path: Path) -> None:
    storage = StorageSettings()
    assert check_key(storage, data_dir)[0] == "ok"  # created at first start
    vault = PhotoVault.for_settings(storage, data_dir)
    vault.put(face_jpeg())
    level, message = check_key(storage, data_dir)
    assert level == "ok"
    assert "inside the data dir" in message
    key = data_dir / "keys" / "photos.key"
    key.chmod(0o640)
    assert check_key(storage, data_dir)[0] == "warn"
    key.unlink()
    level, message = check_key(storage, data_dir)
    assert level == "error"
    assert "unreadable" in message
    elsewhere = StorageSettings(photo_key_file=str(tmp_path / "k" / "photos.key"))
    PhotoVault.for_settings(elsewhere, data_dir)
    assert "outside the data dir" in check_key(elsewhere, data_dir)[1]
