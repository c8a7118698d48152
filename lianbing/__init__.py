"""Project-wide helpers that belong to no app (the lowest layer: imports nothing of the project)."""
