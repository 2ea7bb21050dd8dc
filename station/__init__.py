"""机房出入登记站 — the machine-room access registration station."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("station")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+src"
