"""The masking job: read, check against the rubric, quarantine, mask, vault, audit, publish.

``run(spark, options)`` is what `pii-mask run`, `spark-submit glue/pii_masking_job.py` and the
Glue job all call. Every failure raises an error with an ``exit_code`` and leaves the previous
output, quarantine and vault exactly as they were.
"""

from __future__ import annotations

import json
import logging
import posixpath
import time
from dataclasses import dataclass, field

from pyspark import StorageLevel
from pyspark.sql import Column, DataFrame, Observation, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import (
    ArrayType,
    DataType,
    DoubleType,
    FloatType,
    MapType,
    StringType,
    StructField,
    StructType,
)
from pyspark.sql.utils import AnalysisException

from . import __version__
from . import keyring as keyring_mod
from . import privacy as privacy_mod
from .audit import AUDIT_DIR, actor, audit_path, columns_by_bucket, log_record, new_run_id, utc_now
from .classify import suggest_bucket
from .errors import PiiMaskError
from .hmac import pad_key
from .keyring import Keyring
from .parse import epoch_seconds
from .review import check_reviewed
from .rubric import Rubric, load_rubric
from .storage import Storage, is_within, normalize
from .treatments import RowContext, prepare_redaction, token, treat
from .validation import reason_codes, reasons_column
from .windows import window_id_expr

__all__ = [
    "RunOptions",
    "add_arguments",
    "annotate",
    "keys_frame",
    "main",
    "mask",
    "read_input",
    "run",
    "value_pass",
    "vault_entries",
]

log = logging.getLogger("piimask.job")
INPUT_FORMATS = ("csv", "parquet", "json")
OUTPUT_FORMATS = ("parquet", "csv")
REASONS = "_reasons"
WINDOW = "_window"
QUARANTINE_ROW = "_row"  # an invalid row, whole, in the value pass (kind 2)
KEY_COLUMNS = ("_d_ipad", "_d_opad", "_t_ipad", "_t_opad")
KEYED_TREATMENTS = ("hmac", "token", "date_shift")  # treatments that read the row's keys


@dataclass(frozen=True)
class RunOptions:
    rubric: str
    input: str
    output: str
    quarantine: str
    vault: str
    keyring: str
    input_format: str = "csv"
    output_format: str = "parquet"
    job_name: str | None = None
    job_run_id: str | None = None
    extra: dict = field(default_factory=dict)


# ---------------------------------------------------------------- reading and checking input


def read_input(spark: SparkSession, path: str, fmt: str) -> DataFrame:
    """Read the input; CSV as all strings with RFC 4180 quoting and a malformed-record column."""
    try:
        if fmt == "csv":
            opts = {"header": "true", "multiLine": "true", "escape": '"', "encoding": "UTF-8"}
            header = spark.read.options(**opts).csv(path)
            if not header.columns:
                raise PiiMaskError(
                    f"input {path} is empty: it has no header row. Point --input at "
                    "a CSV file (or folder of them) whose first line names the columns."
                )
            schema = StructType(
                [StructField(c, StringType()) for c in header.columns]
                + [StructField("_corrupt_record", StringType())]
            )
            return (
                spark.read.options(**opts)
                .option("mode", "PERMISSIVE")
                .option("columnNameOfCorruptRecord", "_corrupt_record")
                .schema(schema)
                .csv(path)
            )
        if fmt == "json":
            return spark.read.option("mode", "PERMISSIVE").json(path)
        return spark.read.parquet(path)
    except AnalysisException as exc:
        text = str(exc)
        if "PATH_NOT_FOUND" in text or "Path does not exist" in text:
            raise PiiMaskError(f"input {path} does not exist; check --input.", exit_code=2) from None
        if "UNABLE_TO_INFER_SCHEMA" in text or "empty" in text.lower():
            raise PiiMaskError(
                f"input {path} is empty or holds no {fmt} data; check --input and --input-format."
            ) from None
        raise PiiMaskError(
            f"input {path} cannot be read as {fmt} ({type(exc).__name__}); check --input-format.",
            exit_code=2,
        ) from None


def check_columns(df: DataFrame, rubric: Rubric) -> list[str]:
    """Fail closed on unknown columns and missing required ones; return the input's data columns."""
    data_columns = [c for c in df.columns if c != "_corrupt_record"]
    known = set(rubric.names)
    unknown = [c for c in data_columns if c not in known]
    if unknown:
        hints = []
        for name in unknown:
            sample = [
                r[0]
                for r in df.select(F.col(f"`{name}`").cast("string"))
                .where(F.col(f"`{name}`").isNotNull())
                .limit(50)
                .collect()
            ]
            bucket, why = suggest_bucket(name, sample)
            hints.append(f"{name!r} (suggested bucket: {bucket}, because {why})")
        raise PiiMaskError(
            "the input has column(s) the rubric does not classify: "
            + "; ".join(hints)
            + ". Nothing was written. Add each to rubric.yaml with a bucket (ask: could it alone "
            "identify a person? with two or three other columns? is the value itself sensitive?) "
            "and re-run."
        )
    missing = [c.name for c in rubric.columns if c.name not in data_columns and not c.optional]
    if missing:
        raise PiiMaskError(
            f"the input lacks rubric column(s) {', '.join(missing)}. Nothing was written. Fix the "
            "input, or mark the column(s) `optional: true` in rubric.yaml if they may be absent."
        )
    return data_columns


# ---------------------------------------------------------------- the transformation


def keys_frame(spark: SparkSession, keyring: Keyring) -> DataFrame:
    """One row per window with the padded key blocks; joined in so no key byte is in a plan."""
    tok = pad_key(keyring.token)
    rows = []
    for window, key in sorted(keyring.direct.items()):
        d = pad_key(key)
        rows.append((window, bytearray(d.ipad), bytearray(d.opad), bytearray(tok.ipad), bytearray(tok.opad)))
    schema = f"{WINDOW} string, " + ", ".join(f"{c} binary" for c in KEY_COLUMNS)
    return spark.createDataFrame(rows, schema)


def window_column(df: DataFrame, rubric: Rubric) -> Column:
    """The row's key window (UTC), from the rubric's event-time column."""
    event = rubric.event_time_column
    return window_id_expr(epoch_seconds(F.col(event), df.schema[event].dataType), rubric.rotation)


def annotate(df: DataFrame, rubric: Rubric) -> DataFrame:
    """Add the row's quarantine reasons and its key window (UTC) to the input."""
    dtypes = {f.name: f.dataType for f in df.schema.fields}
    reasons = reasons_column(rubric, dtypes)
    return df.withColumn(REASONS, reasons).withColumn(WINDOW, window_column(df, rubric))


def _context(df: DataFrame, rubric: Rubric) -> RowContext:
    dtypes = {f.name: f.dataType for f in df.schema.fields}
    present = set(dtypes)
    identifiers = tuple(c for c in rubric.columns if c.bucket in ("direct", "quasi") and c.name in present)
    return RowContext(
        F.col("_d_ipad"),
        F.col("_d_opad"),
        F.col("_t_ipad"),
        F.col("_t_opad"),
        lambda name: F.col(f"`{name}`"),
        dtypes,
        identifiers,
    )


def mask(keyed: DataFrame, rubric: Rubric, data_columns: list[str]) -> DataFrame:
    """Valid rows joined with their keys -> the masked output: input order, dropped columns gone."""
    specs = [rubric.column(name) for name in data_columns]
    keyed = prepare_redaction(keyed, specs, _context(keyed, rubric))
    ctx = _context(keyed, rubric)
    exprs: list[Column] = []
    for name in data_columns:
        spec = rubric.column(name)
        if not spec.dropped:
            exprs.append(treat(spec, ctx))
    return keyed.select(*exprs)


def _token_specs(rubric: Rubric, present) -> list:
    return [s for s in rubric.with_treatment("token") if s.name in present]


_FLOATS = (FloatType, DoubleType)


def _nested(dtype: DataType):
    """``dtype`` and every type inside it."""
    yield dtype
    if isinstance(dtype, StructType):
        for f in dtype.fields:
            yield from _nested(f.dataType)
    elif isinstance(dtype, ArrayType):
        yield from _nested(dtype.elementType)
    elif isinstance(dtype, MapType):
        yield from _nested(dtype.keyType)
        yield from _nested(dtype.valueType)


def groupable(dtype: DataType) -> bool:
    """Whether Spark can group by values of ``dtype``: not with a map anywhere inside."""
    return not any(isinstance(t, MapType) for t in _nested(dtype))


def packable(schema: StructType) -> bool:
    """Whether ``value_pass`` can carry this input's invalid rows to the quarantine unchanged.
    Grouping normalises floating-point keys (-0.0 becomes 0.0, every NaN one NaN), so a top-level
    float or double travels as its text (Java's rendering parses back to the same value, -0.0,
    NaN and subnormals included); any other column must group, with no float inside it."""
    return all(
        isinstance(f.dataType, _FLOATS)
        or not any(isinstance(t, (MapType, *_FLOATS)) for t in _nested(f.dataType))
        for f in schema
    )


def _pack(schema: StructType) -> Column:
    def carried(f: StructField) -> Column:
        c = F.col(f"`{f.name}`")
        return (c.cast("string") if isinstance(f.dataType, _FLOATS) else c).alias(f.name)

    return F.struct(*[carried(f) for f in schema])


def quarantined_rows(values: DataFrame, schema: StructType) -> DataFrame:
    """The invalid rows ``value_pass`` carried (kind 2), each repeated as often as it occurred,
    with the columns, names and types of ``schema``: the quarantine without reading the input again."""
    cells = values.where(F.col("_kind") == 2)
    row = F.explode(F.array_repeat(F.col(QUARANTINE_ROW), F.col(privacy_mod.COUNT).cast("int")))
    rows = cells.select(row.alias(QUARANTINE_ROW))

    def field(f: StructField) -> Column:
        c = F.col(QUARANTINE_ROW).getField(f.name)
        return (c.cast(f.dataType) if isinstance(f.dataType, _FLOATS) else c).alias(f.name)

    return rows.select(*[field(f) for f in schema])


def value_pass(
    rows: DataFrame, rubric: Rubric, valid: Column, quarantine: StructType | None
) -> DataFrame | None:
    """One aggregation over the input for everything that needs a whole pass before the output:

    * kind 0: valid rows per (masked quasi-identifiers[, sensitive value]), k-anonymity's class
      table (``privacy.class_counts`` of the output, computed from the few columns it needs);
    * kind 1: distinct (column, raw value) of every token column over the valid rows, the vault's
      entries;
    * kind 2 (when ``quarantine`` names the invalid rows' columns, see ``packable``): each
      distinct invalid row, whole, with its count, so the quarantine is written from this table
      instead of from another read and validation of the whole input. Without it, ``rows``
      holds the valid rows only.

    Most rows repeat a few thousand classes, operators, sites and devices, so partial
    aggregation shrinks the data before the shuffle; the result is small and the caller keeps it.
    """
    present = set(rows.columns)
    class_cols = privacy_mod.class_columns(rubric, present)
    specs = _token_specs(rubric, present)
    if not class_cols and not specs and quarantine is None:
        return None
    ctx = _context(rows, rubric)
    treated = {c: treat(rubric.column(c), ctx) for c in class_cols}
    types = dict(rows.select(*treated.values()).dtypes) if treated else {}
    null = F.lit(None).cast("string")
    packed = _pack(quarantine) if quarantine is not None else None
    no_row = None if packed is None else F.lit(None).cast(rows.select(packed).schema[0].dataType)

    def cell(kind: int, column: Column, value: Column, classes: bool, row: Column | None = None) -> Column:
        qs = [(treated[c] if classes else F.lit(None).cast(types[c])).alias(c) for c in class_cols]
        extra = [] if packed is None else [(no_row if row is None else row).alias(QUARANTINE_ROW)]
        return F.struct(F.lit(kind).alias("_kind"), column.alias("column"), value.alias("value"), *qs, *extra)

    cells = ([cell(0, null, null, True)] if class_cols else []) + [
        cell(1, F.lit(s.name), F.col(f"`{s.name}`").cast("string"), False) for s in specs
    ]
    if packed is None:
        per_row = F.array(*cells)
    else:
        # the treatments run on valid rows only (as in the output); an invalid row is one cell
        per_row = F.when(valid, F.array(*cells)).otherwise(F.array(cell(2, null, null, False, packed)))
    keys = ["_kind", "column", "value", *[F.col(f"`{c}`") for c in class_cols]]
    if packed is not None:
        keys.append(F.col(QUARANTINE_ROW))
    return (
        rows.select(F.inline(per_row))
        .where((F.col("_kind") != 1) | F.col("value").isNotNull())
        .groupBy(*keys)
        .agg(F.count(F.lit(1)).alias(privacy_mod.COUNT))
    )


def vault_entries(
    values: DataFrame, token_keys: DataFrame, rubric: Rubric, present: list[str]
) -> DataFrame | None:
    """(column, token, value) for every distinct raw value of a token column (``value_pass``
    kind 1): one HMAC per distinct value, not per row."""
    specs = _token_specs(rubric, set(present))
    if not specs:
        return None
    distinct = values.where(F.col("_kind") == 1).select("column", "value").crossJoin(F.broadcast(token_keys))
    value, ipad, opad = F.col("value"), F.col("_t_ipad"), F.col("_t_opad")
    tok = F.coalesce(*[F.when(F.col("column") == s.name, token(value, s.params, ipad, opad)) for s in specs])
    return distinct.select("column", tok.alias("token"), "value")


# ---------------------------------------------------------------- the run


def _check_paths(o: RunOptions) -> None:
    for label, path in (
        ("--input", o.input),
        ("--output", o.output),
        ("--quarantine", o.quarantine),
        ("--vault", o.vault),
    ):
        if not path:
            raise PiiMaskError(f"{label} is required.", exit_code=2)
    if is_within(o.output, o.input) or is_within(o.input, o.output):
        raise PiiMaskError(
            "--output must not be, contain or sit inside --input: the job would "
            "overwrite the data it reads. Choose another output location."
        )
    for label, path in (("--quarantine", o.quarantine), ("--vault", o.vault)):
        if is_within(path, o.output) or is_within(o.output, path):
            raise PiiMaskError(
                f"{label} must not be inside --output (or hold it): it keeps raw "
                "values and belongs in the raw zone, apart from the masked output."
            )
        if is_within(path, o.input):
            raise PiiMaskError(f"{label} must not be inside --input.")
    if is_within(o.vault, o.quarantine) or is_within(o.quarantine, o.vault):
        raise PiiMaskError("--vault and --quarantine must be separate locations.")
    if o.input_format not in INPUT_FORMATS:
        raise PiiMaskError(f"--input-format must be one of {', '.join(INPUT_FORMATS)}.", exit_code=2)
    if o.output_format not in OUTPUT_FORMATS:
        raise PiiMaskError(f"--output-format must be one of {', '.join(OUTPUT_FORMATS)}.", exit_code=2)


def _writer(df: DataFrame, fmt: str):
    w = df.write.mode("overwrite").format(fmt)
    if fmt == "csv":
        w = w.option("header", "true").option("escape", '"')
    return w


def _staging(final: str, run_id: str) -> str:
    parent, name = posixpath.split(final.rstrip("/"))
    return posixpath.join(parent, f".{name}.staging-{run_id}")


class _Clock:
    """Wall-clock seconds per phase, logged so a slow stage can be found (never in the audit)."""

    def __init__(self):
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self._last, 3)
        self._last = now


def run(spark: SparkSession, o: RunOptions) -> dict:
    """Mask ``o.input`` into ``o.output``; return the audit record. Raises on any refusal."""
    started = utc_now()
    run_id = new_run_id()
    rubric = load_rubric(o.rubric)  # validated before Spark reads a byte
    _check_paths(o)
    keyring = keyring_mod.load(o.keyring)
    keyring.check_rotation(rubric.rotation)
    o = RunOptions(
        **{
            **o.__dict__,
            "output": normalize(o.output),
            "quarantine": normalize(o.quarantine),
            "vault": normalize(o.vault),
        }
    )

    clock = _Clock()
    df = read_input(spark, o.input, o.input_format)
    data_columns = check_columns(df, rubric)
    check_reviewed(df, rubric)  # a limited sample, one pass: behavioral columns that look personal
    annotated = annotate(df, rubric)
    dtypes = {f.name: f.dataType for f in df.schema.fields}
    codes = reason_codes(rubric, dtypes)
    store = Storage(spark)
    out_stage = _staging(o.output, run_id)
    q_final = posixpath.join(o.quarantine, f"run_id={run_id}")
    q_stage = posixpath.join(o.quarantine, f".staging-{run_id}")
    v_final = posixpath.join(o.vault, f"run_id={run_id}")
    v_stage = posixpath.join(o.vault, f".staging-{run_id}")
    stages = (out_stage, q_stage, v_stage)

    keys = F.broadcast(keys_frame(spark, keyring))
    valid = F.size(F.col(REASONS)) == 0
    main_obs = Observation("piimask_main")
    observed = annotated.observe(
        main_obs,
        F.count(F.lit(1)).alias("rows_in"),
        F.sum(F.when(valid, 1).otherwise(0)).alias("rows_valid"),
        F.concat_ws(",", F.collect_set(F.when(valid, F.col(WINDOW)))).alias("windows"),
    )
    keyed = observed.where(valid).join(keys, on=WINDOW, how="left")
    missing_key = F.col("_d_ipad").isNull()
    key_obs = Observation("piimask_keys")
    keyed_checked = keyed.observe(
        key_obs,
        F.sum(F.when(missing_key, 1).otherwise(0)).alias("missing"),
        F.count(F.lit(1)).alias("rows_out"),
    )
    # the same rows without the observations: read once more for distinct values and the
    # invalid rows (keyed only when a class column's treatment uses a key: token values are
    # tokenized after the aggregation, once per distinct value)
    class_cols = privacy_mod.class_columns(rubric, set(data_columns))
    invalid_schema = annotated.drop(WINDOW).schema  # the quarantine's columns: input + _reasons
    fold = packable(invalid_schema)
    plain = annotated if fold else annotated.where(valid)
    if any(rubric.column(c).treatment in KEYED_TREATMENTS for c in class_cols):
        plain = plain.join(keys, on=WINDOW, how="left")
    values = value_pass(plain, rubric, valid, invalid_schema if fold else None)
    try:
        for stage in stages:
            store.delete(stage)
        clock.lap("prepare")
        if values is not None:
            values = values.persist(StorageLevel.MEMORY_AND_DISK)
            values.count()
            clock.lap("value_pass")
        masked = mask(keyed_checked, rubric, data_columns)
        counts = None
        if values is not None and class_cols:  # (no class column: enforce counts the rows itself)
            counts = values.where(F.col("_kind") == 0).select(*class_cols, privacy_mod.COUNT)
        # k-anonymity: the class table joins the rows, no row is shuffled or collected
        enforcement = privacy_mod.enforce(masked, rubric, counts)
        if enforcement is not None:
            masked = enforcement.frame
        _writer(masked, o.output_format).save(out_stage)
        clock.lap("write_output")
        main, keys_seen = main_obs.get, key_obs.get
        windows = sorted(w for w in (main["windows"] or "").split(",") if w)
        if (keys_seen["missing"] or 0) > 0:
            absent = [w for w in windows if w not in keyring.direct]
            raise keyring_mod.KeyringError(
                f"keyring {o.keyring} has no key for window(s) {', '.join(absent)} "
                f"({keys_seen['missing']} rows). Nothing was written. Add them with "
                f"`pii-mask keys add --keyring {o.keyring} --window {absent[0] if absent else 'W'}`."
            )

        q_obs = Observation("piimask_quarantine")
        if fold:  # carried by the value pass: no second read of the input
            invalid = quarantined_rows(values, invalid_schema)
        else:  # a map or nested float column: read and validate the input once more
            invalid = annotated.where(~valid).drop(WINDOW)
        quarantined = invalid.observe(
            q_obs,
            F.count(F.lit(1)).alias("rows"),
            *[
                F.sum(F.when(F.array_contains(F.col(REASONS), c), 1).otherwise(0)).alias(f"r{i}")
                for i, c in enumerate(codes)
            ],
        )
        quarantined.write.mode("overwrite").parquet(q_stage)
        clock.lap("write_quarantine")
        q = q_obs.get
        reasons = {c: int(q[f"r{i}"] or 0) for i, c in enumerate(codes) if q.get(f"r{i}")}

        vault_added = 0
        token_keys = keys_frame(spark, keyring).select(*KEY_COLUMNS[2:]).limit(1)
        entries = None if values is None else vault_entries(values, token_keys, rubric, data_columns)
        if entries is not None:
            existing = [p for p in store.list(o.vault) if p.startswith("run_id=")]
            if existing:
                old = spark.read.parquet(o.vault).select("column", "token")
                entries = entries.join(old, on=["column", "token"], how="left_anti")
            v_obs = Observation("piimask_vault")
            entries.observe(v_obs, F.count(F.lit(1)).alias("n")).write.mode("overwrite").parquet(v_stage)
            vault_added = int(v_obs.get["n"] or 0)
        clock.lap("write_vault")

        rows_in = int(main["rows_in"] or 0)
        rows_out = int(keys_seen["rows_out"] or 0)
        rows_q = int(q["rows"] or 0)
        privacy_record = enforcement.record() if enforcement is not None else None
        suppressed = privacy_record["rows_suppressed"] if privacy_record else 0
        if privacy_record is not None:
            rows_out -= suppressed
            if privacy_record["after"]["rows"] != rows_out:
                raise PiiMaskError(
                    f"row counts do not reconcile after k-anonymity (masked {rows_out + suppressed}, "
                    f"suppressed {suppressed}, written {privacy_record['after']['rows']}). "
                    "Nothing was published; re-run."
                )
        if rows_in != rows_out + rows_q + suppressed:
            raise PiiMaskError(
                f"row counts do not reconcile (in {rows_in}, out {rows_out}, quarantined {rows_q}, "
                f"suppressed {suppressed}); the input changed while the job ran. Nothing was "
                "published; re-run."
            )
        present = set(data_columns)
        record = {
            "run_id": run_id,
            "started_at": started,
            "ended_at": utc_now(),
            "actor": actor(),
            "tool": {"name": "piimask", "version": __version__},
            "job": {"name": o.job_name, "run_id": o.job_run_id},
            "rubric": {"path": o.rubric, "version": rubric.version, "sha256": rubric.sha256},
            "input": {"path": o.input, "format": o.input_format},
            "output": {"path": o.output, "format": o.output_format},
            "quarantine": {"path": q_final},
            "vault": {"path": o.vault, "partition": v_final if entries is not None else None},
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
            "counts": {
                "rows_in": rows_in,
                "rows_out": rows_out,
                "rows_quarantined": rows_q,
                "rows_suppressed": suppressed,
                "vault_entries_added": vault_added,
            },
            "quarantine_reasons": reasons,
            **({"privacy": privacy_record} if privacy_record is not None else {}),
            "outcome": "succeeded",
        }
        store.write_text(audit_path(out_stage, run_id), json.dumps(record, indent=2, sort_keys=True) + "\n")
        # publish: raw-zone datasets first, the masked output last
        store.rename(q_stage, q_final)
        if entries is not None:
            store.rename(v_stage, v_final)
        store.publish(out_stage, o.output, keep_from_previous=(AUDIT_DIR,))
        clock.lap("publish")
        log.info("phase seconds: %s", json.dumps(clock.laps))
    except BaseException as exc:
        if values is not None:
            values.unpersist()
        for stage in stages:
            try:
                store.delete(stage)
            except Exception:  # best effort: the stage is hidden and never read
                log.warning("could not remove staging location %s", stage)
        failure = {
            "run_id": run_id,
            "started_at": started,
            "ended_at": utc_now(),
            "actor": actor(),
            "rubric": {"version": rubric.version, "sha256": rubric.sha256},
            "input": {"path": o.input},
            "output": {"path": o.output},
            "outcome": "failed",
            "error": type(exc).__name__,
        }
        log_record(failure)
        if isinstance(exc, AnalysisException):
            raise PiiMaskError(
                f"Spark refused the job ({type(exc).__name__}); nothing was published.", exit_code=2
            ) from None
        raise
    if values is not None:
        values.unpersist()
    log_record(record)
    return record


# ---------------------------------------------------------------- command line


def add_arguments(p) -> None:
    p.add_argument("--rubric", required=True, help="path to rubric.yaml")
    p.add_argument("--input", required=True, help="input file or folder")
    p.add_argument("--output", required=True, help="output folder (replaced atomically)")
    p.add_argument("--quarantine", required=True, help="raw-zone folder for rows failing validation")
    p.add_argument("--vault", required=True, help="raw-zone folder for the token vault")
    p.add_argument("--keyring", required=True, help="file:PATH, env:VAR or secretsmanager:SECRET_ID")
    p.add_argument("--input-format", default="csv", choices=INPUT_FORMATS)
    p.add_argument("--output-format", default="parquet", choices=OUTPUT_FORMATS)


def options_from_args(args, **extra) -> RunOptions:
    return RunOptions(
        rubric=args.rubric,
        input=args.input,
        output=args.output,
        quarantine=args.quarantine,
        vault=args.vault,
        keyring=args.keyring,
        input_format=args.input_format,
        output_format=args.output_format,
        **extra,
    )


def summary(record: dict) -> str:
    c = record["counts"]
    lines = [
        f"run {record['run_id']}: {record['outcome']}",
        f"  masked output : {record['output']['path']}  ({c['rows_out']} rows)",
        f"  quarantine    : {record['quarantine']['path']}  ({c['rows_quarantined']} rows)",
        f"  vault         : {record['vault']['path']}  ({c['vault_entries_added']} new entries)",
        f"  audit         : {audit_path(record['output']['path'], record['run_id'])}",
        f"  rows in {c['rows_in']} = out {c['rows_out']} + quarantined {c['rows_quarantined']} "
        f"+ suppressed {c['rows_suppressed']}",
    ]
    for code, n in sorted(record["quarantine_reasons"].items()):
        lines.append(f"    quarantined for {code}: {n}")
    p = record.get("privacy")
    if p:
        lines.append(
            f"  k-anonymity   : k {p['k']} ({p['action']}), smallest class {p['k_achieved']}, "
            f"{p['classes']} classes; {p['rows_generalized']} rows generalized, "
            f"{p['rows_suppressed']} suppressed"
        )
    return "\n".join(lines)


def main(args) -> int:
    from .session import get_spark

    options = options_from_args(args)
    load_rubric(options.rubric)  # fail on a bad rubric before starting Spark
    _check_paths(options)
    record = run(get_spark("pii-mask"), options)
    print(summary(record))
    return 0
