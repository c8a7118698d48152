"""Demo data for live skills drills over WebSockets (idempotent)."""


def load(stdout=None) -> None:
    """Nothing to load yet."""
