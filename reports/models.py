"""Models for competency reports for managers."""
