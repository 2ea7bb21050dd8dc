"""Personal data: photo encryption at rest, masking, retention (PIPL Art. 19, 28–30, 51)."""
