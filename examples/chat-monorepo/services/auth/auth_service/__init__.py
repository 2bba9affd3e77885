"""Auth service."""
