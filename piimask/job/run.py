"""The run: read, check, value pass, mask, k-anonymity, write, reconcile, record, publish.

``run(spark, options)`` is what `pii-mask run`, `spark-submit glue/pii_masking_job.py` and the
Glue job all call. It is a ``StagedTransaction``: the output, the quarantine partition and the
vault partition are written to hidden staging locations (or, for a table output, branches of the
tables: ``raw_zone``, ``table``) and published only when every count reconciles, so any failure
leaves the previous output, quarantine and vault exactly as they were.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, replace

from py4j.protocol import Py4JJavaError
from pyspark import StorageLevel
from pyspark.sql import DataFrame, Observation, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StructType
from pyspark.sql.utils import AnalysisException

from piimask import __version__
from piimask.errors import PiiMaskError, Refused, UsageError
from piimask.frames.annotate import REASONS, annotate, is_valid
from piimask.frames.encoding import undecodable_rows
from piimask.frames.keys import DIRECT_IPAD, WINDOW, keys_frame, token_key_frame
from piimask.frames.read import InputEncodingError, check_columns, output_writer, read_input
from piimask.frames.validation import check_types, reason_codes
from piimask.job import privacy as privacy_mod
from piimask.job.hold import RAW, HeldStore, with_held
from piimask.job.mask import mask
from piimask.job.options import RunOptions, check_paths
from piimask.job.raw_zone import RawZone, check_raw_tables, held_home
from piimask.job.review import check_full_scan, check_reviewed, full_scan
from piimask.job.table import TableWrite, adaptive_off, branch_for, compact_table, write_table
from piimask.job.values import (
    KEYED_TREATMENTS,
    class_counts,
    packable,
    quarantined_rows,
    value_pass,
    vault_entries,
)
from piimask.keys import keyring as keyring_mod
from piimask.keys.keyring import Keyring
from piimask.rubric import BUCKETS, Rubric, load_rubric
from piimask.storage.audit import AUDIT_DIR, actor, audit_path, log_record, new_run_id, utc_now
from piimask.storage.fs import Storage
from piimask.storage.iceberg import TABLE_FORMAT
from piimask.storage.paths import normalize
from piimask.storage.raw_tables import is_raw_table
from piimask.storage.targets import check_output_target, check_writable
from piimask.storage.transaction import StagedTransaction, inside

__all__ = ["run"]

log = logging.getLogger("piimask.job")


class _Clock:
    """Wall-clock seconds per phase, logged so a slow stage can be found (never in the audit)."""

    def __init__(self):
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self._last, 3)
        self._last = now


@dataclass
class _Plan:
    """The frames of one run, built lazily before any is written."""

    data_columns: list[str]
    annotated: DataFrame
    codes: list[str]
    keyed: DataFrame  # valid rows joined with their keys, observed by key_obs
    class_cols: list[str]
    invalid_schema: StructType  # the quarantine's columns: the input's and _reasons
    fold: bool  # the value pass carries the invalid rows (no second read of the input)
    values: DataFrame | None
    main_obs: Observation
    key_obs: Observation
    held: HeldStore | None = None  # a table output: the rows earlier runs held back
    held_rows: int = 0  # of them, read into this run


def columns_by_bucket(rubric: Rubric, present: set[str]) -> dict[str, list[dict]]:
    return {
        b: [{"column": c.name, "treatment": c.treatment} for c in rubric.in_bucket(b) if c.name in present]
        for b in BUCKETS
    }


def _plan(spark: SparkSession, o: RunOptions, rubric: Rubric, keyring: Keyring) -> _Plan:
    df = read_input(spark, o.input, o.input_format, o.input_encoding)
    held, held_rows = None, 0
    if o.output_format == TABLE_FORMAT:  # rows held back by earlier runs come again, raw
        held = HeldStore.open(Storage(spark), held_home(spark, o.quarantine, table_output=True))
        held_df = held.read(spark)
        held_rows = held_df.count() if held_df is not None else 0
        df = with_held(df, held_df)
    data_columns = check_columns(df, rubric)
    check_types(rubric, {f.name: f.dataType for f in df.schema.fields})
    check_reviewed(df, rubric)  # a limited sample, one pass: behavioral columns that look personal
    annotated = annotate(df, rubric)
    codes = reason_codes(rubric, {f.name: f.dataType for f in df.schema.fields})
    keys = F.broadcast(keys_frame(spark, keyring))
    valid = is_valid()
    main_obs = Observation("piimask_main")
    observed = annotated.observe(
        main_obs,
        F.count(F.lit(1)).alias("rows_in"),
        F.sum(F.when(valid, 1).otherwise(0)).alias("rows_valid"),
        F.concat_ws(",", F.collect_set(F.when(valid, F.col(WINDOW)))).alias("windows"),
        # text formats only: Parquet strings are stored as bytes, never decoded, so a U+FFFD
        # there is the data's own character, and the check cost a search of every string cell
        *([undecodable_rows(df)] if o.input_format != "parquet" else []),
        *full_scan(rubric, data_columns, valid),
    )
    missing_key = F.col(DIRECT_IPAD).isNull()
    key_obs = Observation("piimask_keys")
    keyed = (
        observed.where(valid)
        .join(keys, on=WINDOW, how="left")
        .observe(
            key_obs,
            F.sum(F.when(missing_key, 1).otherwise(0)).alias("missing"),
            F.count(F.lit(1)).alias("rows_out"),
        )
    )
    # the same rows without the observations: read once more for distinct values and the
    # invalid rows (keyed only when a class column's treatment uses a key: token values are
    # tokenized after the aggregation, once per distinct value)
    class_cols = privacy_mod.class_columns(rubric, set(data_columns))
    invalid_schema = annotated.drop(WINDOW).schema
    fold = packable(invalid_schema)
    plain = annotated if fold else annotated.where(valid)
    if any(rubric.column(c).treatment in KEYED_TREATMENTS for c in class_cols):
        plain = plain.join(keys, on=WINDOW, how="left")
    values = value_pass(plain, rubric, valid, invalid_schema if fold else None)
    return _Plan(
        data_columns, annotated, codes, keyed, class_cols, invalid_schema, fold, values, main_obs, key_obs,
        held, held_rows,
    )  # fmt: skip


def _check_observed(plan: _Plan, o: RunOptions, rubric: Rubric) -> None:
    """Refuse to publish what the run's observation found: undecodable input, or an email or MAC
    in an unreviewed kept column (counted over every row, not a sample)."""
    observed = plan.main_obs.get
    if observed.get("undecodable"):
        raise InputEncodingError(o.input, int(observed["undecodable"]), o.input_encoding)
    check_full_scan(rubric, plan.data_columns, observed)


def _check_keys(plan: _Plan, keyring: Keyring, ref: str) -> list[str]:
    """The windows the valid rows fall in; refuse if the keyring lacks one of them."""
    main, keys_seen = plan.main_obs.get, plan.key_obs.get
    windows = sorted(w for w in (main["windows"] or "").split(",") if w)
    if (keys_seen["missing"] or 0) > 0:
        absent = [w for w in windows if w not in keyring.direct]
        raise keyring_mod.KeyringError(
            keyring_mod.missing_keys_message(keyring, absent, ref, keys_seen["missing"])
        )
    return windows


def _write_quarantine(spark, plan: _Plan, zone: RawZone) -> tuple[int, int, dict[str, int]]:
    """Write the invalid rows not quarantined before with their reasons; return the count of
    invalid rows, of rows written, and the count per reason (of the invalid rows)."""
    q_obs = Observation("piimask_quarantine")
    if plan.fold:  # carried by the value pass: no second read of the input
        invalid = quarantined_rows(plan.values, plan.invalid_schema)
    else:  # a map or nested float column: read and validate the input once more
        invalid = plan.annotated.where(~is_valid()).drop(WINDOW)
    per_reason = [
        F.sum(F.when(F.array_contains(F.col(REASONS), c), 1).otherwise(0)).alias(f"r{i}")
        for i, c in enumerate(plan.codes)
    ]
    invalid = invalid.observe(q_obs, F.count(F.lit(1)).alias("rows"), *per_reason)
    with adaptive_off(spark):  # an observation upstream of an anti-join: see table.adaptive_off
        added = zone.write_quarantine(invalid)
    q = q_obs.get
    reasons = {c: int(q[f"r{i}"] or 0) for i, c in enumerate(plan.codes) if q.get(f"r{i}")}
    return int(q["rows"] or 0), added, reasons


def _write_vault(spark, plan: _Plan, rubric: Rubric, keyring: Keyring, zone: RawZone) -> int | None:
    """Write the vault entries not already in the vault; return how many (None: no token column)."""
    if plan.values is None:
        return None
    entries = vault_entries(plan.values, token_key_frame(spark, keyring), rubric, plan.data_columns)
    with adaptive_off(spark):
        return zone.write_vault(entries)


def _reconcile(plan: _Plan, rows_q: int, privacy_record: dict | None) -> dict:
    """The run's row counts; refuse to publish if in != out + quarantined + suppressed."""
    rows_in = int(plan.main_obs.get["rows_in"] or 0)
    rows_out = int(plan.key_obs.get["rows_out"] or 0)
    suppressed = privacy_record["rows_suppressed"] if privacy_record else 0
    if privacy_record is not None:
        rows_out -= suppressed
        if privacy_record["after"]["rows"] != rows_out:
            raise Refused(
                f"row counts do not reconcile after k-anonymity (masked {rows_out + suppressed}, "
                f"suppressed {suppressed}, written {privacy_record['after']['rows']}). "
                "Nothing was published; re-run."
            )
    if rows_in != rows_out + rows_q + suppressed:
        raise Refused(
            f"row counts do not reconcile (in {rows_in}, out {rows_out}, quarantined {rows_q}, "
            f"suppressed {suppressed}); the input changed while the job ran. Nothing was "
            "published; re-run."
        )
    return {
        "rows_in": rows_in,
        "rows_out": rows_out,
        "rows_quarantined": rows_q,
        "rows_suppressed": suppressed,
    }


def _check_ceiling(rubric: Rubric, counts: dict, reasons: dict[str, int]) -> None:
    """Publish nothing when the quarantine took more than the rubric allows, or every row: the
    input is more likely broken (a wrong export, a changed format) than the rows are bad, and an
    empty or thin output would replace a good one."""
    rows_in, rows_q = counts["rows_in"], counts["rows_quarantined"]
    ceiling = rubric.quarantine_max_share
    if not rows_q or (rows_q < rows_in and rows_q <= ceiling * rows_in):
        return
    top = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    limit = (
        "every row"
        if rows_q == rows_in
        else f"more than the quarantine ceiling of {ceiling * 100:g}%, the rubric's quarantine.max_share"
    )
    raise Refused(
        f"{rows_q} of {rows_in} input rows failed validation ({limit}); top reasons: "
        + ", ".join(f"{code} ({n})" for code, n in top)
        + ". Nothing was published; the previous output, quarantine and vault are unchanged. Fix "
        "the input (or the rubric's validation) and re-run."
    )


def _spark_refused(exc: BaseException, published: list[str]) -> PiiMaskError | None:
    if isinstance(exc, AnalysisException):
        return UsageError(f"Spark refused the job ({type(exc).__name__}); nothing was published.")
    if isinstance(exc, Py4JJavaError) and "IOException" in _java_classes(exc):
        # a location became unwritable after the up-front probe (or the store refused a rename)
        return UsageError(
            "Spark could not write or move a file (an I/O error: permissions, a read-only "
            "location or a full disk). Nothing was published; check the --output, --quarantine "
            "and --vault locations and re-run."
        )
    return None


def _java_classes(exc: Py4JJavaError) -> str:
    """The Java exception's class names down its cause chain (never its messages: they may
    quote paths and values)."""
    names, cause = [], exc.java_exception
    while cause is not None and len(names) < 10:
        names.append(cause.getClass().getName())
        cause = cause.getCause()
    return " ".join(names)


def _prepare_locations(spark: SparkSession, o: RunOptions) -> None:
    """Refuse an output the run would destroy or a location it cannot write, before any work;
    remove staging folders a killed run left behind."""
    store, table = Storage(spark), o.output_format == TABLE_FORMAT
    raw = [("--quarantine", o.quarantine), ("--vault", o.vault)]
    locations = [(flag, p) for flag, p in raw if not (table and is_raw_table(p))]  # tables: the catalog
    if not table:  # a table is reached through its catalog, not as a folder
        check_output_target(store, o.output)
        locations.insert(0, ("--output", o.output))
    # stages live inside their dataset; StagedTransaction sweeps those a dead run left behind
    for label, folder in locations:
        check_writable(store, label, folder)


@dataclass(frozen=True)
class _Run:
    """What one run is: its id, start, options (normalized), rubric and keyring."""

    run_id: str
    started: str
    o: RunOptions
    rubric: Rubric
    keyring: Keyring

    def failure_record(self) -> dict:
        return {
            "run_id": self.run_id,
            "started_at": self.started,
            "actor": actor(),
            "rubric": {"version": self.rubric.version, "sha256": self.rubric.sha256},
            "input": {"path": self.o.input},
            "output": {"path": self.o.output},
        }

    def record(
        self,
        plan: _Plan,
        zone: RawZone,
        windows: list[str],
        counts: dict,
        reasons: dict,
        vault_added,
        privacy,
    ) -> dict:
        o, rubric, keyring, present = self.o, self.rubric, self.keyring, set(plan.data_columns)
        return {
            "run_id": self.run_id,
            "started_at": self.started,
            "ended_at": utc_now(),
            "actor": actor(),
            "tool": {"name": "piimask", "version": __version__},
            "job": {"name": o.job_name, "run_id": o.job_run_id},
            "rubric": {"path": o.rubric, "version": rubric.version, "sha256": rubric.sha256},
            "input": {"path": o.input, "format": o.input_format, "encoding": o.input_encoding},
            "output": {"path": o.output, "format": o.output_format},
            **dict(zip(("quarantine", "vault"), zone.described(), strict=True)),
            "keyring": {
                "ref": o.keyring,
                "version_id": keyring.version_id,
                "rotation": rubric.rotation,
                "windows_used": windows,
                "key_ids": keyring.key_ids(windows),
            },
            "columns": columns_by_bucket(rubric, present),
            "dropped": [c.name for c in rubric.columns if c.dropped and c.name in present],
            "absent_optional": [c.name for c in rubric.columns if c.name not in present],
            "counts": {**counts, "vault_entries_added": vault_added or 0},
            "quarantine_reasons": reasons,
            **({"privacy": privacy} if privacy is not None else {}),
            "outcome": "succeeded",
        }


def _execute(
    spark: SparkSession, r: _Run, plan: _Plan, tx: StagedTransaction, clock: _Clock, zone: RawZone
) -> dict:
    """Write every dataset to staging, reconcile, record, then publish (raw zone first)."""
    o, store = r.o, tx.store
    table = o.output_format == TABLE_FORMAT
    out_stage = None if table else tx.stage(inside(o.output, "staging", r.run_id))
    clock.lap("prepare")
    if plan.values is not None:
        plan.values = plan.values.persist(StorageLevel.MEMORY_AND_DISK)
        plan.values.count()
        clock.lap("value_pass")
    table_write = enforcement = None
    if table:  # the table's rows go to the run's branch, k over the whole table (hold.py)
        raw = F.struct(*[F.col(f"`{c}`") for c in plan.data_columns]).alias(RAW)
        masked = mask(plan.keyed.select("*", raw), r.rubric, plan.data_columns, carry=(RAW,))
        h_stage = tx.stage(inside(plan.held.root, "staging", r.run_id))
        table_write = write_table(spark, o.output, masked, r.rubric, r.run_id, h_stage)
    else:
        masked = mask(plan.keyed, r.rubric, plan.data_columns)
        has_classes = plan.values is not None and plan.class_cols
        # k-anonymity: the class table joins the rows, no row is shuffled or collected
        enforcement = privacy_mod.enforce(
            masked, r.rubric, class_counts(plan.values, plan.class_cols) if has_classes else None
        )
        if enforcement is not None:
            masked = enforcement.frame
        output_writer(masked, o.output_format).save(out_stage)
    clock.lap("write_output")
    _check_observed(plan, o, r.rubric)
    windows = _check_keys(plan, r.keyring, o.keyring)
    rows_q, q_added, reasons = _write_quarantine(spark, plan, zone)
    clock.lap("write_quarantine")
    vault_added = _write_vault(spark, plan, r.rubric, r.keyring, zone)
    clock.lap("write_vault")
    privacy_record = enforcement.record() if enforcement is not None else None
    counts = _reconcile(plan, rows_q, privacy_record)
    _check_ceiling(r.rubric, counts, reasons)
    counts["quarantine_rows_added"] = q_added  # the others are in an earlier partition already
    if table_write is not None:
        privacy_record = table_write.counts(counts, r.rubric, plan.held_rows, set(plan.data_columns))
    record = r.record(plan, zone, windows, counts, reasons, vault_added, privacy_record)
    text = json.dumps(record, indent=2, sort_keys=True) + "\n"
    # The raw zone is published first; each of its partitions (or tables) carries the run's
    # record, so a crash before the output's publication leaves no raw row no record explains.
    zone.write_record(text)
    if table_write is not None:
        return _publish_table(spark, r, plan, table_write, record, tx, clock, (zone, h_stage))
    store.write_text(audit_path(out_stage, r.run_id), text)
    zone.publish(tx)
    tx.replace(out_stage, o.output, keep=(AUDIT_DIR,))
    clock.lap("publish")
    return record


def _publish_table(
    spark: SparkSession,
    r: _Run,
    plan: _Plan,
    written: TableWrite,
    record: dict,
    tx: StagedTransaction,
    clock: _Clock,
    stages,
) -> dict:
    """Write-audit-publish: verify's output checks on the run's branch (the row checks on the rows
    the run appended, k-anonymity and the counts over the whole table as it would be published),
    then the raw zone, the audit record, and main fast-forwarded to the branch."""
    run, counts = written.run, record["counts"]
    counts["table_rows"] = run.branch_rows().count()
    record["output"]["table"] = {"branch": run.branch, "parent_snapshot": run.table.snapshot("main")}
    report = written.audit(r.rubric, r.o.output, record)
    clock.lap("audit_branch")
    if not report.passed:
        failed = ", ".join(sorted({f"{x.check} ({x.column})" for x in report.failed}))
        raise Refused(
            f"the run's rows failed verify on branch {run.branch} of {r.o.output}: {failed}. Main is "
            "unchanged; the branch is kept for inspection "
            f"(verify --output {r.o.output} --branch {run.branch})."
        )
    zone, h_stage = stages
    zone.publish(tx)  # the quarantine and the vault before main: no output row without its entry
    if counts["rows_held"]:  # the held rows before main moves: a crash then loses none
        tx.add(h_stage, plan.held.partition(r.run_id))
    record["output"]["table"]["snapshot"] = run.publish()
    # The record only once main has moved: verify of main reads the newest record, and one written
    # before a kill at the fast-forward described rows main never got (verify then failed on an
    # intact table; tests/aws/test_glue_catalog_iam.py). A kill between the two leaves main
    # published without its record: verify fails closed until the next run writes one.
    audit_root = run.table.audit_root()
    tx.store.write_text(audit_path(audit_root, r.run_id), json.dumps(record, indent=2, sort_keys=True) + "\n")
    plan.held.drop_read(tx.store)  # superseded by this run's partition: every held row was read
    clock.lap("publish")
    compact_table(run.table)
    clock.lap("compact")
    return record


def run(spark: SparkSession, o: RunOptions) -> dict:
    """Mask ``o.input`` into ``o.output``; return the audit record. Raises on any refusal."""
    started, run_id = utc_now(), new_run_id()
    rubric = load_rubric(o.rubric)  # validated before Spark reads a byte
    check_paths(o)
    keyring = keyring_mod.load(o.keyring)
    keyring.check_rotation(rubric.rotation)
    table = o.output_format == TABLE_FORMAT
    check_raw_tables(o, table, lambda catalog: bool(spark.conf.get(f"spark.sql.catalog.{catalog}", None)))

    def location(path: str, raw: bool) -> str:  # a table name stays as it is
        return path if table and (not raw or is_raw_table(path)) else normalize(path)

    o = replace(
        o,
        output=location(o.output, False),
        quarantine=location(o.quarantine, True),
        vault=location(o.vault, True),
    )
    r = _Run(run_id, started, o, rubric, keyring)
    _prepare_locations(spark, o)
    clock = _Clock()
    plan = _plan(spark, o, rubric, keyring)
    try:
        with StagedTransaction(Storage(spark), r.failure_record(), explain=_spark_refused) as tx:
            zone = RawZone.open(spark, tx, o, run_id, branch_for(run_id), o.output_format == TABLE_FORMAT)
            try:
                record = _execute(spark, r, plan, tx, clock, zone)
            except BaseException:
                zone.discard()  # a table's unpublished branch: its raw rows are never kept
                raise
    finally:
        if plan.values is not None:
            plan.values.unpersist()
    log.info("phase seconds: %s", json.dumps(clock.laps))
    log_record(record)
    return record
