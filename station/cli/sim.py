"""``station sim``: run the 动环 platform simulator (joint debugging, the demo, tests)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from station.cli.common import EXIT_FAILURE, EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    from station.sim import SimConfig

NAME = "sim"
HELP = "run the 动环 platform simulator (addFace v3 + v1.0, callbacks to the station)"

EPILOG = """\
scenarios (--scenario, --device-scenario PATTERN=SCENARIO):
  success              answer 00, then faceOperationResult 成功 for every device
  fail                 answer 00, then 失败：… (the --fail-text) for every device, every push
  fail-then-success    the first push of a (workOrdNum, phone, deviceId) fails, later ones succeed
  silent               answer 00 and never call back
  silent-then-success  the first push gets no result, later ones succeed
  flaky                per person: 1st push answered 21 (HTTP 500), 2nd push's connection dropped,
                       3rd answered 00 after --slow-answer seconds, then 00; results succeed
  security             always 22 (安全校验不通过), no callbacks
  reject               always 23, desc names the rejected devices
  random               seeded mix (--seed): 15% of pushes 21; devices 70% success, 15% fail,
                       15% silent
  One push's answer follows its worst device: security > reject > flaky > random > 00.
  v1.0 has no callbacks, its answer is the result (D4): fail answers 21 with the failure text,
  silent drops the connection.

endpoints:
  POST /v1/external/ywgl/addFace   v3.0 push: multipart with a JSON "data" part, or JSON {"data":…} (D1)
  POST /ywgl/v1/register           v1.0 push (D6), path set by --v1-path
  GET  /_sim/log[?since=N]         the record of everything received and sent (pictures summarised)
  POST /_sim/scenario              {"scenario": "fail", "devices": {"ACC*": "silent"}}
  POST /_sim/reset                 forget push counts and the record

callbacks go to --callback-base-url + /mtex/webservice/machine/roomDoor/{faceOperationResult,
openDoorReceive} (D7); failed deliveries are retried (--callback-retries) and logged.
example:
  station sim --port 9000 --callback-base-url http://127.0.0.1:8443 --scenario fail-then-success \\
      --device-scenario 'ACC*=silent' --door-events --log sim.jsonl
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from station.sim import DEFAULT_V1_PATH, SCENARIOS

    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    add = parser.add_argument
    add("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    add(
        "--port", type=int, default=9000, help="port to listen on, 0 for any (default: %(default)s)"
    )
    add(
        "--callback-base-url",
        default=None,
        metavar="URL",
        help="where the station's listener is (default: from [listener] of --config, "
        "else https://127.0.0.1:8443)",
    )
    add("--scenario", default="success", choices=SCENARIOS, help="default scenario (see below)")
    add(
        "--device-scenario",
        action="append",
        default=[],
        metavar="PATTERN=SCENARIO",
        help="scenario for device IDs matching an fnmatch pattern, e.g. 'ACC*=fail'; repeatable, first match wins",
    )
    add(
        "--callback-delay",
        type=float,
        default=0.5,
        metavar="S",
        help="seconds from the 00 answer to the results (default: %(default)s)",
    )
    add("--door-events", action="store_true", help="send openDoorReceive for written devices")
    add(
        "--door-delay",
        type=float,
        default=2.0,
        metavar="S",
        help="seconds from a success result to its door opening (default: %(default)s)",
    )
    add(
        "--door-anonymous-rate",
        type=float,
        default=0.2,
        metavar="P",
        help="chance a door event is followed by one with no work order (default: %(default)s)",
    )
    add("--cert", default="", metavar="PEM", help="serve HTTPS with this certificate chain")
    add("--key", default="", metavar="PEM", help="private key of --cert")
    add(
        "--callback-ca",
        default="",
        metavar="PEM",
        help="CA that signs the station's certificate (HTTPS callbacks)",
    )
    add(
        "--client-cert",
        default="",
        metavar="PEM",
        help="client certificate presented on callbacks (mutual TLS)",
    )
    add("--client-key", default="", metavar="PEM", help="private key of --client-cert")
    add("--token", default="", help="send X-Auth-Token with this value on callbacks (D13)")
    add(
        "--hmac-secret",
        default="",
        metavar="SECRET",
        help="sign callbacks: X-Timestamp + X-Signature, HMAC-SHA256 (D13)",
    )
    add(
        "--max-picture-bytes",
        type=int,
        default=204800,
        metavar="N",
        help="largest JPEG accepted, raw bytes (default: %(default)s)",
    )
    add("--seed", type=int, default=None, help="seed for random and door events (default: random)")
    add("--log", type=Path, default=None, metavar="FILE", help="append the JSON lines record here")
    add(
        "--v1-path",
        default=DEFAULT_V1_PATH,
        metavar="PATH",
        help="path of the v1.0 endpoint (default: %(default)s)",
    )
    add(
        "--slow-answer",
        type=float,
        default=2.0,
        metavar="S",
        help="flaky: seconds the slow answer takes (default: %(default)s)",
    )
    add(
        "--fail-text",
        default="失败：图片质量不合格",
        help="faceWriteResult of a failure (default: %(default)s)",
    )
    add(
        "--account-prefix",
        default="",
        metavar="TEXT",
        help="prefix of the account in callbacks, e.g. dw (spec example)",
    )
    add(
        "--callback-retries",
        type=int,
        default=3,
        metavar="N",
        help="extra attempts after a failed delivery (default: %(default)s)",
    )
    add(
        "--callback-retry-delay",
        type=float,
        default=1.0,
        metavar="S",
        help="seconds between delivery attempts (default: %(default)s)",
    )
    add(
        "--callback-timeout",
        type=float,
        default=10.0,
        metavar="S",
        help="timeout of one callback request (default: %(default)s)",
    )
    add(
        "--reject-desc",
        default="",
        metavar="TEXT",
        help="reject: the desc of the 23 answer (default: names the rejected devices)",
    )
    add(
        "--timezone",
        default="Asia/Shanghai",
        metavar="ZONE",
        help="time zone of dailyOpenTime in door events (default: %(default)s)",
    )


def run(args: argparse.Namespace) -> int:
    from station.sim import SimConfig, parse_device_scenario

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        config = SimConfig(
            host=args.host,
            port=args.port,
            callback_base_url=args.callback_base_url or _listener_url(args),
            scenario=args.scenario,
            device_scenarios=tuple(parse_device_scenario(t) for t in args.device_scenario),
            callback_delay_s=args.callback_delay,
            door_events=args.door_events,
            door_delay_s=args.door_delay,
            door_anonymous_rate=args.door_anonymous_rate,
            cert=args.cert,
            key=args.key,
            callback_ca=args.callback_ca,
            client_cert=args.client_cert,
            client_key=args.client_key,
            token=args.token,
            hmac_secret=args.hmac_secret,
            max_picture_bytes=args.max_picture_bytes,
            seed=args.seed,
            log_path=args.log,
            v1_path=args.v1_path,
            slow_answer_s=args.slow_answer,
            fail_text=args.fail_text,
            account_prefix=args.account_prefix,
            callback_retries=args.callback_retries,
            callback_retry_delay_s=args.callback_retry_delay,
            callback_timeout_s=args.callback_timeout,
            reject_desc=args.reject_desc,
            timezone=args.timezone,
        )
    except ValueError as exc:
        print(f"station sim: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return asyncio.run(_serve(config))


def _listener_url(args: argparse.Namespace) -> str:
    """The station's own listener address from its configuration ([listener], D7)."""
    from station.cli.common import load_context

    listener = load_context(args).settings.listener
    scheme = "https" if listener.tls_cert else "http"
    host = "127.0.0.1" if listener.host in ("0.0.0.0", "") else listener.host  # noqa: S104
    host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{host}:{listener.port}"


async def _serve(config: SimConfig) -> int:
    from station.sim import Simulator

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    sim = Simulator(config)
    try:
        base_url = await sim.start()
    except (OSError, ValueError) as exc:
        print(f"station sim: cannot start: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    print(
        f"station sim: listening on {base_url} (scenario {sim.scenario}); Ctrl+C stops", flush=True
    )
    try:
        await stop.wait()
    finally:
        await sim.stop()
    print("station sim: stopped", flush=True)
    return EXIT_OK
