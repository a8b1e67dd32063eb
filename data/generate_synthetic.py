"""Synthetic tool telemetry: the same flags as ``pii-mask generate`` (see piimask/tools/generate).

Regenerate the committed sample (byte-identical for the same Faker version):

    python data/generate_synthetic.py --rows 300 --seed 7 --format csv --single-file \
        --output data/sample_tool_telemetry.csv --labels data/sample_tool_telemetry.labels.jsonl

At scale (Spark writes the part files; labels as JSON lines):

    python data/generate_synthetic.py --rows 10000000 --format parquet --output /tmp/gen10m \
        --labels /tmp/gen10m-labels --malformed-rate 0.001 --null-rate 0.01
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from piimask.tools import generate  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="generate_synthetic.py", description=__doc__)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    generate.add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return generate.main(args)
    except Exception as exc:
        code = getattr(exc, "exit_code", None)
        if code is None:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return code


if __name__ == "__main__":
    sys.exit(main())
