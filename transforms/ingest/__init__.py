"""Reading sources into Documents: format detection, per-format readers and the Beam transform."""
