"""Limits on what one input file may cost: the lowest layer, imported by configuration,
discovery, extraction and the spec loaders alike (standard library only)."""

from __future__ import annotations

#: The largest source file (and event spec) analysed, in bytes. A syntax tree takes about
#: 200 bytes of memory per byte of source and parsing 2-3 s per megabyte, so one generated
#: file of 20 MB would need 4 GB. Larger source files are skipped with a warning; a larger
#: event spec is an error. The ``max-file-size`` setting changes it.
DEFAULT_MAX_FILE_SIZE = 1 << 20


def too_large(size: int, limit: int) -> str:
    """Why a file of ``size`` bytes is not read (``limit``: the ``max-file-size`` setting)."""
    return f"{size:,} bytes, more than max-file-size ({limit:,} bytes)"
