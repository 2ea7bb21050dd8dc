"""``station register``: the form's fields as options; same validation and photo gate as the GUI.

Exit 0 and the registration id (``--json``: ``{"id", "ids", "devices"}``); 2 naming the bad
field; 3 when a photo fails the quality gate (DESIGN §5), printing its problems. The registration
is stored (D16) and picked up by a running ``station serve`` or GUI on the same data dir.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path

from station.cli.common import (
    EXIT_OK,
    EXIT_PHOTO,
    EXIT_USAGE,
    load_context,
    run_reporting_store_errors,
)

NAME = "register"
HELP = "register a person for a work order and queue the push (登记并推送)"

OPTION_OF_FIELD = {
    "work_order": "--work-order",
    "site": "--site",
    "room": "--room",
    "device": "--device",
    "date": "--date",
    "consent": "--consent",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = (
        "exit codes: 0 registered (prints the id), 1 database or photo store error, "
        "2 bad option or field (named), 3 photo failed the quality gate (problems printed)"
    )
    add = parser.add_argument
    add("--work-order", required=True, metavar="TEXT", help="work order number (工单号)")
    add("--name", required=True, metavar="TEXT", help="the person's name (姓名)")
    add("--account", required=True, metavar="TEXT", help="the person's account (账号)")
    add("--phone", required=True, metavar="TEXT", help="mobile 1[3-9]xxxxxxxxx or 029-88886666")
    add("--city", required=True, metavar="TEXT", help="city (地市)")
    add("--site", action="append", default=[], metavar="TEXT", help="site (站点), repeatable")
    add("--room", action="append", default=[], metavar="TEXT", help="machine room, repeatable")
    add("--device", action="append", default=[], metavar="ID", help="door device ID, repeatable")
    add("--date", required=True, metavar="YYYY-MM-DD", help="registered date, today or later")
    add("--photo", required=True, type=Path, metavar="FILE", help="face photo (JPEG/PNG)")
    add("--role", choices=["operator", "escort"], default="operator", help="default: operator")
    add("--consent", action="store_true", help="the person consented to the face photo (必填)")
    add("--clerk", default="", metavar="NAME", help="the clerk taking consent (default: user)")
    add("--escort-name", metavar="TEXT", help="escort/supervisor (随工/监理) name")
    add("--escort-account", metavar="TEXT", help="escort account")
    add("--escort-phone", metavar="TEXT", help="escort phone")
    add("--escort-photo", type=Path, metavar="FILE", help="escort face photo")
    add("--json", action="store_true", help='print {"id": ..., "devices": [...]}')


def _option(field: str) -> str:
    if field.startswith("escort."):
        return "--escort-" + field.removeprefix("escort.")
    if field.startswith("operator."):
        field = field.removeprefix("operator.")
    return OPTION_OF_FIELD.get(field, "--" + field.replace("_", "-"))


def _usage(option: str, message: str) -> int:
    print(f"station register: {option}: {message}", file=sys.stderr)
    return EXIT_USAGE


def _gate(path: Path, option: str, settings: object) -> bytes | int:
    """The terminal-ready JPEG from the photo gate, or an exit code after printing why."""
    from station.camera import check_photo_bytes
    from station.config import Settings

    assert isinstance(settings, Settings)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _usage(option, f"无法读取照片文件 {path}: {exc.strerror} (cannot read the file)")
    verdict = check_photo_bytes(data, settings.photo)
    if not verdict.ok or verdict.jpeg is None:
        print(f"station register: {option} {path}: 照片未通过质量检查 (photo failed the gate)")
        for code, hint in zip(verdict.problems, verdict.hints, strict=False):
            print(f"  {code}: {hint}")
        return EXIT_PHOTO
    return verdict.jpeg


def _run(args: argparse.Namespace) -> int:
    from station.app import build_core
    from station.core.forms import parse_date
    from station.domain.states import Role
    from station.service import Consent, FormError, PersonForm, RegistrationForm

    ctx = load_context(args)
    escort_fields = (args.escort_name, args.escort_account, args.escort_phone, args.escort_photo)
    if any(escort_fields) and not all(escort_fields):
        return _usage(
            "--escort-name/--escort-account/--escort-phone/--escort-photo",
            "随工人员需同时给出姓名、账号、电话和照片 (give all four escort options)",
        )
    try:
        reg_date = parse_date("date", args.date)
    except FormError as exc:
        return _usage("--date", exc.message)
    photo = _gate(args.photo, "--photo", ctx.settings)
    if isinstance(photo, int):
        return photo
    people = [PersonForm(args.name, args.account, args.phone, photo, Role(args.role))]
    if args.escort_photo is not None:
        escort_photo = _gate(args.escort_photo, "--escort-photo", ctx.settings)
        if isinstance(escort_photo, int):
            return escort_photo
        people.append(
            PersonForm(
                args.escort_name, args.escort_account, args.escort_phone, escort_photo, Role.ESCORT
            )
        )
    with build_core(ctx.settings, ctx.data_dir) as core:
        clerk = args.clerk or getpass.getuser()
        consent = (
            Consent(ctx.settings.station.consent_notice_version, core.clock.now(), clerk)
            if args.consent
            else None
        )
        form = RegistrationForm(
            work_order=args.work_order,
            city=args.city,
            sites=tuple(args.site),
            rooms=tuple(args.room),
            device_ids=tuple(args.device),
            reg_date=reg_date,
            people=tuple(people),
            consent=consent,
            created_by=clerk,
        )
        try:
            done = core.station.register(form)
        except FormError as exc:
            return _usage(_option(exc.field), exc.message)
    if args.json:
        print(json.dumps(done.to_json(), ensure_ascii=False))
    else:
        print(" ".join(str(i) for i in done.ids))
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    """The command, with the database's and the photo store's errors as a message and exit 1."""
    return run_reporting_store_errors(NAME, _run, args)
