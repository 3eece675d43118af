"""Data layer: build, load and query the snapshot. No Dash imports here."""
