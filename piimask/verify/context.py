"""The context of one verify run: its arguments checked, its datasets opened, its facts derived.

``open_context`` is the one place that validates the arguments (rubric, keyring, paths, raw
format), reads the newest audit record, opens the output and the raw input, and derives what the
checks share: the column groups (which output columns are direct, keyed, behavioral...) and the
audit's counts of tokens removed and rows suppressed. The ``Context`` it returns is frozen.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.types import DataType
from pyspark.sql.utils import AnalysisException

from piimask.errors import PiiMaskError, UsageError
from piimask.frames.encoding import DEFAULT_ENCODING, check_encoding
from piimask.frames.read import CORRUPT_RECORD, INPUT_FORMATS, output_format, read_input, restore_formulas
from piimask.keys.keyring import Keyring
from piimask.keys.keyring import load as load_keyring
from piimask.rubric import Rubric, load_rubric
from piimask.storage.audit import latest_audit
from piimask.storage.fs import Storage
from piimask.storage.iceberg import ROW_DIGEST, Table, TableError, is_table_name
from piimask.storage.paths import is_local
from piimask.storage.raw_tables import names_table

__all__ = ["CLASS_ROWS", "MAX_BROADCAST_ROWS", "SUBSTRING_BUDGET", "Context", "VerifyError", "open_context"]

SUBSTRING_BUDGET = 50_000_000  # text rows x needles above which the n-gram join is used
# the small side of a join check (distinct raw values, their digests) is broadcast up to this
# many rows: the big side (every output cell) then streams through without a shuffle. Above it
# both sides are shuffled: broadcasting tables of several million rows left a 4 GiB driver heap
# short of memory.
MAX_BROADCAST_ROWS = 1_000_000


CLASS_ROWS = "__piimask_class_rows"  # the row count column of Context.whole_classes


class VerifyError(UsageError):
    """The verifier cannot run (missing path, unreadable rubric or keyring): exit code 2."""


@dataclass(frozen=True, kw_only=True)
class Context:
    """What every check reads; made by ``open_context``, never changed after."""

    spark: SparkSession
    store: Storage
    rubric: Rubric
    rubric_path: str
    output: str
    raw_path: str | None
    quarantine: str | None
    keyring_ref: str | None
    keyring: Keyring | None
    substring_budget: int  # text rows x needles above which the leak scan joins word n-grams
    broadcast_rows: int  # the most rows a join check broadcasts
    text_broadcast_rows: int  # the most free-text word runs the leak scan broadcasts
    audit: dict | None  # the newest run's audit record, adjusted for later erasures
    out: DataFrame  # the rows the row checks read, not kept: each check reads only its columns
    # the whole output, which the checks across rows read (k-anonymity, the row count): the same
    # frame as ``out`` but for the job's own audit of a table branch, where ``out`` is only the
    # rows the run appends (the rows already in main were checked when they were published)
    whole: DataFrame
    # rows per class of ``whole`` (its quasi-identifier columns and CLASS_ROWS), when the job's
    # audit has them already: main's classes counted by the run's own read of main at the
    # branch's base, plus the appended rows'. None: the checks count ``whole`` themselves
    whole_classes: DataFrame | None
    dtypes: Mapping[str, DataType]
    raw: DataFrame | None  # the raw input as read (None without --raw)
    raw_columns: list[str] | None  # its data columns
    # derived from the audit
    tokens_removed: Mapping[str, int]  # per token column, by erasure or retention since the run
    rows_suppressed: int  # the audit's suppressed rows (k-anonymity, held back, and removed since)
    k_suppressed: int  # rows the job suppressed for k-anonymity (the audit's privacy record)
    # derived from the columns
    token_columns: list[str]  # token columns in the output (and in the raw input, with --raw)
    common: list[str] = field(default_factory=list)  # output columns also in the raw input
    ident: list[str] = field(default_factory=list)  # raw direct and quasi columns (the needles)
    direct: list[str] = field(default_factory=list)  # common HMAC columns, output order
    keyed: list[str] = field(default_factory=list)  # common HMAC and token columns
    behavioral: list[str] = field(default_factory=list)  # common kept columns
    raw_encoding: str = DEFAULT_ENCODING  # of a CSV or JSON raw input

    @property
    def out_columns(self) -> list[str]:
        return list(self.out.columns)

    def in_rubric_order(self, treatment: str, among: list[str]) -> list[str]:
        """The rubric's ``treatment`` columns that are ``among`` the given ones, in rubric order."""
        return [s.name for s in self.rubric.with_treatment(treatment) if s.name in among]


def _require(store: Storage, label: str, path: str) -> None:
    ok = os.path.exists(path) if is_local(path) else store.exists(path)
    if not ok:
        raise VerifyError(f"{label} {path} does not exist; check the path and retry.")


def _rubric(rubric: str | Rubric) -> tuple[Rubric, str]:
    if isinstance(rubric, Rubric):
        return rubric, rubric.source
    try:
        return load_rubric(rubric), str(rubric)
    except PiiMaskError as exc:
        raise VerifyError(f"cannot verify: {exc}") from None


def _keyring(ref: str, rubric: Rubric) -> Keyring:
    try:
        ring = load_keyring(ref)
        ring.check_rotation(rubric.rotation)
    except PiiMaskError as exc:
        raise VerifyError(f"cannot verify: {exc}") from None
    return ring


def _read_output(spark: SparkSession, store: Storage, path: str, audit: dict | None) -> DataFrame:
    if not store.data_files(path):
        raise VerifyError(f"--output {path} holds no data files; point it at the job's output.")
    fmt = output_format(store, path, audit)
    try:
        if fmt == "csv":
            return restore_formulas(read_input(spark, path, "csv").drop(CORRUPT_RECORD))
        return spark.read.parquet(path)
    except AnalysisException:
        raise VerifyError(f"--output {path} cannot be read as {fmt}.") from None
    except Exception as exc:  # a PiiMaskError from read_input, or Spark's
        raise VerifyError(f"--output {path} cannot be read as {fmt} ({type(exc).__name__}).") from None


def _open_table(
    spark: SparkSession, store: Storage, name: str, at: dict, frame: DataFrame | None, audit: dict | None
) -> tuple[DataFrame, dict | None]:
    """A table output (its main branch, or ``at``'s branch or snapshot) and its newest audit."""
    table = Table(spark, name)
    try:
        table.check_catalog()
        if not table.exists():
            raise VerifyError(f"--output table {name} does not exist; check the name.")
        out = frame if frame is not None else table.read(at.get("branch"), at.get("snapshot"))
        if audit is None:
            audit = latest_audit(store, table.audit_root())
    except TableError as exc:
        raise VerifyError(str(exc)) from None
    except AnalysisException:
        raise VerifyError(f"--output table {name} cannot be read at {at or 'main'}.") from None
    return out.drop(ROW_DIGEST), audit


def _check_raw_encoding(encoding: str, fmt: str) -> None:
    try:
        check_encoding(encoding, fmt, "--raw-encoding")
    except UsageError as exc:
        raise VerifyError(str(exc)) from None


def _read_raw(spark: SparkSession, path: str, fmt: str, encoding: str, rubric: Rubric) -> DataFrame:
    try:
        raw = read_input(spark, path, fmt, encoding, flag="--raw-encoding")
    except Exception as exc:  # only our own messages are echoed: they hold no value
        why = str(exc) if isinstance(exc, PiiMaskError) else type(exc).__name__
        raise VerifyError(f"--raw {path} cannot be read as {fmt}: {why}") from None
    if rubric.event_time_column not in raw.columns:
        raise VerifyError(
            f"--raw {path} lacks the event-time column {rubric.event_time_column}; is it the job's input?"
        )
    return raw


def _column_groups(rubric: Rubric, out_cols: list[str], raw_cols: list[str] | None) -> dict:
    """The column lists the checks share, from the rubric and the two datasets' columns."""
    groups = {
        "token_columns": [
            s.name
            for s in rubric.with_treatment("token")
            if s.name in out_cols and (raw_cols is None or s.name in raw_cols)
        ]
    }
    if raw_cols is None:
        return groups
    common = [c for c in out_cols if c in raw_cols and c in rubric.output_columns]
    treatment = {c: rubric.column(c).treatment for c in common}
    groups.update(
        common=common,
        ident=[s.name for s in rubric.columns if s.bucket in ("direct", "quasi") and s.name in raw_cols],
        direct=[c for c in common if treatment[c] == "hmac"],
        keyed=[c for c in common if treatment[c] in ("hmac", "token")],
        behavioral=[c for c in common if treatment[c] == "keep"],
    )
    return groups


def _audit_facts(audit: dict | None) -> dict:
    counts = (audit or {}).get("counts") or {}
    return {
        "tokens_removed": MappingProxyType(dict(counts.get("tokens_removed_after_run") or {})),
        # rows a table run held back are missing from the output like suppressed ones
        "rows_suppressed": int(counts.get("rows_suppressed") or 0) + int(counts.get("rows_held") or 0),
        "k_suppressed": int(((audit or {}).get("privacy") or {}).get("rows_suppressed") or 0),
    }


def open_context(
    spark: SparkSession,
    rubric: str | Rubric,
    output: str,
    *,
    raw: str | None,
    raw_format: str,
    quarantine: str | None,
    raw_encoding: str = DEFAULT_ENCODING,
    keyring: str | None,
    substring_budget: int,
    broadcast_rows: int,
    text_broadcast_rows: int | None,
    at: dict | None = None,
    frame: DataFrame | None = None,
    new_rows: DataFrame | None = None,
    audit: dict | None = None,
    whole_classes: DataFrame | None = None,
) -> Context:
    """Check the arguments, then read the audit record, the output and the raw input (in that
    order: a wrong argument fails before Spark reads a byte).

    ``output`` is a folder or an Iceberg table ``catalog.database.table``; for a table, ``at``
    may name a ``branch`` or a ``snapshot``, and the job's write-audit-publish passes the
    branch's rows as ``frame``, the rows its run appended to the branch as ``new_rows`` (only
    they get the row checks; the checks across rows read ``frame``) and the run's record as
    ``audit``."""
    table = is_table_name(output)
    spec, rubric_path = _rubric(rubric)
    if keyring and not raw:
        raise VerifyError("--keyring needs --raw: digests are recomputed from the raw values.")
    ring = _keyring(keyring, spec) if keyring else None
    if raw_format not in INPUT_FORMATS:
        raise VerifyError(f"--raw-format must be csv, parquet or json; found {raw_format!r}.")
    if raw:
        _check_raw_encoding(raw_encoding, raw_format)
    store = Storage(spark)
    for label, path in (
        ("--output", None if table else output),
        ("--raw", raw),
        ("--quarantine", None if names_table(spark, quarantine) else quarantine),
    ):
        if path:
            _require(store, label, path)
    if table:
        out, audit = _open_table(spark, store, output, at or {}, frame, audit)
    else:
        audit = latest_audit(store, output)
        out = _read_output(spark, store, output, audit)
    raw_df = _read_raw(spark, raw, raw_format, raw_encoding, spec) if raw else None
    raw_cols = [c for c in raw_df.columns if c != CORRUPT_RECORD] if raw_df is not None else None
    return Context(
        spark=spark,
        store=store,
        rubric=spec,
        rubric_path=rubric_path,
        output=output,
        raw_path=raw,
        quarantine=quarantine,
        keyring_ref=keyring,
        keyring=ring,
        substring_budget=substring_budget,
        broadcast_rows=broadcast_rows,
        text_broadcast_rows=broadcast_rows if text_broadcast_rows is None else text_broadcast_rows,
        audit=audit,
        out=out if new_rows is None else new_rows.drop(ROW_DIGEST),
        whole=out,
        whole_classes=whole_classes,
        dtypes=MappingProxyType({f.name: f.dataType for f in out.schema.fields}),
        raw=raw_df,
        raw_columns=raw_cols,
        raw_encoding=raw_encoding,
        **_audit_facts(audit),
        **_column_groups(spec, list(out.columns), raw_cols),
    )
