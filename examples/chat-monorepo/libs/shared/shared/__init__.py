"""Code shared by every service."""
