"""TLS checks: the listener's certificate and key, the client CA and the platform CA (D7, D13).

A certificate must be readable PEM, match its key, be valid now and not expire within
:data:`EXPIRY_WARN_DAYS`; the finding always states the expiry date.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from station.config import Settings
from station.doctor import Finding, finding

EXPIRY_WARN_DAYS = 30
TITLE = ("TLS 证书", "TLS certificate")
CA_TITLE = ("CA 证书", "CA certificates")


def _public_bytes(key: object) -> bytes:
    public = key.public_key()  # type: ignore[attr-defined]
    data: bytes = public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return data


def _load_certs(path: Path) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(path.read_bytes())


def check_listener_tls(settings: Settings, now: datetime | None = None) -> Finding:
    now = now or datetime.now(UTC)
    cert_file, key_file = settings.listener.tls_cert, settings.listener.tls_key
    if not cert_file and not key_file:
        return finding(
            "tls",
            TITLE,
            "warn",
            (
                "未配置证书，回调接口使用明文 HTTP（仅限演示和测试）",
                "no certificate: the listener serves plain HTTP (demo and tests only)",
            ),
            (
                "正式环境请设置 [listener].tls_cert 和 [listener].tls_key（见集成指南“TLS”一节）",
                "for production set [listener].tls_cert and [listener].tls_key (integrator guide, TLS)",
            ),
        )
    if not cert_file or not key_file:
        missing = "[listener].tls_key" if cert_file else "[listener].tls_cert"
        return finding(
            "tls",
            TITLE,
            "fail",
            (f"只配置了一半：缺少 {missing}", f"half configured: {missing} is empty"),
            (f"设置 {missing}，或两项都留空", f"set {missing}, or leave both empty"),
        )
    try:
        certs = _load_certs(Path(cert_file))
    except (OSError, ValueError) as exc:
        return finding(
            "tls",
            TITLE,
            "fail",
            (f"无法读取证书 {cert_file}：{exc}", f"cannot read certificate {cert_file}: {exc}"),
            (
                "检查 [listener].tls_cert 的路径、权限和 PEM 格式",
                "check the path, permissions and PEM format of [listener].tls_cert",
            ),
        )
    try:
        key = serialization.load_pem_private_key(Path(key_file).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        return finding(
            "tls",
            TITLE,
            "fail",
            (f"无法读取私钥 {key_file}：{exc}", f"cannot read private key {key_file}: {exc}"),
            (
                "检查 [listener].tls_key：应为未加密的 PEM 私钥",
                "check [listener].tls_key: an unencrypted PEM private key is expected",
            ),
        )
    leaf = certs[0]
    if _public_bytes(leaf) != _public_bytes(key):
        return finding(
            "tls",
            TITLE,
            "fail",
            ("证书与私钥不匹配", "the certificate does not match the private key"),
            (
                "为同一证书配置对应的私钥（openssl x509 -noout -pubkey 与 openssl pkey -pubout 应一致）",
                "configure the key of this certificate (openssl x509 -noout -pubkey and openssl pkey -pubout must agree)",
            ),
        )
    return _validity(leaf, cert_file, now)


def _validity(cert: x509.Certificate, name: str, now: datetime) -> Finding:
    expires = cert.not_valid_after_utc
    starts = cert.not_valid_before_utc
    day = expires.strftime("%Y-%m-%d")
    if expires <= now:
        return finding(
            "tls",
            TITLE,
            "fail",
            (f"证书 {name} 已于 {day} 过期", f"certificate {name} expired on {day}"),
            (
                "签发新证书并替换 [listener].tls_cert / tls_key，然后重启",
                "issue a new certificate, replace [listener].tls_cert / tls_key and restart",
            ),
        )
    if starts > now:
        return finding(
            "tls",
            TITLE,
            "fail",
            (
                f"证书 {name} 尚未生效（{starts:%Y-%m-%d} 起）",
                f"certificate {name} is not valid before {starts:%Y-%m-%d}",
            ),
            (
                "检查本机时钟，或换用已生效的证书",
                "check this machine's clock, or use a certificate that is already valid",
            ),
        )
    if expires - now < timedelta(days=EXPIRY_WARN_DAYS):
        return finding(
            "tls",
            TITLE,
            "warn",
            (
                f"证书将于 {day} 过期（不足 {EXPIRY_WARN_DAYS} 天）",
                f"certificate expires on {day} (in under {EXPIRY_WARN_DAYS} days)",
            ),
            ("尽快续签证书", "renew the certificate soon"),
        )
    return finding(
        "tls",
        TITLE,
        "ok",
        (f"证书与私钥匹配，有效期至 {day}", f"certificate and key match, valid until {day}"),
    )


def check_ca_files(settings: Settings) -> Finding:
    """[listener].client_ca and [platform].ca_file, when set, must be readable PEM certificates."""
    problems: list[tuple[str, str]] = []
    named = 0
    for key, value in (
        ("[listener].client_ca", settings.listener.client_ca),
        ("[platform].ca_file", settings.platform.ca_file),
    ):
        if not value:
            continue
        named += 1
        try:
            _load_certs(Path(value))
        except (OSError, ValueError) as exc:
            problems.append((key, f"{value}: {exc}"))
    if problems:
        zh = "；".join(f"{key} 无法读取（{text}）" for key, text in problems)
        en = "; ".join(f"{key} unreadable ({text})" for key, text in problems)
        keys = "、".join(key for key, _ in problems)
        return finding(
            "ca_files",
            CA_TITLE,
            "fail",
            (zh, en),
            (
                f"修正 {keys} 的路径或内容（PEM 格式的 CA 证书）",
                f"fix the path or content of {keys} (a PEM CA certificate)",
            ),
        )
    if not named:
        return finding(
            "ca_files",
            CA_TITLE,
            "ok",
            (
                "未配置（不要求客户端证书，使用系统 CA）",
                "none configured (no client certificates required, system CAs used)",
            ),
        )
    return finding("ca_files", CA_TITLE, "ok", ("CA 证书可读", "CA certificates are readable"))
