"""The core service of the station (issue 8), Qt-free: import everything from here.

- :class:`Station` — commands ``register(form)``, ``mark_not_effective(reg, device)``,
  ``requeue(reg, device)``; the listener's result intake ``record_face_result(result, raw)`` and
  ``record_door_open(event, raw)`` (synchronous, thread-safe, one transaction each, D11/D12/D16);
  queries ``status()``, ``registrations()``, ``registration(id)``, ``door_events()``.
- Forms: :class:`RegistrationForm`, :class:`PersonForm`, :class:`Consent`; bad input raises
  :class:`FormError` (``.field`` names it). Bad commands raise :class:`ActionError`.
- Read models: :class:`StatusView` (``to_json()`` is ``station status --json``),
  :class:`RegistrationView`, :class:`DeviceView`, :class:`DoorEventView`, :class:`Registered`.
- Events on ``station.bus`` (``station.domain.events``): RegistrationStored, DeviceStateChanged,
  DoorOpened, PlatformPaused, PlatformResumed.

Build one with ``station.app.build_core(settings, data_dir)``.
"""

from station.core.forms import Consent, FormError, PersonForm, RegistrationForm
from station.core.station import ActionError, Station
from station.store.views import (
    DeviceView,
    DoorEventView,
    Registered,
    RegistrationView,
    StatusView,
)

__all__ = [
    "ActionError",
    "Consent",
    "DeviceView",
    "DoorEventView",
    "FormError",
    "PersonForm",
    "Registered",
    "RegistrationForm",
    "RegistrationView",
    "Station",
    "StatusView",
]
