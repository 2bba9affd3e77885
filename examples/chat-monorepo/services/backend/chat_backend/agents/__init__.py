"""Agents and the bridge that reports their progress."""
