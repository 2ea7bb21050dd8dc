"""Wire formats of the 动环 platform interface, as pure functions (no I/O).

- :mod:`.envelope`: the ``{"code","desc","data"}`` answer and what each code means (D4, D5, D9).
- :mod:`.addface`: the v3.0 addFace push (D1, D2) and its server-side parsing.
- :mod:`.v1`: the v1.0 form-data push with operator and escort faces (D6).
- :mod:`.callbacks`: faceOperationResult and openDoorReceive bodies (D8, D10).
- :mod:`.multipart`: building and parsing ``multipart/form-data`` bodies.
- :mod:`.signing`: the optional HMAC signature of callbacks (D13).
"""

from station.protocol.errors import InvalidRequest

__all__ = ["InvalidRequest"]
