"""Chinese first; switching to English at run time changes the visible texts, and back."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from station.ui.i18n import catalog_dir
from tests.ui.conftest import settings_for

pytestmark = pytest.mark.gui
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_switching_language_updates_visible_texts(qtbot, start_gui):
    gui = start_gui(settings_for("http://127.0.0.1:9"), camera=False)
    window, app = gui.window, gui.app
    assert window.nav_button("register").text() == "登记"
    assert app.register_page.title.text() == "现场登记"
    qtbot.mouseClick(window.language_button, Qt.MouseButton.LeftButton)
    assert window.nav_button("register").text() == "Register"
    assert window.nav_button("board").text() == "Door board"
    assert app.register_page.title.text() == "On-site registration"
    assert app.register_page.submit.text() == "Submit registration"
    assert app.register_page.form.fields["phone"].label.text() == "Phone"
    assert window.status.platform.text().endswith("Platform: OK")
    assert app.board_page.title.text() == "Door board"
    assert app.history_page.model.headerData(0, Qt.Orientation.Horizontal, 0) == "Work order"
    assert app.settings_page.gate.button.text() == "Set and enter"
    qtbot.mouseClick(window.language_button, Qt.MouseButton.LeftButton)
    assert window.nav_button("register").text() == "登记"
    assert app.register_page.submit.text() == "提交登记"


def _visible_chinese_literals() -> set[str]:
    """Chinese string literals in station/ui, except docstrings (not shown to users)."""
    found: set[str] = set()
    for path in Path("station/ui").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and CJK.search(node.value)
                and id(node) not in docstrings
            ):
                found.add(node.value)
    return found


def test_every_chinese_text_has_an_english_translation():
    catalog = json.loads((catalog_dir() / "en.json").read_text(encoding="utf-8"))
    missing = sorted(t for t in _visible_chinese_literals() if t not in catalog)
    # texts built by concatenation in code are not catalog keys
    missing = [t for t in missing if not t.endswith("：")]
    assert missing == []
    placeholders = re.compile(r"\{[a-z_]+[^}]*\}")
    for source, english in catalog.items():
        if not source.startswith("_"):
            assert sorted(placeholders.findall(source)) == sorted(placeholders.findall(english)), (
                source
            )
