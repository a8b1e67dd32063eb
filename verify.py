"""verify.py: check a masked output against rubric.yaml; exit 0 pass, 1 violated, 2 cannot run.

    python verify.py --rubric rubric.yaml --output DIR [--raw PATH] [--raw-format csv|parquet|json]
                     [--quarantine DIR] [--keyring file:PATH] [--json REPORT]

Thin on purpose: the same command as `pii-mask verify` (piimask/verify/cli.py), kept at the root
for CI. The report holds counts and column names only, never a raw or masked value.
"""

import sys

from piimask.verify.cli import script


def main(argv: list[str] | None = None) -> int:
    return script(argv, prog="verify.py")


if __name__ == "__main__":
    sys.exit(main())
