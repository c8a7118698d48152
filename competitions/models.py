"""Models for live skills drills over WebSockets."""
