"""Free-text redaction measured: `python -m benchmarks.redaction [--rows N] [--json PATH]`.

The same as `pii-mask redaction-report`: recall and precision per entity type on the generator's
development and held-out note templates, throughput in notes/second, and the throughput ratio
against Presidio's pattern recognizers (when presidio-analyzer is installed).
"""

from __future__ import annotations

import sys

from piimask.cli import main

if __name__ == "__main__":
    sys.exit(main(["redaction-report", *sys.argv[1:]]))
