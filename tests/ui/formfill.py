"""Driving the registration form like a clerk: typing with qtbot.keyClicks, ticking list items."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QListWidget, QWidget

from station.ui.pages.register import RegisterPage
from station.ui.widgets import CheckList


def tick(picker: CheckList, text: str) -> None:
    """Click the item's check box as a finger would."""
    lst: QListWidget = picker.list
    items = lst.findItems(text, Qt.MatchFlag.MatchExactly)
    assert items, f"{text!r} not offered in {picker.objectName()}: {picker_items(picker)}"
    item = items[0]
    lst.scrollToItem(item)
    item.setCheckState(
        Qt.CheckState.Unchecked
        if item.checkState() == Qt.CheckState.Checked
        else Qt.CheckState.Checked
    )


def type_text(qtbot: Any, editor: QWidget, text: str) -> None:
    """ASCII with qtbot.keyClicks; Chinese through an input-method commit, as a pinyin IME
    delivers it (QTest cannot synthesise non-ASCII key presses)."""
    if text.isascii():
        qtbot.keyClicks(editor, text)
        return
    editor.setFocus()
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(editor, event)


def picker_items(picker: CheckList) -> list[str]:
    return [picker.list.item(i).text() for i in range(picker.list.count())]


def type_person(
    qtbot: Any,
    page: RegisterPage,
    *,
    work_order: str = "JF-20261203-0001",
    name: str = "唐建峰",
    account: str = "tangjianfeng",
    phone: str = "13800001111",
) -> None:
    form = page.form
    for editor, text in (
        (form.work_order, work_order),
        (form.name, name),
        (form.account, account),
        (form.phone, phone),
    ):
        editor.clear()
        type_text(qtbot, editor, text)


def choose_place(qtbot: Any, page: RegisterPage, rooms: tuple[str, ...]) -> None:
    form = page.form
    form.city.setCurrentText("")
    city_line = form.city.lineEdit()
    assert city_line is not None
    type_text(qtbot, city_line, "咸阳市")
    tick(form.sites, "咸阳秦都站点")
    for room in rooms:
        tick(form.rooms, room)


def consent(qtbot: Any, page: RegisterPage) -> None:
    if not page.form.consent.isChecked():
        page.form.consent.click()
