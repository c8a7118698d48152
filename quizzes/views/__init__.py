"""Views for the question bank, practice, exams, lesson checks and the 错题本: parse, call, render."""
