"""Small reusable widgets: a checkable list with free entry, a field row with its error, a pill."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station.ui.i18n import tr

W = TypeVar("W", bound=QObject)


def named(widget: W, name: str) -> W:
    """``widget`` with its object name set (tests and style sheets find widgets by it)."""
    widget.setObjectName(name)
    return widget


class CheckList(QWidget):
    """A multi-select list (check boxes) with a line to add an item the catalog lacks."""

    changed = Signal()

    def __init__(self, placeholder: str, object_name: str) -> None:
        super().__init__()
        self.setObjectName(object_name)
        self._placeholder = placeholder
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.list = named(QListWidget(), f"{object_name}_list")
        self.list.setMinimumHeight(96)
        self.list.setMaximumHeight(150)
        self.list.itemChanged.connect(lambda _item: self.changed.emit())
        row = QHBoxLayout()
        self.entry = named(QLineEdit(), f"{object_name}_entry")
        self.add_button = named(QPushButton(), f"{object_name}_add")
        self.add_button.clicked.connect(self._add_typed)
        self.entry.returnPressed.connect(self._add_typed)
        row.addWidget(self.entry, 1)
        row.addWidget(self.add_button)
        layout.addWidget(self.list)
        layout.addLayout(row)
        self.retranslate()

    def retranslate(self) -> None:
        self.entry.setPlaceholderText(tr(self._placeholder))
        self.add_button.setText(tr("添加"))

    def _add_typed(self) -> None:
        text = self.entry.text().strip()
        if text:
            self.add(text, checked=True)
            self.entry.clear()

    def add(self, text: str, *, checked: bool = False) -> None:
        """Offer ``text`` (checked when asked); emits ``changed`` only when a check changed."""
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.text() == text:
                if checked:
                    item.setCheckState(Qt.CheckState.Checked)
                return
        item = QListWidgetItem(text)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.list.addItem(item)

    def set_items(self, texts: Iterable[str], keep_checked: bool = True) -> None:
        """Replace the offered items; checked items (incl. free entries) stay when ``keep_checked``."""
        keep = self.checked() if keep_checked else []
        self.list.blockSignals(True)
        self.list.clear()
        for text in dict.fromkeys([*texts, *keep]):
            self.add(text, checked=text in keep)
        self.list.blockSignals(False)

    def set_checked(self, text: str, checked: bool) -> None:
        """Programmatic (no ``changed``): e.g. devices that follow the chosen rooms."""
        self.list.blockSignals(True)
        self._set_checked(text, checked)
        self.list.blockSignals(False)

    def _set_checked(self, text: str, checked: bool) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.text() == text:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def checked(self) -> list[str]:
        return [
            self.list.item(i).text()
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def clear_checks(self) -> None:
        self.list.blockSignals(True)
        for i in range(self.list.count()):
            self.list.item(i).setCheckState(Qt.CheckState.Unchecked)
        self.list.blockSignals(False)


class Field(QWidget):
    """A label above an editor, with the field's error below it (hidden when valid)."""

    def __init__(self, label: str, editor: QWidget, key: str) -> None:
        super().__init__()
        self.setObjectName(f"field_{key}")
        self._label_text = label
        self.editor = editor
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(3)
        self.label = QLabel()
        self.error = named(QLabel(), "fieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.label)
        layout.addWidget(editor)
        layout.addWidget(self.error)
        self._error_source = ""
        self.retranslate()

    def set_error(self, message: str | None) -> None:
        self._error_source = message or ""
        self.error.setText(tr(self._error_source) if message else "")
        self.error.setVisible(bool(message))
        self.editor.setProperty("invalid", bool(message))
        self.editor.style().unpolish(self.editor)
        self.editor.style().polish(self.editor)

    def retranslate(self) -> None:
        self.label.setText(tr(self._label_text))
        if self._error_source:
            self.error.setText(tr(self._error_source))


def pill_style(colour: str) -> str:
    return (
        f"background: {colour}; color: white; border-radius: 10px; padding: 4px 12px;"
        " font-weight: bold;"
    )
