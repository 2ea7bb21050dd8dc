"""Records in and out of the station: the device catalog file, the audit export (issue 7)."""
