"""``python -m benchmarks``: run the suite and print the markdown table."""

from __future__ import annotations

import sys

from ._run import main

if __name__ == "__main__":
    sys.exit(main())
