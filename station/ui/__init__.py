"""The kiosk GUI (PySide6 + qasync). Nothing outside this package imports Qt widgets.

- :mod:`.app`: the composition root (config → core → listener → worker → camera → window).
- :mod:`.shell`: the qasync loop, fonts, the exception hook, clean shutdown.
- :mod:`.bridge`: domain events → typed Qt signals.
- :mod:`.i18n`: Chinese source texts, editable JSON catalogs for other languages.
- :mod:`.pages`: 登记, 进度, 门禁看板, 记录, 设置.
"""
