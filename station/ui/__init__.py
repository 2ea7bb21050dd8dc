"""The kiosk GUI (PySide6 + qasync). Nothing outside this package imports Qt widgets.

Lifecycle and plumbing:

- :mod:`.app`: ``GuiApp``, the composition root (config → core → listener → worker → camera →
  window); ``start()``/``show()``/``stop()``, ``apply_settings()``.
- :mod:`.main`: the main coroutine of ``station gui``; :mod:`.shell`: QApplication, CJK font,
  qasync loop, exception hook and dialogs, SIGINT/SIGTERM, clean shutdown.
- :mod:`.bridge`: domain events → typed Qt signals (queued into the GUI thread).
- :mod:`.core` implements :mod:`.ports` (what the pages need from ``station.service``, every call
  off the loop); :mod:`.form`: the form's inline checks.
- :mod:`.camera_worker` (QThread worker) over :mod:`.camera_adapter` (``station.camera``).
- :mod:`.i18n`: Chinese source texts, ``resources/i18n/<lang>.json`` catalogs; :mod:`.theme`:
  font, colours per state, style sheet; :mod:`.timefmt`: the station's time zone on screen.
- :mod:`.priority`: background threads yield the CPU to the GUI thread; :mod:`.tasks`: kept,
  never-silent fire-and-forget coroutines; :mod:`.probes`: settings page connection tests;
  :mod:`.screenshots`: every page in Chinese and English.

Pages (:mod:`.pages`): 登记 ``register`` (+ ``register_form``, ``preview``), 进度 ``progress``,
门禁看板 ``board``, 记录 ``history``, 设置 ``settings`` (+ ``settings_form``), over the item models
in :mod:`.models`.
"""
