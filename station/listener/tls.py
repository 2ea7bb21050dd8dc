"""The listener's TLS context (D13): TLS 1.2 or newer, optional client certificates (mTLS)."""

from __future__ import annotations

import ssl
from pathlib import Path

from station.config import ConfigError, ListenerSettings


def server_context(settings: ListenerSettings) -> ssl.SSLContext | None:
    """The server context from ``tls_cert``/``tls_key`` (and ``client_ca``), or None for HTTP.

    A missing or unreadable file is a ConfigError naming the key, raised before the listener
    binds its port.
    """
    if not settings.tls_cert and not settings.tls_key:
        if settings.client_ca:
            raise ConfigError(
                "key [listener].client_ca needs tls_cert and tls_key (mutual TLS requires HTTPS)"
            )
        return None
    for key in ("tls_cert", "tls_key"):
        if not getattr(settings, key):
            raise ConfigError(f"key [listener].{key} is empty but the other TLS key is set")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(_existing("tls_cert", settings.tls_cert), settings.tls_key)
    except (ssl.SSLError, OSError) as exc:
        raise ConfigError(
            f"keys [listener].tls_cert/tls_key: cannot load the certificate and key ({exc})"
        ) from None
    if settings.client_ca:
        try:
            context.load_verify_locations(cafile=_existing("client_ca", settings.client_ca))
        except (ssl.SSLError, OSError) as exc:
            raise ConfigError(f"key [listener].client_ca: cannot load the CA ({exc})") from None
        context.verify_mode = ssl.CERT_REQUIRED
    else:
        context.verify_mode = ssl.CERT_NONE
    return context


def _existing(key: str, value: str) -> str:
    if not Path(value).is_file():
        raise ConfigError(f"key [listener].{key}: file {value} does not exist")
    return value
