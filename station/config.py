"""The station's settings: one typed model, read from and written to TOML (DESIGN §8).

Every key has a default; an unknown key, a wrong type or an unreadable file fails at start with
a :class:`ConfigError` naming the file, the key and what was expected.
"""

from __future__ import annotations

import ipaddress
import tomllib
from pathlib import Path
from typing import Any, Literal

import platformdirs
import tomli_w
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

APP_NAME = "station"
CONFIG_FILE_NAME = "station.toml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class StationSettings(_Section):
    kiosk: bool = False
    language: Literal["zh_CN", "en"] = "zh_CN"
    timezone: str = "Asia/Shanghai"  # D10: local time of dailyOpenTime and registration dates
    name: str = ""  # shown in the title bar, e.g. the machine room's building
    admin_pin_hash: str = ""  # salted hash of the settings PIN; empty: no PIN set yet
    consent_notice_version: str = "2026-12-v1"


class PlatformSettings(_Section):
    base_url: str = "http://127.0.0.1:9000"  # the spec's http(s)://{serverRoot}
    protocol: Literal["v3", "v1"] = "v3"
    encoding: Literal["form-data", "json"] = "form-data"  # D1
    v1_url: str = ""  # full URL of the v1.0 endpoint (D6)
    v1_notation: Literal["spring", "bracket"] = "spring"  # D6
    timeout_s: float = Field(default=10, gt=0)
    connect_timeout_s: float = Field(default=5, gt=0)
    ca_file: str = ""  # CA bundle that signs the platform's certificate

    @field_validator("base_url", "v1_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("应以 http:// 或 https:// 开头 (must start with http:// or https://)")
        return value.rstrip("/")


class ListenerSettings(_Section):
    host: str = "127.0.0.1"
    port: int = Field(default=8443, ge=0, le=65535)
    tls_cert: str = ""  # empty: plain HTTP (demo and tests only; warned)
    tls_key: str = ""
    client_ca: str = ""  # set: require client certificates signed by it
    allow: list[str] = Field(default_factory=lambda: ["127.0.0.0/8", "::1/128"])  # D13
    token: str = ""  # set: require X-Auth-Token
    hmac_secret: str = ""  # set: require X-Timestamp + X-Signature
    max_skew_s: int = Field(default=300, ge=1)
    max_body_bytes: int = Field(default=65536, ge=1024)
    body_timeout_s: float = Field(default=10, gt=0)  # a body not received in time: 23, closed
    keepalive_s: float = Field(default=5, gt=0)  # idle keep-alive connections are closed

    @field_validator("allow")
    @classmethod
    def _cidrs(cls, value: list[str]) -> list[str]:
        for item in value:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"{item!r} 不是合法的 CIDR (expected e.g. 10.0.0.0/8)") from None
        return value


class RetrySettings(_Section):
    after_failure_s: float = Field(default=300, ge=0)
    after_silence_s: float = Field(default=600, ge=0)
    after_not_effective_s: float = Field(default=600, ge=0)
    max_pushes: int = Field(default=6, ge=1)
    backoff_base_s: float = Field(default=5, gt=0)
    backoff_max_s: float = Field(default=300, gt=0)
    pause_probe_s: float = Field(default=60, gt=0)  # D5: slow probe while paused by code 22
    poll_s: float = Field(default=1, gt=0)  # how often the worker looks for due work


class PhotoSettings(_Section):
    width: int = Field(default=480, ge=64)
    height: int = Field(default=640, ge=64)
    max_bytes: int = Field(default=97280, ge=4096)  # raw JPEG; base64 stays under 200 KB
    # DESIGN §9: Huawei's minimum face is 80 px (120 recommended); 90 px of Haar face box (which is
    # about the eyebrow-to-mouth square, ~0.9 of the full face width) is ~100 px of face.
    min_face_px: int = Field(default=90, ge=16)
    # Dahua: the face fills 1/3–2/3 of the image. The crop aims at face_fill; a face wider than
    # max_face_fraction of the widest portrait crop the frame allows is face_too_large.
    face_fill: float = Field(default=0.5, gt=0.2, lt=0.9)
    max_face_fraction: float = Field(default=0.67, gt=0.2, le=1)
    # off_center: face centre offset from the frame centre, as a fraction of width / height
    # (vertical is looser: heads sit high in a portrait).
    max_offset_x: float = Field(default=0.25, gt=0, le=0.5)
    max_offset_y: float = Field(default=0.35, gt=0, le=0.5)
    # Exposure on the face (or the frame centre when no face): 0–255 grey mean and spread.
    # Vendors ask for "correct exposure" (Hikvision), ≥ 200 lux (Huawei); these bounds reject what
    # a terminal cannot match while passing ordinary indoor light.
    min_brightness: float = Field(default=60, ge=0, le=255)
    max_brightness: float = Field(default=200, ge=0, le=255)
    min_contrast: float = Field(default=25, ge=0)
    # Variance of the Laplacian of the face scaled to 128 px (sharp photos 250+, σ=2 blur < 10).
    min_sharpness: float = Field(default=15, ge=0)
    # Frontal: ZKTeco allows yaw/pitch ≤ 10°, Huawei yaw ≤ 30°; the estimate from eyes (Haar) or
    # landmarks (YuNet) is rough, so 20° yaw; roll from the eye line.
    max_yaw_deg: float = Field(default=20, gt=0, le=90)
    max_roll_deg: float = Field(default=15, gt=0, le=90)
    # Baseline JPEG quality steps: start high, lower by jpeg_quality_step down to the floor.
    jpeg_quality: int = Field(default=92, ge=10, le=100)
    jpeg_quality_min: int = Field(default=30, ge=5, le=100)
    jpeg_quality_step: int = Field(default=5, ge=1, le=50)

    @model_validator(mode="after")
    def _ordered(self) -> PhotoSettings:
        if self.jpeg_quality_min > self.jpeg_quality:
            raise ValueError("jpeg_quality_min 应不大于 jpeg_quality (floor above the start)")
        if self.min_brightness >= self.max_brightness:
            raise ValueError("min_brightness 应小于 max_brightness")
        return self


class CameraSettings(_Section):
    source: str = "0"  # webcam index, a video file, a folder of stills, or "synthetic"
    width: int = Field(default=640, ge=16)
    height: int = Field(default=480, ge=16)
    mirror: bool = True
    dnn_model: str = ""  # optional YuNet .onnx file; empty: Haar cascades
    fps: float = Field(default=30, gt=0, le=120)  # stills/synthetic rate; fallback for videos
    detect_width: int = Field(default=320, ge=80)  # long side of the frame the detector sees
    lost_after_s: float = Field(default=2, gt=0)  # no frame this long: 未检测到摄像头
    retry_s: float = Field(default=1, gt=0)  # how often a lost camera is reopened
    stable_s: float = Field(default=0.3, ge=0)  # a live verdict must hold this long to show
    auto_capture_s: float = Field(default=1, ge=0)  # good this long: capture; 0: manual only


class StorageSettings(_Section):
    database_url: str = ""  # empty: SQLite file in the data dir; or postgresql://…
    retention_days: int = Field(default=30, ge=1)
    photo_keep_after_written_s: float = Field(default=86400, ge=0)
    # Issue 7: the photo key file; empty: <data dir>/keys/photos.key. Put it on another volume
    # so a copy of the data dir alone reveals no face.
    photo_key_file: str = ""
    purge_interval_s: float = Field(default=86400, ge=60)  # retention: at start, then this often


class Settings(_Section):
    station: StationSettings = Field(default_factory=StationSettings)
    platform: PlatformSettings = Field(default_factory=PlatformSettings)
    listener: ListenerSettings = Field(default_factory=ListenerSettings)
    retry: RetrySettings = Field(default_factory=RetrySettings)
    photo: PhotoSettings = Field(default_factory=PhotoSettings)
    camera: CameraSettings = Field(default_factory=CameraSettings)
    storage: StorageSettings = Field(default_factory=StorageSettings)


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file and the key."""


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / CONFIG_FILE_NAME


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))


def _describe(error: dict[str, Any]) -> str:
    loc = [str(part) for part in error["loc"]]
    key = f"[{loc[0]}].{'.'.join(loc[1:])}" if len(loc) > 1 else loc[0] if loc else "?"
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"unknown key {key} (未知配置项)"
    got = error.get("input")
    shown = "" if isinstance(got, dict) else f", got {got!r}"
    return f"key {key}: {error['msg']}{shown}"


def parse_settings(data: dict[str, Any], source: str = "<settings>") -> Settings:
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(_describe(e) for e in exc.errors())  # type: ignore[arg-type]
        raise ConfigError(f"configuration error in {source}: {problems}") from None


def load_settings(path: Path | None = None) -> tuple[Settings, Path]:
    """Read settings from ``path`` (or the default location). A missing default file is fine."""
    explicit = path is not None
    path = path if path is not None else default_config_path()
    if not path.exists():
        if explicit:
            raise ConfigError(f"configuration file {path} does not exist (配置文件不存在)")
        return Settings(), path
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"configuration file {path} is not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"configuration file {path} cannot be read: {exc}") from None
    return parse_settings(data, str(path)), path


def save_settings(settings: Settings, path: Path) -> None:
    """Write the settings atomically (temp file + rename) so a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(tomli_w.dumps(settings.model_dump(mode="json")), encoding="utf-8")
    tmp.replace(path)
