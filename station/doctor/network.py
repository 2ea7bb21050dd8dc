"""Network checks: the listener port is free (D7) and the platform answers (D1).

The platform check connects by TCP, then sends one harmless ``GET base_url``: any HTTP answer,
even 404, counts as reachable; only a refused/timed-out connection or a TLS failure does not.
"""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import requests

from station.config import Settings
from station.doctor import Finding, finding

PORT_TITLE = ("回调监听端口", "listener port")
PLATFORM_TITLE = ("动环平台连通性", "platform reachability")


def check_listener_port(settings: Settings) -> Finding:
    host, port = settings.listener.host, settings.listener.port
    if port == 0:
        return finding(
            "listener_port",
            PORT_TITLE,
            "ok",
            ("端口为 0：启动时由系统分配", "port 0: the system picks one at start"),
        )
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except PermissionError as exc:
            return finding(
                "listener_port",
                PORT_TITLE,
                "fail",
                (
                    f"无权监听 {host}:{port}（{exc.strerror}）",
                    f"not allowed to listen on {host}:{port} ({exc.strerror})",
                ),
                (
                    "改用 1024 以上的端口（[listener].port，默认 8443）",
                    "use a port above 1024 ([listener].port, default 8443)",
                ),
            )
        except OSError as exc:
            running = running_station(settings)
            if running is not None:
                return finding(
                    "listener_port",
                    PORT_TITLE,
                    "warn",
                    (
                        f"{host}:{port} 已有登记站在监听（版本 {running}）",
                        f"a station (version {running}) is already listening on {host}:{port}",
                    ),
                    (
                        "如果这就是正在使用的登记站，无需处理；否则先停止它再启动新的",
                        "nothing to do if that is the station in use; otherwise stop it before starting another",
                    ),
                )
            return finding(
                "listener_port",
                PORT_TITLE,
                "fail",
                (
                    f"{host}:{port} 已被占用或不可用（{exc.strerror}）",
                    f"{host}:{port} is in use or unavailable ({exc.strerror})",
                ),
                (
                    f"关闭占用该端口的程序（可能是已在运行的登记站：ss -ltnp 'sport = :{port}'），或修改 [listener].port / [listener].host",
                    f"stop the program holding it (perhaps a station already running: ss -ltnp 'sport = :{port}'), or change [listener].port / [listener].host",
                ),
            )
    return finding(
        "listener_port", PORT_TITLE, "ok", (f"{host}:{port} 可用", f"{host}:{port} is free")
    )


def running_station(settings: Settings) -> str | None:
    """The version of a station already answering ``/healthz`` on the listener port, or None.

    Our own listener on loopback: the certificate chain is not what is checked here.
    """
    import warnings

    from urllib3.exceptions import InsecureRequestWarning

    listener = settings.listener
    wildcard = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}  # noqa: S104 - probed, not bound
    host = wildcard.get(listener.host, listener.host)
    host = f"[{host}]" if ":" in host else host
    scheme = "https" if listener.tls_cert else "http"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InsecureRequestWarning)
            answer = requests.get(
                f"{scheme}://{host}:{listener.port}/healthz",
                timeout=2,
                verify=False,  # noqa: S501
            )
        data = answer.json().get("data")
    except (requests.RequestException, ValueError, AttributeError):
        return None
    if isinstance(data, dict) and data.get("status") == "ok":
        return str(data.get("version", "?"))
    return None


def platform_url(settings: Settings) -> str:
    if settings.platform.protocol == "v1" and settings.platform.v1_url:
        return settings.platform.v1_url
    return settings.platform.base_url


def check_platform(settings: Settings) -> Finding:
    url = platform_url(settings)
    if settings.platform.protocol == "v1" and not settings.platform.v1_url:
        return finding(
            "platform",
            PLATFORM_TITLE,
            "fail",
            (
                "使用 v1 协议但未配置 [platform].v1_url",
                "protocol v1 is selected but [platform].v1_url is empty",
            ),
            (
                '填写 v1.0 接口的完整地址（D6），或改用 protocol = "v3"',
                'set the full v1.0 URL (D6), or use protocol = "v3"',
            ),
        )
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    timeout = settings.platform.connect_timeout_s
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return finding(
            "platform",
            PLATFORM_TITLE,
            "fail",
            (f"无法连接 {host}:{port}（{reason}）", f"cannot connect to {host}:{port} ({reason})"),
            (
                "检查 [platform].base_url、网络和防火墙；联调前可先运行模拟器：station sim --port 9000",
                "check [platform].base_url, the network and firewalls; for a dry run start the simulator: station sim --port 9000",
            ),
        )
    verify: bool | str = settings.platform.ca_file or True
    try:
        answer = requests.get(
            url or "/", timeout=(timeout, settings.platform.timeout_s), verify=verify
        )
    except requests.exceptions.SSLError as exc:
        return finding(
            "platform",
            PLATFORM_TITLE,
            "fail",
            (f"TLS 握手失败：{exc}", f"TLS handshake failed: {exc}"),
            (
                "把签发平台证书的 CA 配置到 [platform].ca_file",
                "set [platform].ca_file to the CA that signed the platform's certificate",
            ),
        )
    except requests.RequestException as exc:
        return finding(
            "platform",
            PLATFORM_TITLE,
            "fail",
            (
                f"{host}:{port} 可连接，但没有 HTTP 应答（{type(exc).__name__}）",
                f"{host}:{port} accepts connections but gave no HTTP answer ({type(exc).__name__})",
            ),
            (
                "确认 [platform].base_url 指向动环平台（协议 http/https 是否正确）",
                "make sure [platform].base_url points at the platform (http vs https)",
            ),
        )
    return finding(
        "platform",
        PLATFORM_TITLE,
        "ok",
        (
            f"{url} 有应答（HTTP {answer.status_code}）",
            f"{url} answers (HTTP {answer.status_code})",
        ),
    )
