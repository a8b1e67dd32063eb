"""On Glue: the audit line is bare JSON (for the stack's metric filters), a job argument turns
tracebacks on, and an internal error names its class and AWS error code, never its message."""

from __future__ import annotations

import io
import json
import logging

from piimask.aws.glue_entry import AuditAsJson, parse_glue_args
from piimask.errors import describe, guarded
from piimask.storage.audit import log_record

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def test_the_audit_record_is_a_bare_json_line_and_other_lines_keep_their_prefix():
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(AuditAsJson(FORMAT))
    root = logging.getLogger()
    root.addHandler(handler)
    old = root.level
    root.setLevel(logging.INFO)
    try:
        log_record({"outcome": "failed", "counts": {"rows_quarantined": 3}})
        logging.getLogger("piimask.glue").info("ignoring platform arguments: --x")
    finally:
        root.removeHandler(handler)
        root.setLevel(old)
    audit, other = out.getvalue().splitlines()
    assert json.loads(audit) == {"outcome": "failed", "counts": {"rows_quarantined": 3}}
    assert other.endswith("INFO piimask.glue: ignoring platform arguments: --x")


def test_the_debug_job_argument_is_parsed_not_ignored():
    argv = ["job.py", "--rubric", "r", "--input", "i", "--output", "o", "--quarantine", "q"]
    argv += ["--vault", "v", "--keyring", "file:k", "--piimask-debug", "true"]
    args, _, ignored = parse_glue_args(argv)
    assert args.piimask_debug == "true" and ignored == []


def test_an_aws_error_is_named_by_class_and_code_without_its_message(capsys, monkeypatch):
    from botocore.exceptions import ClientError

    monkeypatch.delenv("PIIMASK_DEBUG", raising=False)
    error = ClientError(
        {"Error": {"Code": "AccessDenied", "Message": "no access to s3://b/secret-value"},
         "ResponseMetadata": {"HTTPStatusCode": 403}},
        "GetObject",
    )  # fmt: skip
    assert describe(error) == "ClientError, AWS error AccessDenied, HTTP 403"

    def fail():
        raise error

    assert guarded(fail) == 2
    err = capsys.readouterr().err
    assert "AccessDenied" in err and "--piimask-debug" in err and "secret-value" not in err
