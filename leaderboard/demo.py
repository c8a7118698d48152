"""Demo data for the results ledger and rankings (idempotent)."""


def load(stdout=None) -> None:
    """Nothing to load yet."""
