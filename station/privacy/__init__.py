"""Personal data: photo encryption at rest, masking, retention (PIPL Art. 19, 28–30, 51; issue 7).

- ``vault``: face photos AES-256-GCM encrypted, the key in its own 0600 file.
- ``mask``: phones, names, accounts as screens and exports show them (138****1111).
- ``redact``: the rules of the redacting log filter (``station.logs``).
- ``retention``: the policy as pure functions of the stored facts and a time.
- ``purge`` / ``scrub``: the policy applied to the store and the photo folder.
- ``scheduler``: automatic retention at start and every ``storage.purge_interval_s``.
- ``callback_body``: stored callback bodies read and stripped of personal fields.
"""
