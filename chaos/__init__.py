"""Fault injection against the distributed deployment: kill, cut and restart, then count."""
