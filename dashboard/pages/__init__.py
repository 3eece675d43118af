"""One module per page: each has PATH, layout(...) and, where it needs them, register_callbacks(...)."""
