"""``ssotlint report``: the refactor plan built from a run (``model``) and its renderings."""
