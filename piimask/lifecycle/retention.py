"""`pii-mask retention`: list, then with ``--apply`` remove, what the rubric's retention expires.

``retention.direct_key_windows: N`` keeps the direct-identifier keys of the current window (UTC
today) and the N - 1 before it, plus any future window; older window keys are shredded, which
makes their digests unlinkable for good. ``retention.output_days: D`` expires output rows whose
event time is more than D days before now: a row's age is the rubric's event-time column *as
it appears in the output* (the job truncates it to the hour, UTC), so no raw data is needed. The
masked output is not partitioned, so whole files whose rows are all expired are deleted, files
with some expired rows are rewritten without them (atomically, see rewrite.py), others are left
byte for byte. A dry run (the default) only lists; ``--apply`` acts and writes a retention
record under ``OUTPUT/_audit/`` (and always one audit log line), which verify.py counts.
"""

from __future__ import annotations

import json
import posixpath
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pyspark.sql import Column, SparkSession
from pyspark.sql import functions as F

from piimask.errors import PiiMaskError, Refused, UsageError
from piimask.expr.values import epoch_seconds
from piimask.expr.windows import shift_window, window_id, window_start
from piimask.frames.read import output_format, read_output
from piimask.keys import keyring as keyring_mod
from piimask.keys.keyring import Keyring, key_id
from piimask.keys.secrets_manager import still_held
from piimask.lifecycle.rewrite import stage_without
from piimask.lifecycle.tables import expired_rows, expiry_plan, remove_rows
from piimask.rubric import Rubric, load_rubric
from piimask.storage.audit import (
    AUDIT_DIR,
    actor,
    audit_records,
    latest_run_record,
    log_record,
    new_run_id,
    utc_now,
)
from piimask.storage.fs import Storage
from piimask.storage.iceberg import TABLE_FORMAT, Table, is_table_name
from piimask.storage.paths import normalize
from piimask.storage.transaction import StagedTransaction, inside

__all__ = ["add_arguments", "expired_windows", "main", "retention", "summary"]

AGE_TREATMENTS = ("hour", "keep")  # event-time treatments that keep the true age readable


def expired_windows(keyring: Keyring, rubric: Rubric, now: datetime) -> list[str]:
    """Window ids older than the newest ``direct_key_windows`` windows up to ``now``'s."""
    n = rubric.retention.direct_key_windows
    if n is None:
        return []
    oldest_kept = window_start(
        shift_window(window_id(now, rubric.rotation), rubric.rotation, -(n - 1)), rubric.rotation
    )
    return [w for w in keyring.windows if window_start(w, rubric.rotation) < oldest_kept]


def _check_age(rubric: Rubric) -> None:
    event = rubric.event_time_column
    spec = rubric.column(event)
    if spec.treatment not in AGE_TREATMENTS:
        raise Refused(
            f"the event-time column {event} is treated '{spec.treatment}', so the output does not "
            "show a row's true age; output retention needs it kept or truncated to the hour. "
            "Nothing was changed."
        )


def _expired_rows(spark: SparkSession, rubric: Rubric, output: str, fmt: str, cutoff: datetime) -> Column:
    event = rubric.event_time_column
    _check_age(rubric)
    schema = read_output(spark, [output], fmt).schema
    if event not in schema.names:
        raise Refused(f"--output {output} has no {event} column; output retention needs it.")
    seconds = epoch_seconds(F.col(f"`{event}`"), schema[event].dataType)
    return seconds < F.lit(int(cutoff.timestamp()))


def _file_plan(spark, output: str, fmt: str, expired: Column) -> dict:
    per_file = (
        read_output(spark, [output], fmt)
        .withColumn("_file", F.input_file_name())
        .groupBy("_file")
        .agg(
            F.count(F.lit(1)).alias("rows"),
            F.sum(F.when(F.coalesce(expired, F.lit(False)), 1).otherwise(0)).alias("old"),
        )
        .collect()
    )
    old = [(int(r["rows"]), int(r["old"] or 0)) for r in per_file]
    return {
        "rows_expired": sum(o for _, o in old),
        "files_to_delete": sum(1 for n, o in old if o and o == n),
        "files_to_rewrite": sum(1 for n, o in old if o and o < n),
    }


def retention(
    spark: SparkSession | None,
    rubric_path: str,
    keyring_ref: str,
    output: str | None = None,
    apply: bool = False,
    now: datetime | None = None,
) -> dict:
    """Plan (and with ``apply`` carry out) retention; return the record (counts, ids, no values)."""
    now = now or datetime.now(UTC)
    rubric = load_rubric(rubric_path)
    limits = rubric.retention
    if limits.direct_key_windows is None and limits.output_days is None:
        raise Refused(
            f"rubric {rubric_path} sets no retention; add e.g. `retention: {{direct_key_windows: 8, "
            "output_days: 730}` to it."
        )
    if output and limits.output_days is None:
        raise Refused(f"--output given but rubric {rubric_path} sets no retention.output_days.")
    keyring = keyring_mod.load(keyring_ref)
    keyring.check_rotation(rubric.rotation)
    windows = expired_windows(keyring, rubric, now)
    rid = new_run_id()
    record: dict = {
        "kind": "retention",
        "id": rid,
        "started_at": utc_now(),
        "actor": actor(),
        "apply": apply,
        "now": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "rubric": {"path": rubric_path, "version": rubric.version, "sha256": rubric.sha256},
        "limits": {"direct_key_windows": limits.direct_key_windows, "output_days": limits.output_days},
        "keyring": {
            "ref": keyring_ref,
            "expired_windows": windows,
            "expired_key_ids": {f"direct:{w}": key_id(keyring.direct[w]) for w in windows},
            "shredded": False,
        },
    }
    if output and spark is None:
        raise UsageError("output retention needs Spark.")
    store = Storage(spark) if output else None
    plan = _output_plan(spark, store, rubric, output, now) if output else None
    if plan is not None:
        record["applies_to_run"] = plan.run_id
        record["output"] = plan.described()
    if not apply:
        if plan is not None and plan.fmt == TABLE_FORMAT:
            record["plan"] = expiry_plan(spark, plan.path, rubric.event_time_column, plan.expired)
        elif plan is not None:
            record["plan"] = _file_plan(spark, plan.path, plan.fmt, plan.expired)
        record["outcome"] = "dry-run"
        log_record(record)
        return record
    # the record itself: a failure logs what was done so far (keys shredded, counts)
    with StagedTransaction(store or _NoStore(), record, explain=lambda exc, _: _explain(exc, record)) as tx:
        _apply(spark, tx, record, plan, rubric, keyring, keyring_ref, windows, rid)
    log_record(record)
    return record


@dataclass(frozen=True)
class _OutputPlan:
    path: str
    fmt: str
    run_id: str | None
    cutoff: datetime
    expired: Column
    age_from: str
    records_at: str  # where the output's audit records are (a table's: beside it)

    def described(self) -> dict:
        return {
            "path": self.path,
            "format": self.fmt,
            "cutoff": self.cutoff.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "age_from": self.age_from,
        }


class _NoStore:
    """No output to touch: the transaction only shreds keys."""

    def delete(self, path: str) -> None:  # pragma: no cover - never staged
        pass


def _output_plan(spark, store: Storage, rubric: Rubric, output: str, now: datetime) -> _OutputPlan:
    cutoff = now - timedelta(days=rubric.retention.output_days)
    age_from = f"{rubric.event_time_column} in the output (UTC)"
    if is_table_name(output):
        table = Table(spark, output)
        table.check_catalog()
        if not table.exists():
            raise UsageError(f"--output table {output} does not exist; check the name.")
        _check_age(rubric)
        records_at = table.audit_root()
        run = latest_run_record(audit_records(store, records_at))
        expired = expired_rows(spark, output, rubric.event_time_column, cutoff)
        return _OutputPlan(
            output, TABLE_FORMAT, (run or {}).get("run_id"), cutoff, expired, age_from, records_at
        )
    output = normalize(output)
    if not store.exists(output):
        raise UsageError(f"--output {output} does not exist; check the path.")
    run = latest_run_record(audit_records(store, output))
    fmt = output_format(store, output, run)
    expired = _expired_rows(spark, rubric, output, fmt, cutoff)
    return _OutputPlan(output, fmt, (run or {}).get("run_id"), cutoff, expired, age_from, output)


def _explain(exc: BaseException, record: dict) -> PiiMaskError:
    done = "the expired window keys were shredded but " if record["keyring"]["shredded"] else ""
    return UsageError(
        f"retention failed ({type(exc).__name__}); {done}the output is as it was. Re-run to finish."
    )


def _apply(
    spark, tx: StagedTransaction, record: dict, plan, rubric, keyring, keyring_ref, windows, rid
) -> None:
    """Stage the output without expired rows, shred the expired keys, then publish. A table's
    expired rows go in one row-level delete commit, then its old snapshots and orphan files."""
    rewrite = stage = removal = None
    if plan is not None and plan.fmt == TABLE_FORMAT:
        removal = remove_rows(spark, plan.path, plan.expired, getattr(rubric, "privacy", None))
        tx.published.append(plan.path)
        record["counts"] = removal.counts()
        record["table"] = removal.table_facts()
    elif plan is not None:
        stage = tx.stage(inside(plan.path, "retention", rid))
        tokens = [c.name for c in rubric.with_treatment("token")]
        rewrite = stage_without(
            spark,
            tx.store,
            plan.path,
            plan.fmt,
            plan.expired,
            tokens,
            stage,
            getattr(rubric, "privacy", None),
        )
        record["counts"] = rewrite.counts()
    if windows:
        kept = keyring
        for w in windows:
            kept = kept.without_window(w)
        keyring_mod.save(kept, keyring_ref)
        message = still_held(keyring_ref, windows)
        if message:
            print(message, file=sys.stderr)
        record["keyring"]["shredded"] = True
    record["ended_at"] = utc_now()
    record["outcome"] = "succeeded"
    if plan is not None:
        text = json.dumps(record, indent=2, sort_keys=True) + "\n"
        name = f"retention-{rid}.json"
        record["record_path"] = posixpath.join(plan.records_at, AUDIT_DIR, name)
        if rewrite is not None and rewrite.rows_removed:
            tx.store.write_text(posixpath.join(stage, AUDIT_DIR, name), text)
            tx.replace(stage, plan.path, keep=(AUDIT_DIR,))
        else:
            tx.store.write_text(record["record_path"], text)


def summary(record: dict) -> str:
    mode = "applied" if record["apply"] else "dry run"
    limits = record["limits"]
    lines = [f"retention {record['id']} ({mode}, now {record['now']})"]
    windows = record["keyring"]["expired_windows"]
    if limits["direct_key_windows"] is None:
        lines.append("  window keys  : no retention.direct_key_windows in the rubric; none expire")
    else:
        verb = "shredded" if record["keyring"]["shredded"] else "past retention"
        lines.append(
            f"  window keys  : keep {limits['direct_key_windows']} window(s); {verb}: "
            f"{', '.join(windows) or 'none'}"
        )
    if "output" in record:
        o = record["output"]
        if "plan" in record and "days_expired" in record["plan"]:
            p = record["plan"]
            lines.append(
                f"  table rows   : {p['rows_expired']} older than {limits['output_days']} days "
                f"(event time before {o['cutoff']}), in {p['days_expired']} day partition(s)"
            )
        elif "table" in record:
            c, t = record["counts"], record["table"]
            lines.append(
                f"  table rows   : {c['table_rows_removed']} removed (before {o['cutoff']}, "
                f"{c['rows_suppressed_for_k']} of them to keep k); snapshot {t['snapshot_after']}; "
                f"snapshots expired: {', '.join(map(str, t['snapshots_expired'])) or 'none'}"
            )
            lines.append(f"  record       : {record['record_path']}")
        elif "plan" in record:
            p = record["plan"]
            lines.append(
                f"  output rows  : {p['rows_expired']} older than {limits['output_days']} days "
                f"(event time before {o['cutoff']}): {p['files_to_delete']} file(s) to delete, "
                f"{p['files_to_rewrite']} to rewrite"
            )
        else:
            c = record["counts"]
            lines.append(
                f"  output rows  : {c['rows_removed']} removed (before {o['cutoff']}): "
                f"{c['files_deleted']} file(s) deleted, {c['files_rewritten']} rewritten, "
                f"{c['files_unchanged']} unchanged"
            )
            lines.append(f"  record       : {record['record_path']}")
    if not record["apply"]:
        lines.append("  nothing was changed; re-run with --apply to shred and delete")
    return "\n".join(lines)


def add_arguments(p) -> None:
    p.add_argument("--rubric", default="rubric.yaml", help="rubric.yaml with a retention: block")
    p.add_argument("--keyring", required=True, help="file:PATH or secretsmanager:SECRET_ID")
    p.add_argument(
        "--output",
        help="masked output folder or table (catalog.db.table) whose old rows expire (retention.output_days)",
    )
    p.add_argument(
        "--apply", action="store_true", help="shred and delete (default: a dry run that only lists)"
    )


def main(args) -> int:
    load_rubric(args.rubric)  # fail on a bad rubric before starting Spark
    spark = None
    if args.output:
        from piimask.session import get_spark

        spark = get_spark("pii-mask-retention")
    record = retention(spark, args.rubric, args.keyring, args.output, args.apply)
    print(summary(record))
    return 0
