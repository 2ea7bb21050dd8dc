"""The callback listener: aiohttp endpoints for faceOperationResult and openDoorReceive (D7–D13).

``Listener(settings.listener, station).start()`` on the running loop; see ``server`` for the
lifecycle, ``app`` for the request steps, ``security`` (D13), ``tls`` and ``limits``.
"""

from station.listener.app import HEALTH_PATH, CallbackSink, create_app
from station.listener.server import Listener

__all__ = ["HEALTH_PATH", "CallbackSink", "Listener", "create_app"]
