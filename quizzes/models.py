"""Models for question bank, practice, exams and the 错题本."""
