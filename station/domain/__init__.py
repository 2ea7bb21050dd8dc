"""Domain rules of the station, pure and Qt-free: states, re-push rules, matching, clock, events."""
