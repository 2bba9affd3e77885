"""Allow ``python -m ssotlint``."""

from ssotlint.cli import entry

if __name__ == "__main__":
    entry()
