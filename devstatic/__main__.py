"""``python -m devstatic ...``: the same as the ``devstatic`` command."""

from __future__ import annotations

import sys

from devstatic.cli.main import console_main

if __name__ == "__main__":
    sys.exit(console_main())
