"""The installer's static files agree with each other and with the package (issue 6)."""

from __future__ import annotations

import configparser
import re
import tomllib
from pathlib import Path

from station.config import load_settings

INSTALLER = Path(__file__).resolve().parents[2] / "installer"


def ini(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return parser


def test_desktop_entry_and_unit_start_the_installed_gui() -> None:
    desktop = ini(INSTALLER / "station.desktop")["Desktop Entry"]
    assert desktop["Type"] == "Application"
    assert desktop["Name[zh_CN]"] == "机房出入登记站"
    unit = ini(INSTALLER / "station-kiosk.service")
    assert desktop["Exec"] == unit["Service"]["ExecStart"] == "/opt/station/station gui"
    assert unit["Install"]["WantedBy"] == "graphical-session.target"
    assert "/opt/station" in (INSTALLER / "install-linux.sh").read_text(encoding="utf-8")


def test_kiosk_configuration_is_valid_and_in_kiosk_mode() -> None:
    settings, _ = load_settings(INSTALLER / "kiosk-station.toml")
    assert settings.station.kiosk is True
    assert settings.listener.port == 8443


def test_inno_setup_keeps_data_unless_asked() -> None:
    iss = (INSTALLER / "station.iss").read_text(encoding="utf-8")
    assert "{commonappdata}\\Station" in iss
    assert "{commonstartup}" in iss
    assert "gui --kiosk" in iss
    assert "Tasks: autostart" in iss
    assert "uninsneveruninstall" in iss  # the configuration survives an uninstall
    # DelTree only after a Yes (default button: No) or an explicit /DELETEDATA.
    code = iss[iss.index("[Code]") :]
    assert "MB_DEFBUTTON2" in code
    assert "/DELETEDATA" in code
    assert "DelTree" in code
    assert "UninstallSilent" in code


def test_spec_reads_version_from_pyproject() -> None:
    spec = (INSTALLER / "station.spec").read_text(encoding="utf-8")
    assert re.search(r'tomllib\.loads\(.*pyproject\.toml.*\["project"\]\["version"\]', spec)
    pyproject = tomllib.loads((INSTALLER.parent / "pyproject.toml").read_text(encoding="utf-8"))
    assert any(
        dep.startswith("pyinstaller")
        for dep in pyproject["project"]["optional-dependencies"]["installer"]
    )
