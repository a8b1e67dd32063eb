"""`pii-mask`: one console command; each sub-command lives in its own module.

A sub-command module exposes ``add_arguments(parser)`` and ``main(args) -> int``. Errors that
carry an ``exit_code`` become one readable paragraph on stderr, never a traceback or a value.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import textwrap

__all__ = ["guarded", "main", "report_error"]

# name -> (module, help)
COMMANDS = {
    "run": ("piimask.job", "mask an input according to the rubric"),
    "keys": ("piimask.keys_cli", "create, extend, rotate or shred a keyring"),
    "docs": ("piimask.rubric_md", "write rubric.md's column table from rubric.yaml"),
    "recipe": ("piimask.recipe", "print the DataBrew recipe generated from rubric.yaml"),
    "generate": ("piimask.generate", "generate synthetic tool telemetry"),
    "redaction-report": ("piimask.redaction_report", "measure free-text redaction on labelled notes"),
    "report": ("piimask.report", "write the re-identification risk report of an output (one HTML page)"),
    "deploy": ("piimask.deploy", "deploy the Glue job and DataBrew recipe with boto3"),
    "erase": ("piimask.erase", "erase one person's rows from an output and the vault (GDPR Art. 17)"),
    "detokenize": ("piimask.detokenize", "raw values for tokens through the vault (audited; needs --reason)"),
    "retention": ("piimask.retention", "list (or --apply: remove) keys and output rows past retention"),
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors: exit 2 with one paragraph
        self.print_usage(sys.stderr)
        report_error(f"{self.prog}: {message}")
        sys.exit(2)


def report_error(message: str) -> None:
    text = " ".join(str(message).split())
    print(textwrap.fill("error: " + text, width=100), file=sys.stderr)


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


def guarded(fn) -> int:
    """Call ``fn()``; turn any error into one paragraph on stderr and an exit code."""
    try:
        return int(fn() or 0)
    except KeyboardInterrupt:
        report_error("interrupted; nothing was published.")
        return 2
    except Exception as exc:  # every error we raise carries exit_code; others are internal
        code = getattr(exc, "exit_code", None)
        if code is None:
            if os.environ.get("PIIMASK_DEBUG") == "1":
                raise
            report_error(
                f"internal error ({type(exc).__name__}); nothing was published. Re-run with "
                "PIIMASK_DEBUG=1 to see the traceback (it may contain data values)."
            )
            return 2
        report_error(str(exc))
        return code


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    parser = build_parser(_available())
    args = parser.parse_args(argv)
    return guarded(lambda: args._module.main(args))


if __name__ == "__main__":
    sys.exit(main())
