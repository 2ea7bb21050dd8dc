"""Configuration (DESIGN §8): defaults, and errors that name the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from station.config import ConfigError, Settings, load_settings, save_settings


def test_defaults_match_design() -> None:
    s = Settings()
    assert s.platform.base_url == "http://127.0.0.1:9000"
    assert s.listener.port == 8443
    assert s.listener.allow == ["127.0.0.0/8", "::1/128"]
    assert (s.retry.after_failure_s, s.retry.after_silence_s) == (300, 600)
    assert s.retry.max_pushes == 6
    assert (s.photo.width, s.photo.height, s.photo.max_bytes) == (480, 640, 97280)
    assert s.storage.retention_days == 30


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "station.toml"
    s = Settings()
    s.listener.port = 9443
    s.platform.protocol = "v1"
    save_settings(s, path)
    loaded, _ = load_settings(path)
    assert loaded == s


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        ("[listener]\nprot = 1\n", ["[listener].prot", "unknown key"]),
        ('[listener]\nport = "abc"\n', ["[listener].port", "integer"]),
        ("[bogus]\n", ["bogus", "unknown key"]),
        ('[platform]\nprotocol = "v2"\n', ["[platform].protocol", "v3"]),
        ('[listener]\nallow = ["10.0.0.0/33"]\n', ["[listener].allow", "CIDR"]),
        ("[listener\n", ["not valid TOML"]),
    ],
)
def test_bad_file_names_file_and_key(tmp_path: Path, text: str, needles: list[str]) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    message = str(info.value)
    assert str(path) in message
    for needle in needles:
        assert needle in message


def test_missing_explicit_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml")
