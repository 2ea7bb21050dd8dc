"""Run-time translation: Chinese source texts, one editable JSON catalog per other language.

The GUI is written in Chinese (the users' language); ``resources/i18n/en.json`` maps each Chinese
text to its English translation, so a translator edits one flat JSON file and needs no Qt tools.
A missing entry falls back to the Chinese text and is logged once. Widgets connect
``translator.changed`` to their ``retranslate()``, so switching language updates what is visible.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from station.resources import resources_dir

log = logging.getLogger(__name__)

SOURCE_LANGUAGE = "zh_CN"
LANGUAGES = {"zh_CN": "中文", "en": "English"}


def catalog_dir() -> Path:
    """``resources/i18n``: one ``<language>.json`` per language besides Chinese."""
    return resources_dir() / "i18n"


def load_catalog(language: str, folder: Path | None = None) -> dict[str, str]:
    if language == SOURCE_LANGUAGE:
        return {}
    path = (folder or catalog_dir()) / f"{language}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("translation catalog %s unusable (%s); showing Chinese", path, exc)
        return {}
    return {str(k): str(v) for k, v in data.items() if not str(k).startswith("_")}


class Translator(QObject):
    """The current language; ``changed`` fires after a switch."""

    changed = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.language = SOURCE_LANGUAGE
        self._catalog: dict[str, str] = {}
        self._missing: set[str] = set()
        self._extra: dict[str, dict[str, str]] = {}

    def add_catalog(self, language: str, entries: dict[str, str]) -> None:
        """Translations that live with other modules (e.g. the camera's hints)."""
        self._extra.setdefault(language, {}).update(entries)
        if language == self.language:
            self._catalog.update(entries)

    def set_language(self, language: str) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"language must be one of {sorted(LANGUAGES)}, got {language!r}")
        self._catalog = {**self._extra.get(language, {}), **load_catalog(language)}
        self.language = language
        self.changed.emit(language)

    def text(self, text: str, **values: object) -> str:
        if self.language != SOURCE_LANGUAGE:
            translated = self._catalog.get(text)
            if translated is None:
                if text not in self._missing:
                    self._missing.add(text)
                    log.debug("no %s translation for %r", self.language, text)
                translated = text
            text = translated
        return text.format(**values) if values else text


translator = Translator()


def tr(text: str, **values: object) -> str:
    """The text in the current language, with ``{name}`` placeholders filled."""
    return translator.text(text, **values)
