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
from datetime import UTC, datetime, timedelta

from pyspark.sql import Column, SparkSession
from pyspark.sql import functions as F

from . import keyring as keyring_mod
from .audit import AUDIT_DIR, actor, log_record, new_run_id, utc_now
from .errors import PiiMaskError
from .keyring import Keyring, key_id
from .parse import epoch_seconds
from .rewrite import audit_records, latest_run_record, output_format, read_output, stage_name, stage_without
from .rubric import Rubric, load_rubric
from .storage import Storage, normalize
from .windows import shift_window, window_id, window_start

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


def _expired_rows(spark: SparkSession, rubric: Rubric, output: str, fmt: str, cutoff: datetime) -> Column:
    event = rubric.event_time_column
    spec = rubric.column(event)
    if spec.treatment not in AGE_TREATMENTS:
        raise PiiMaskError(
            f"the event-time column {event} is treated '{spec.treatment}', so the output does not "
            "show a row's true age; output retention needs it kept or truncated to the hour. "
            "Nothing was changed."
        )
    schema = read_output(spark, [output], fmt).schema
    if event not in schema.names:
        raise PiiMaskError(f"--output {output} has no {event} column; output retention needs it.")
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
        raise PiiMaskError(
            f"rubric {rubric_path} sets no retention; add e.g. `retention: {{direct_key_windows: 8, "
            "output_days: 730}` to it."
        )
    if output and limits.output_days is None:
        raise PiiMaskError(f"--output given but rubric {rubric_path} sets no retention.output_days.")
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
    store = stage = rewrite = None
    if output:
        if spark is None:
            raise PiiMaskError("output retention needs Spark.", exit_code=2)
        output = normalize(output)
        store = Storage(spark)
        if not store.exists(output):
            raise PiiMaskError(f"--output {output} does not exist; check the path.", exit_code=2)
        run = latest_run_record(audit_records(store, output))
        fmt = output_format(store, output, run)
        cutoff = now - timedelta(days=limits.output_days)
        expired = _expired_rows(spark, rubric, output, fmt, cutoff)
        record["applies_to_run"] = (run or {}).get("run_id")
        record["output"] = {
            "path": output,
            "format": fmt,
            "cutoff": cutoff.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "age_from": f"{rubric.event_time_column} in the output (UTC)",
        }
        if not apply:
            record["plan"] = _file_plan(spark, output, fmt, expired)
        else:
            stage = stage_name(output, "retention", rid)
            tokens = [c.name for c in rubric.with_treatment("token")]
            rewrite = stage_without(
                spark, store, output, fmt, expired, tokens, stage, getattr(rubric, "privacy", None)
            )
            record["counts"] = rewrite.counts()
    if not apply:
        record["outcome"] = "dry-run"
        log_record(record)
        return record
    try:
        if windows:
            kept = keyring
            for w in windows:
                kept = kept.without_window(w)
            keyring_mod.save(kept, keyring_ref)
            if keyring_ref.startswith("secretsmanager:"):
                from .keys_cli import _retire_previous

                _retire_previous(keyring_ref, keyring.version_id)
            record["keyring"]["shredded"] = True
        record["ended_at"] = utc_now()
        record["outcome"] = "succeeded"
        if output:
            text = json.dumps(record, indent=2, sort_keys=True) + "\n"
            name = f"retention-{rid}.json"
            record["record_path"] = posixpath.join(output, AUDIT_DIR, name)
            if rewrite is not None and rewrite.rows_removed:
                store.write_text(posixpath.join(stage, AUDIT_DIR, name), text)
                store.publish(stage, output, keep_from_previous=(AUDIT_DIR,))
            else:
                store.write_text(record["record_path"], text)
    except BaseException as exc:
        if stage:
            store.delete(stage)
        failed = {**record, "outcome": "failed", "error": type(exc).__name__, "ended_at": utc_now()}
        log_record(failed)
        if getattr(exc, "exit_code", None) is not None or not isinstance(exc, Exception):
            raise
        done = "the expired window keys were shredded but " if record["keyring"]["shredded"] else ""
        raise PiiMaskError(
            f"retention failed ({type(exc).__name__}); {done}the output is as it was. Re-run to finish.",
            exit_code=2,
        ) from None
    if stage:
        store.delete(stage)
    log_record(record)
    return record


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
        if "plan" in record:
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
    p.add_argument("--output", help="masked output folder whose old rows expire (retention.output_days)")
    p.add_argument(
        "--apply", action="store_true", help="shred and delete (default: a dry run that only lists)"
    )


def main(args) -> int:
    load_rubric(args.rubric)  # fail on a bad rubric before starting Spark
    spark = None
    if args.output:
        from .session import get_spark

        spark = get_spark("pii-mask-retention")
    record = retention(spark, args.rubric, args.keyring, args.output, args.apply)
    print(summary(record))
    return 0
