"""Per-file extraction: one parse, one traversal, plain cacheable records."""
