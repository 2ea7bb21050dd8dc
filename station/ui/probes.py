"""Settings page probes: "测试平台连接" and "回调监听自检". Blocking I/O runs in a thread."""

from __future__ import annotations

import asyncio
import warnings

import requests
from urllib3.exceptions import InsecureRequestWarning

from station.config import Settings
from station.ui.i18n import tr


def _platform(settings: Settings) -> tuple[bool, str]:
    platform = settings.platform
    url = platform.base_url or platform.v1_url
    if not url:
        return False, tr("未配置平台地址")
    verify: str | bool = platform.ca_file or True
    try:
        answer = requests.get(
            url, timeout=(platform.connect_timeout_s, platform.timeout_s), verify=verify
        )
    except requests.exceptions.SSLError as exc:
        return False, tr("平台证书校验失败（检查 CA 文件）：{error}", error=str(exc)[:160])
    except requests.RequestException as exc:
        return False, tr("无法连接平台 {url}：{error}", url=url, error=type(exc).__name__)
    return True, tr("平台可达：{url}（HTTP {status}）", url=url, status=answer.status_code)


async def test_platform(settings: Settings) -> tuple[bool, str]:
    return await asyncio.to_thread(_platform, settings)


def _listener(base_url: str) -> tuple[bool, str]:
    # Our own listener on loopback: the handshake and /healthz are what is tested here, not
    # the certificate's chain (the platform holds the CA that checks it).
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InsecureRequestWarning)
            answer = requests.get(base_url + "/healthz", timeout=3, verify=False)  # noqa: S501
    except requests.RequestException as exc:
        return False, tr("回调监听无响应 {url}：{error}", url=base_url, error=type(exc).__name__)
    if answer.status_code != 200:
        return False, tr("回调监听异常：HTTP {status}", status=answer.status_code)
    return True, tr("回调监听正常：{url}", url=base_url)


async def test_listener(base_url: str | None) -> tuple[bool, str]:
    if not base_url:
        return False, tr("回调监听未启动")
    return await asyncio.to_thread(_listener, base_url)
