"""``station check-photo FILE…``: the photo quality verdict and the encoded size, per file.

Exit 0 when every file passes, 3 when any fails the gate (unreadable included), 2 for bad
arguments (a missing file, an unusable ``--out`` folder or detector model). With ``--json`` it
prints a list of ``{"file", "ok", "problems", "face", "jpeg_bytes", "width", "height"}``
(DESIGN §4); ``jpeg_bytes``/``width``/``height`` describe the terminal-ready JPEG and are null
when the file fails. ``--out DIR`` writes each passing file's JPEG as ``DIR/<name>.jpg``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from station.cli.common import EXIT_OK, EXIT_PHOTO, EXIT_USAGE, load_context

NAME = "check-photo"
HELP = "check face photos against the quality gate and encode them for the door terminals"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="image files")
    parser.add_argument("--json", action="store_true", help="print JSON (DESIGN §4)")
    parser.add_argument(
        "--out", type=Path, metavar="DIR", help="write the terminal-ready JPEGs into DIR"
    )


def _out_name(out: Path, file: Path, used: set[str]) -> Path:
    stem, n = file.stem, 1
    name = f"{stem}.jpg"
    while name in used:
        n += 1
        name = f"{stem}-{n}.jpg"
    used.add(name)
    return out / name


def run(args: argparse.Namespace) -> int:
    from station.camera import DetectorError, FaceDetector, check_photo_bytes

    ctx = load_context(args)
    missing = [str(f) for f in args.files if not f.is_file()]
    if missing:
        print(f"station check-photo: FILE: no such file: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    if args.out is not None:
        try:
            args.out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            print(f"station check-photo: --out: cannot create {args.out}: {exc}", file=sys.stderr)
            return EXIT_USAGE
    camera = ctx.settings.camera
    try:
        detector = FaceDetector(camera.dnn_model, camera.detect_width)
    except DetectorError as exc:
        print(f"station check-photo: {exc}", file=sys.stderr)
        return EXIT_USAGE
    results, used, all_ok = [], set[str](), True
    for file in args.files:
        verdict = check_photo_bytes(file.read_bytes(), ctx.settings.photo, detector)
        all_ok = all_ok and verdict.ok
        results.append(verdict.as_json(str(file)))
        if args.out is not None and verdict.jpeg is not None:
            _out_name(args.out, file, used).write_bytes(verdict.jpeg)
        if not args.json:
            if verdict.ok:
                kb = len(verdict.jpeg or b"") / 1024
                print(f"OK    {file}: {verdict.width}×{verdict.height}, {kb:.1f} KB")
            else:
                hints = "；".join(verdict.hints)
                print(f"FAIL  {file}: {', '.join(verdict.problems)} ({hints})")
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    return EXIT_OK if all_ok else EXIT_PHOTO
