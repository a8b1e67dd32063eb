"""`pii-mask`: one console command; each sub-command lives in its own module.

A sub-command module exposes ``add_arguments(parser)`` and ``main(args) -> int``. Every
``PiiMaskError`` becomes one readable paragraph on stderr and its kind's exit code (see errors.py).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from piimask.errors import guarded, report_error

__all__ = ["main"]

# name -> (module, help)
COMMANDS = {
    "run": ("piimask.job.cli", "mask an input according to the rubric"),
    "verify": (
        "piimask.verify.cli",
        "check a masked output against the rubric (exit 0 pass, 1 violated, 2 cannot run)",
    ),
    "keys": ("piimask.keys.cli", "create, extend, rotate or shred a keyring"),
    "docs": ("piimask.rubric.markdown", "write rubric.md's column table from rubric.yaml"),
    "recipe": ("piimask.aws.recipe", "print the DataBrew recipe generated from rubric.yaml"),
    "generate": ("piimask.tools.generate", "generate synthetic tool telemetry"),
    "redaction-report": ("piimask.tools.redaction_report", "measure free-text redaction on labelled notes"),
    "report": (
        "piimask.tools.risk_report",
        "write the re-identification risk report of an output (one HTML page)",
    ),
    "deploy": ("piimask.aws.deploy", "deploy the Glue job and DataBrew recipe with boto3"),
    "erase": (
        "piimask.lifecycle.erase",
        "erase one person's rows from an output and the vault (GDPR Art. 17)",
    ),
    "detokenize": (
        "piimask.lifecycle.detokenize",
        "raw values for tokens through the vault (audited; needs --reason)",
    ),
    "retention": (
        "piimask.lifecycle.retention",
        "list (or --apply: remove) keys and output rows past retention",
    ),
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors: exit 2 with one paragraph
        self.print_usage(sys.stderr)
        report_error(f"{self.prog}: {message}")
        sys.exit(2)


def build_parser(available: dict[str, object]) -> argparse.ArgumentParser:
    parser = _Parser(prog="pii-mask", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name, module in available.items():
        p = sub.add_parser(name, help=COMMANDS[name][1], description=COMMANDS[name][1])
        module.add_arguments(p)
        p.set_defaults(_module=module)
    return parser


def _available() -> dict[str, object]:
    found = {}
    for name, (module_name, _) in COMMANDS.items():
        try:
            found[name] = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:  # a real missing dependency, not a missing command
                raise
    return found


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    parser = build_parser(_available())
    args = parser.parse_args(argv)
    return guarded(lambda: args._module.main(args))


if __name__ == "__main__":
    sys.exit(main())
