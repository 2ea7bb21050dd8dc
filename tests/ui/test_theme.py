"""The kiosk style sheet must not hide what a widget shows."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox, QWidget

from station.ui.theme import style_sheet

pytestmark = pytest.mark.gui


def _dark_pixels(widget: QWidget) -> int:
    image = widget.grab().toImage()
    image = image.convertToFormat(image.Format.Format_Grayscale8)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    pixels = np.frombuffer(image.constBits(), np.uint8, stride * height).reshape(height, stride)
    return int((pixels[:, :width] < 100).sum())


@pytest.mark.parametrize("kind", [QSpinBox, QDoubleSpinBox])
def test_typed_number_fields_draw_their_value(qtbot, kind) -> None:
    """Settings' number fields have no arrows; with a style sheet Qt 6.12 then drew no text."""
    spin = kind()
    spin.setStyleSheet(style_sheet(False))
    spin.setRange(0, 100000)
    spin.setButtonSymbols(kind.ButtonSymbols.NoButtons)
    spin.resize(300, 44)
    qtbot.addWidget(spin)
    spin.setValue(0)
    spin.clear()
    empty = _dark_pixels(spin)
    spin.setValue(88888)
    assert _dark_pixels(spin) > empty + 50
