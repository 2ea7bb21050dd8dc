"""The Qt-free core service (``Station``); import it from :mod:`station.service`."""
