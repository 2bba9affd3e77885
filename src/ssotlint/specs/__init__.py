"""Event specs: ssotlint's YAML, JSON Schema and AsyncAPI, loaded into one model."""
