"""The audit record: one JSON document per run, with locations, key ids and counts, never values."""

from __future__ import annotations

import getpass
import json
import logging
import os
import posixpath
import secrets
from datetime import UTC, datetime

from .rubric import BUCKETS, Rubric

__all__ = ["AUDIT_DIR", "actor", "columns_by_bucket", "log_record", "new_run_id", "utc_now"]

AUDIT_DIR = "_audit"
log = logging.getLogger("piimask.audit")


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(4)


def actor() -> str:
    for var in ("PIIMASK_ACTOR", "JOB_RUN_ID", "USER"):
        if os.environ.get(var):
            return os.environ[var]
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return "unknown"


def columns_by_bucket(rubric: Rubric, present: set[str]) -> dict[str, list[dict]]:
    return {
        b: [{"column": c.name, "treatment": c.treatment} for c in rubric.in_bucket(b) if c.name in present]
        for b in BUCKETS
    }


def audit_path(output: str, run_id: str) -> str:
    return posixpath.join(output, AUDIT_DIR, f"{run_id}.json")


def log_record(record: dict) -> None:
    log.info("audit %s", json.dumps(record, sort_keys=True, separators=(",", ":")))
