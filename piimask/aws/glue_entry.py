"""Argument handling for the Glue / spark-submit entry script (glue/pii_masking_job.py)."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from piimask.errors import DEBUG_ENV, guarded, report_error
from piimask.job import run
from piimask.job.cli import summary
from piimask.job.options import add_arguments, options_from_args

__all__ = ["AuditAsJson", "main", "parse_glue_args"]

log = logging.getLogger("piimask.glue")
AUDIT_LOGGER = "piimask.audit"  # piimask.storage.audit.log_record logs "audit %s" there


def _glue_resolved(argv: list[str]) -> dict:
    """Glue's own arguments via awsglue.utils.getResolvedOptions when the library is importable."""
    try:
        from awsglue.utils import getResolvedOptions
    except ImportError:
        return {}
    try:
        wanted = ["JOB_NAME"] if "--JOB_NAME" in argv else []  # Glue sets it; spark-submit may not
        return getResolvedOptions(argv, wanted)
    except (RuntimeError, SystemExit):
        return {}


def parse_glue_args(argv: list[str]) -> tuple[argparse.Namespace, dict, list[str]]:
    """(our arguments, Glue's resolved arguments, names of other arguments that were ignored)."""
    glue = _glue_resolved(argv)
    parser = argparse.ArgumentParser(prog="pii_masking_job.py", add_help=False, allow_abbrev=False)
    add_arguments(parser)
    for name in ("--JOB_NAME", "--JOB_ID", "--JOB_RUN_ID", "--TempDir", "--job-bookmark-option"):
        parser.add_argument(name, dest=name.lstrip("-").replace("-", "_").lower(), default=None)
    # Glue cannot set an environment variable: this job argument turns tracebacks on instead
    parser.add_argument("--piimask-debug", dest="piimask_debug", default="false")
    args, rest = parser.parse_known_args(argv[1:])
    ignored = [a.split("=", 1)[0] for a in rest if a.startswith("--")]
    return args, glue, ignored


class AuditAsJson(logging.Formatter):
    """The audit record as a bare JSON line, every other record as usual: CloudWatch Logs metric
    filters (the template's failed-run and quarantine metrics) read only events that are JSON."""

    def format(self, record: logging.LogRecord) -> str:
        if record.name == AUDIT_LOGGER and record.msg == "audit %s" and record.args:
            return str(record.args[0])
        return super().format(record)


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(AuditAsJson("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    try:
        args, glue, ignored = parse_glue_args(argv)
    except SystemExit:
        report_error(
            "pii_masking_job.py needs --rubric, --input, --output, --quarantine, --vault "
            "and --keyring (the flags of `pii-mask run`)."
        )
        return 2
    if ignored:
        log.info("ignoring platform arguments: %s", ", ".join(sorted(set(ignored))))
    if str(args.piimask_debug).lower() == "true":
        os.environ[DEBUG_ENV] = "1"

    def _run() -> int:
        from piimask.session import get_spark

        options = options_from_args(
            args,
            job_name=glue.get("JOB_NAME") or args.job_name,
            job_run_id=glue.get("JOB_RUN_ID") or args.job_run_id,
        )
        print(summary(run(get_spark("pii-mask-glue"), options)))
        return 0

    return guarded(_run)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv))
