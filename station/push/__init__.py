"""The outbox and push worker (issue 8 item 3): lease due work, send it, apply D4/D5/D14/D15.

- :mod:`.outbox` — database side: ``sweep`` (expired leases, silence deadlines, dates over),
  ``claim`` (lease the due devices of one person, or of one work order in v1) and ``complete``.
- :mod:`.claims` — the data of a push: lease owner, claim (people, devices), result.
- :mod:`.client` — HTTP side: build the payload with ``station.protocol`` and send it with
  ``requests`` (timeouts, TLS verified against ``platform.ca_file``).
- :mod:`.worker` — the thread that loops sweep → claim → send → complete.
"""
