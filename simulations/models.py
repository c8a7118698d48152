"""Models for timed mock reception scenarios."""
