"""ssotlint: find single-source-of-truth violations in Python code bases."""

__version__ = "0.1.0"
