"""Allow ``python -m ssotlint``."""

from ssotlint.cli import main

if __name__ == "__main__":
    main()
