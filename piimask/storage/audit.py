"""The audit record: one JSON document per run, with locations, key ids and counts, never values."""

from __future__ import annotations

import copy
import getpass
import json
import logging
import os
import posixpath
import secrets
from collections import defaultdict
from datetime import UTC, datetime

__all__ = [
    "earlier_versions",
    "AUDIT_DIR",
    "LIFECYCLE_KINDS",
    "actor",
    "audit_path",
    "audit_records",
    "fold_lifecycle",
    "latest_audit",
    "latest_run_record",
    "log_record",
    "new_run_id",
    "utc_now",
]

AUDIT_DIR = "_audit"
log = logging.getLogger("piimask.audit")


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def earlier_versions(path: str) -> str | None:
    """What an erasure certificate must add for ``path`` on S3: the rewritten objects' earlier
    versions outlive the erasure on a versioned bucket until its lifecycle rule deletes them."""
    if not path.lower().startswith(("s3://", "s3a://")):
        return None
    return (
        "On a versioned S3 bucket the objects this erasure rewrote or deleted stay as noncurrent "
        "versions until the bucket's lifecycle rule deletes them: with deploy/template.yaml, "
        "NoncurrentVersionDays (default 7) days after this erasure, plus up to a day for S3 to act."
    )


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


def audit_path(output: str, run_id: str) -> str:
    return posixpath.join(output, AUDIT_DIR, f"{run_id}.json")


def log_record(record: dict) -> None:
    log.info("audit %s", json.dumps(record, sort_keys=True, separators=(",", ":")))


LIFECYCLE_KINDS = ("erasure", "retention")  # records of rows removed after a run


def audit_records(store, output: str) -> list[dict]:
    """Every JSON record under OUTPUT/_audit/ (unreadable ones skipped)."""
    folder = posixpath.join(output, AUDIT_DIR)
    found = []
    for name in store.list(folder):
        if name.endswith(".json") and not name.startswith("."):
            try:
                found.append(json.loads(store.read_text(posixpath.join(folder, name))))
            except ValueError:
                continue
    return found


def _is_run(record: dict) -> bool:
    return record.get("kind") in (None, "run")


def latest_run_record(records: list[dict]) -> dict | None:
    runs = [r for r in records if _is_run(r)]
    if not runs:
        return None
    return max(runs, key=lambda r: (str(r.get("ended_at", "")), str(r.get("run_id", ""))))


def fold_lifecycle(records: list[dict]) -> dict | None:
    """The newest run's audit record, its counts adjusted for later erasures and expiries.

    Rows a lifecycle record removed count as suppressed (``rows_out`` drops, ``rows_suppressed``
    rises by as much; likewise ``rows_quarantined`` for quarantined rows an erasure removed from
    this run's partition), so in = out + quarantined + suppressed still holds;
    ``rows_removed_after_run``, ``quarantine_rows_removed_after_run`` and
    ``tokens_removed_after_run`` say how much of that came from erasure or retention.
    """
    latest = latest_run_record(records)
    if latest is None:
        return None
    applied = [
        r
        for r in records
        if r.get("kind") in LIFECYCLE_KINDS
        and r.get("applies_to_run") == latest.get("run_id")
        and r.get("outcome") == "succeeded"
    ]
    if not applied:
        return latest
    folded = copy.deepcopy(latest)
    counts = folded.setdefault("counts", {})
    removed = sum(int((r.get("counts") or {}).get("rows_removed") or 0) for r in applied)
    tokens: dict[str, int] = defaultdict(int)
    for r in applied:
        for column, n in ((r.get("counts") or {}).get("tokens_removed") or {}).items():
            tokens[column] += int(n)
    # quarantined rows an erasure removed from this run's partition count as suppressed too
    by_run = [(r.get("counts") or {}).get("quarantine_rows_removed_by_run") or {} for r in applied]
    q_removed = sum(int(b.get(latest.get("run_id")) or 0) for b in by_run)
    if isinstance(counts.get("rows_out"), int):
        counts["rows_out"] -= removed
    if isinstance(counts.get("table_rows"), int):  # a table output: rows removed from any run
        counts["table_rows"] -= sum(
            int((r.get("counts") or {}).get("table_rows_removed") or 0) for r in applied
        )
    if isinstance(counts.get("rows_quarantined"), int):
        counts["rows_quarantined"] -= q_removed
    if isinstance(counts.get("quarantine_rows_added"), int):  # they were in this run's partition
        counts["quarantine_rows_added"] -= q_removed
    counts["rows_suppressed"] = int(counts.get("rows_suppressed") or 0) + removed + q_removed
    counts["rows_removed_after_run"] = removed
    counts["quarantine_rows_removed_after_run"] = q_removed
    counts["tokens_removed_after_run"] = dict(tokens)
    folded["lifecycle"] = [
        {
            "kind": r.get("kind"),
            "id": r.get("id"),
            "rows_removed": (r.get("counts") or {}).get("rows_removed"),
        }
        for r in applied
    ]
    return folded


def latest_audit(store, output: str) -> dict | None:
    """The newest run's audit record under ``OUTPUT/_audit/``, adjusted for later erasures and
    expiries (``fold_lifecycle``); None if there is none. ``store`` needs ``list`` and
    ``read_text`` (a ``Storage``, or a local stand-in)."""
    records = audit_records(store, output)
    return fold_lifecycle(records) if records else None
