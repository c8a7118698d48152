"""Demo data for question bank, practice, exams and the 错题本 (idempotent)."""


def load(stdout=None) -> None:
    """Nothing to load yet."""
