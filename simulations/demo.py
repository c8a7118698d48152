"""Demo data for timed mock reception scenarios (idempotent)."""


def load(stdout=None) -> None:
    """Nothing to load yet."""
