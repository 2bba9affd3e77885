"""Chat backend service."""
