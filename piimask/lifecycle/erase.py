"""`pii-mask erase`: erase one person (GDPR Art. 17) from a masked output and from the vault.

Values come from a file, one per line (never from the command line, so they stay out of process
lists and shell history). For a direct column each value's digest is derived under every window
key in the keyring; for a quasi column, its token. The output is rebuilt without the matching
rows (atomically: staged, then swapped; see rewrite.py), the vault loses the erased column's
entries and every token that no longer appears in the output, given ``--quarantine`` the person's
quarantined raw rows go too (matched on the raw column, exactly), and an erasure certificate
(columns, counts, run id, time; never a value, digest or token) is published under
``OUTPUT/_audit/``. A vault or quarantine that is an Iceberg table (docs/tables.md) loses the rows
by a row-level delete, then its other refs and older snapshots and its orphan files, so no data
file of it holds them (``lifecycle.tables.purge``).
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from pathlib import Path

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from piimask.errors import PiiMaskError, Refused, UsageError
from piimask.expr.hmac import hmac_sha256_hex, pad_key
from piimask.frames.keys import keys_frame
from piimask.frames.read import output_format
from piimask.job.hold import HELD_DIR
from piimask.keys import keyring as keyring_mod
from piimask.keys.keyring import Keyring
from piimask.lifecycle.rewrite import Rewrite, stage_without
from piimask.lifecycle.tables import TableRemoval, erase_raw_tables, remove_rows, vault_hit
from piimask.rubric import Column as RubricColumn
from piimask.rubric import Rubric, load_rubric
from piimask.storage.audit import (
    AUDIT_DIR,
    actor,
    audit_records,
    earlier_versions,
    latest_run_record,
    log_record,
    new_run_id,
    utc_now,
)
from piimask.storage.fs import Storage
from piimask.storage.iceberg import Table, is_table_name
from piimask.storage.paths import is_within, normalize
from piimask.storage.raw_tables import RawTable, names_table
from piimask.storage.transaction import StagedTransaction, inside
from piimask.treatments.token import token

__all__ = [
    "ErasureResult",
    "add_arguments",
    "erase",
    "main",
    "read_values",
    "stage_quarantine",
    "stage_vault",
    "summary",
    "targets",
]

CERTIFICATE_PREFIX = "erasure-"


@dataclass(frozen=True)
class ErasureResult:
    certificate: dict
    certificate_path: str


def read_values(path: str, what: str = "values") -> list[str]:
    """Distinct non-empty lines of a UTF-8 file, exactly as written (line ends removed)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"{what} file {path} does not exist; check the path.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{what} file {path} cannot be read as UTF-8 text ({type(exc).__name__}).") from None
    values = list(dict.fromkeys(line for line in text.splitlines() if line.strip()))
    if not values:
        raise Refused(f"{what} file {path} holds no {what} (one per line); nothing was changed.")
    return values


def _spec(rubric: Rubric, column: str) -> RubricColumn:
    try:
        spec = rubric.column(column)
    except KeyError:
        raise UsageError(f"--column {column} is not in rubric {rubric.source}.") from None
    if spec.treatment not in ("hmac", "token"):
        raise Refused(
            f"--column {column} is treated '{spec.treatment}', so the output holds no value derived "
            "from it that could find a person's rows. Erase by a direct (hmac) or quasi (token) "
            "column of the rubric instead."
        )
    return spec


def targets(spark: SparkSession, spec: RubricColumn, values: list[str], keyring: Keyring) -> set[str]:
    """What the values look like in the output: digests under every window key, or tokens.

    Computed with the job's own native expressions, so they match the output by construction.
    """
    vals = spark.createDataFrame([(v,) for v in values], "value string")
    if spec.treatment == "hmac":
        if not keyring.direct:
            raise Refused(
                f"keyring {keyring.ref} holds no direct window key: no digest can be derived "
                "(shredded windows are unlinkable for good). Nothing was changed."
            )
        keyed = vals.crossJoin(F.broadcast(keys_frame(spark, keyring)))
        derived = hmac_sha256_hex(F.col("value"), F.col("_d_ipad"), F.col("_d_opad"))
    else:
        tok = pad_key(keyring.token)
        pads = spark.createDataFrame(
            [(bytearray(tok.ipad), bytearray(tok.opad))], "_t_ipad binary, _t_opad binary"
        )
        keyed = vals.crossJoin(F.broadcast(pads))
        derived = token(F.col("value"), spec.params, F.col("_t_ipad"), F.col("_t_opad"))
    return {row["t"] for row in keyed.select(derived.alias("t")).collect()}


def _partitions(
    spark: SparkSession, store: Storage, root: str, merge_schema: bool = False
) -> DataFrame | None:
    """Every ``run_id=`` partition of ``root`` in one frame, with its partition in ``_part``."""
    parts = [p for p in store.list(root) if p.startswith("run_id=")]
    if not parts:
        return None
    reader = spark.read.option("mergeSchema", "true") if merge_schema else spark.read
    return reader.parquet(*[posixpath.join(root, p) for p in parts]).withColumn(
        "_part", F.regexp_extract(F.input_file_name(), r"(run_id=[^/]+)/[^/]*$", 1)
    )


def _stage_partitions(
    spark: SparkSession, root: str, rows: DataFrame, hit: Column, stage_root: str, by: Column
) -> tuple[list[tuple[str, str]], dict[str, int]]:
    """Stage a copy of each partition of ``root`` (``rows``, from ``_partitions``) holding a row
    where ``hit`` holds, without those rows; return the (final, staged) swaps and the rows
    removed per ``by`` value."""
    found = rows.where(hit).groupBy("_part", by.alias("_by")).count().collect()
    counts: dict[str, int] = {}
    swaps = []
    for part in sorted({row["_part"] for row in found}):
        final = posixpath.join(root, part)
        staged = posixpath.join(stage_root, part)
        spark.read.parquet(final).where(~hit).write.mode("overwrite").parquet(staged)
        swaps.append((final, staged))
    for row in found:
        counts[row["_by"]] = counts.get(row["_by"], 0) + int(row["count"])
    return swaps, counts


def stage_vault(
    spark: SparkSession, store: Storage, vault: str, removals: dict[str, set[str]], stage_root: str
) -> tuple[list[tuple[str, str]], dict[str, int]]:
    """Stage each vault partition that holds a (column, token) to remove; return swaps and counts."""
    hit = vault_hit(removals)
    entries = _partitions(spark, store, vault) if hit is not None else None
    if entries is None:
        return [], {}
    return _stage_partitions(spark, vault, entries, hit, stage_root, F.col("column"))


def stage_quarantine(
    spark: SparkSession, store: Storage, quarantine: str, column: str, values: list[str], stage_root: str
) -> tuple[list[tuple[str, str]], dict[str, int]]:
    """Stage each quarantine partition holding a row whose raw ``column`` is one of ``values``
    (exactly, as text); return swaps and the rows removed per partition (``run_id=...``).
    Partitions are read with their schemas merged: runs may have had different inputs, and a
    partition without the column holds none of the person's rows."""
    rows = _partitions(spark, store, quarantine, merge_schema=True)
    if rows is None or column not in rows.columns:
        return [], {}
    hit = F.coalesce(F.col(f"`{column}`").cast("string").isin(values), F.lit(False))
    return _stage_partitions(spark, quarantine, rows, hit, stage_root, F.col("_part"))


def _locations(
    output: str, vault: str, quarantine: str | None, is_table=lambda _: False
) -> tuple[str, str, str | None]:
    output = output if is_table_name(output) else normalize(output)
    vault = vault if is_table(vault) else normalize(vault)
    if is_within(vault, output) or is_within(output, vault):
        raise UsageError("--vault must not be inside --output (or hold it).")
    if quarantine is not None:
        quarantine = quarantine if is_table(quarantine) else normalize(quarantine)
        if any(is_within(quarantine, o) or is_within(o, quarantine) for o in (output, vault)):
            raise UsageError("--quarantine must not be inside --output or --vault (or hold one).")
    return output, vault, quarantine


def _explain(exc: BaseException, published: list[str]) -> PiiMaskError:
    where = (
        "the vault entries or quarantined rows were removed but the output was not "
        "rewritten; re-run the same erasure to finish it"
        if published
        else "nothing was changed: the output and the vault are as they were"
    )
    return UsageError(f"the erasure failed ({type(exc).__name__}); {where}.")


@dataclass(frozen=True)
class _Request:
    """One erasure: its id and start, the rubric column, the values' derived forms, locations."""

    erase_id: str
    started: str
    rubric_path: str
    rubric: Rubric
    spec: RubricColumn
    values: list[str]
    wanted: set[str]  # digests under every window key, or tokens
    keyring: Keyring
    keyring_ref: str
    output: str
    vault: str
    quarantine: str | None
    run: dict | None  # the latest run's audit record
    fmt: str
    vault_table: bool = False  # --vault names a table (storage.raw_tables)
    quarantine_table: bool = False


def _certificate(
    r: _Request, rewrite: Rewrite | TableRemoval, vault_counts: dict, q_counts: dict, raw_tables: dict
) -> dict:
    table = {"table": rewrite.table_facts()} if isinstance(rewrite, TableRemoval) else {}
    return {
        **table,
        **({"raw_tables": raw_tables} if raw_tables else {}),
        "kind": "erasure",
        "id": r.erase_id,
        "applies_to_run": (r.run or {}).get("run_id"),
        "started_at": r.started,
        "ended_at": utc_now(),
        "actor": actor(),
        "request": "GDPR Art. 17 erasure",
        "rubric": {"path": r.rubric_path, "version": r.rubric.version, "sha256": r.rubric.sha256},
        "output": {"path": r.output, "format": r.fmt},
        "vault": {"path": r.vault},
        "quarantine": {"path": r.quarantine},
        "column": {"name": r.spec.name, "bucket": r.spec.bucket, "treatment": r.spec.treatment},
        "values_requested": len(r.values),
        "keyring": {
            "ref": r.keyring_ref,
            "windows_searched": list(r.keyring.windows) if r.spec.treatment == "hmac" else [],
            "key_ids": r.keyring.key_ids(),
        },
        "counts": {
            **rewrite.counts(),
            "vault_entries_removed": sum(vault_counts.values()),
            "vault_entries_removed_by_column": dict(sorted(vault_counts.items())),
            "quarantine_rows_removed": sum(n for part, n in q_counts.items() if part != HELD_DIR),
            "quarantine_rows_removed_by_run": {
                part.removeprefix("run_id="): n for part, n in sorted(q_counts.items()) if part != HELD_DIR
            },
            "held_rows_removed": q_counts.get(HELD_DIR, 0),
        },
        **({"earlier_versions": note} if (note := earlier_versions(r.output)) else {}),
        "outcome": "succeeded",
    }


def _erase_raw_zone(
    spark: SparkSession, r: _Request, tx: StagedTransaction, removals: dict
) -> tuple[dict, dict, dict]:
    """Stage the vault without ``removals`` and the quarantine without the person's rows, then
    swap both in (or delete from their tables); return the counts removed (vault per column,
    quarantine per run) and the raw tables' cleanup facts."""
    store = tx.store
    vault_counts, q_counts, facts = erase_raw_tables(
        spark, r.vault if r.vault_table else None, r.quarantine if r.quarantine_table else None,
        removals, r.spec.name, r.values,
    )  # fmt: skip
    tx.published.extend(facts)
    swaps, h_swaps, h_counts = [], [], {}
    if vault_counts is None:
        v_stage = tx.stage(inside(r.vault, "erase", r.erase_id))
        swaps, vault_counts = stage_vault(spark, store, r.vault, removals, v_stage)
    q_swaps = []
    if r.quarantine is not None:
        if q_counts is None:
            q_stage = tx.stage(inside(r.quarantine, "erase", r.erase_id))
            q_swaps, q_counts = stage_quarantine(spark, store, r.quarantine, r.spec.name, r.values, q_stage)
        # a table output's held-back rows are raw rows too (job/hold.py): inside a quarantine
        # folder, beside a quarantine table
        home = RawTable.open(spark, r.quarantine).home() if r.quarantine_table else r.quarantine
        held = posixpath.join(home, HELD_DIR)
        h_stage = tx.stage(inside(held, "erase", r.erase_id))
        h_swaps, h_counts = stage_quarantine(spark, store, held, r.spec.name, r.values, h_stage)
    if not r.vault_table:
        tx.swap(swaps, inside(r.vault, "erase", r.erase_id) + ".previous")
    if q_swaps:
        tx.swap(q_swaps, inside(r.quarantine, "erase", r.erase_id) + ".previous")
    if h_swaps:
        tx.swap(h_swaps, inside(held, "erase", r.erase_id) + ".previous")
    return vault_counts, {**(q_counts or {}), HELD_DIR: sum(h_counts.values())}, facts


def _execute(spark: SparkSession, r: _Request, tx: StagedTransaction) -> tuple[dict, str]:
    """Stage the output, vault and quarantine without the person; publish raw zone first."""
    store, column = tx.store, r.spec.name
    stage = tx.stage(inside(r.output, "erase", r.erase_id))
    token_columns = [c.name for c in r.rubric.with_treatment("token")]
    rewrite: Rewrite = stage_without(
        spark,
        store,
        r.output,
        r.fmt,
        F.col(f"`{column}`").isin(sorted(r.wanted)),
        token_columns,
        stage,
        getattr(r.rubric, "privacy", None),
    )
    removals = {c: set(t) for c, t in rewrite.tokens_gone.items()}
    if r.spec.treatment == "token":  # every vault entry of the erased values, seen here or not
        removals[column] = removals.get(column, set()) | r.wanted
    vault_counts, q_counts, facts = _erase_raw_zone(spark, r, tx, removals)  # raw zone first
    certificate = _certificate(r, rewrite, vault_counts, q_counts, facts)
    path = posixpath.join(r.output, AUDIT_DIR, f"{CERTIFICATE_PREFIX}{r.erase_id}.json")
    text = json.dumps(certificate, indent=2, sort_keys=True) + "\n"
    if rewrite.rows_removed:
        store.write_text(posixpath.join(stage, AUDIT_DIR, posixpath.basename(path)), text)
        tx.replace(stage, r.output, keep=(AUDIT_DIR,))
    else:  # nothing to rewrite: the output stays as it is; only the certificate is added
        store.write_text(path, text)
    return certificate, path


def _execute_table(
    spark: SparkSession, r: _Request, tx: StagedTransaction, records_at: str
) -> tuple[dict, str]:
    """The raw zone first (vault, quarantine), then the table's row-level delete and cleanup."""
    store, column = tx.store, r.spec.name
    removals = {column: set(r.wanted)} if r.spec.treatment == "token" else {}
    vault_counts, q_counts, facts = _erase_raw_zone(spark, r, tx, removals)
    asked = F.col(f"`{column}`").isin(sorted(r.wanted))
    removal = remove_rows(spark, r.output, asked, getattr(r.rubric, "privacy", None))
    tx.published.append(r.output)
    certificate = _certificate(r, removal, vault_counts, q_counts, facts)
    path = posixpath.join(records_at, AUDIT_DIR, f"{CERTIFICATE_PREFIX}{r.erase_id}.json")
    store.write_text(path, json.dumps(certificate, indent=2, sort_keys=True) + "\n")
    return certificate, path


def erase(
    spark: SparkSession,
    rubric_path: str,
    output: str,
    vault: str,
    keyring_ref: str,
    column: str,
    values_file: str,
    quarantine: str | None = None,
) -> ErasureResult:
    """Erase the person whose raw ``column`` values are in ``values_file`` from ``output`` and
    ``vault`` (and, given ``quarantine``, their quarantined raw rows); return the certificate."""
    started, erase_id = utc_now(), new_run_id()
    rubric = load_rubric(rubric_path)
    spec = _spec(rubric, column)
    output, vault, quarantine = _locations(output, vault, quarantine, lambda x: names_table(spark, x))
    values = read_values(values_file)
    keyring = keyring_mod.load(keyring_ref)
    keyring.check_rotation(rubric.rotation)
    store = Storage(spark)
    table = Table(spark, output) if is_table_name(output) else None
    q_table = names_table(spark, quarantine)
    for flag, given in (
        ("--output", None if table else output),
        ("--quarantine", None if q_table else quarantine),
    ):
        if given is not None and not store.exists(given):
            raise UsageError(f"{flag} {given} does not exist; check the path.")
    if table is not None:
        table.check_catalog()
        if not table.exists():
            raise UsageError(f"--output table {output} does not exist; check the name.")
    records_at = table.audit_root() if table is not None else output
    run = latest_run_record(audit_records(store, records_at))
    request = _Request(
        erase_id,
        started,
        rubric_path,
        rubric,
        spec,
        values,
        targets(spark, spec, values, keyring),
        keyring,
        keyring_ref,
        output,
        vault,
        quarantine,
        run,
        "iceberg" if table is not None else output_format(store, output, run),
        names_table(spark, vault),
        q_table,
    )
    failure = {
        "kind": "erasure",
        "id": erase_id,
        "started_at": started,
        "actor": actor(),
        "output": {"path": output},
        "column": {"name": column},
    }
    with StagedTransaction(store, failure, explain=_explain) as tx:
        if table is not None:
            certificate, path = _execute_table(spark, request, tx, records_at)
        else:
            certificate, path = _execute(spark, request, tx)
    log_record(certificate)
    return ErasureResult(certificate, path)


def _output_line(certificate: dict) -> str:
    """The output's line of the summary: a folder's files, or a table's delete and cleanup."""
    c = certificate["counts"]
    if "table" in certificate:  # an Iceberg table: no files of the kit's own, a row-level delete
        t = certificate["table"]
        return (
            f"  table rows    : {c['table_rows_removed']} removed ({c['rows_suppressed_for_k']} of them "
            f"to keep k-anonymity); {len(t['snapshots_expired'])} snapshot(s) expired, "
            f"{t['orphan_files_removed']} orphan file(s) removed"
        )
    return (
        f"  output rows   : {c['rows_removed']} removed ({c['files_rewritten']} file(s) rewritten, "
        f"{c['files_deleted']} deleted, {c['files_unchanged']} unchanged; "
        f"{c['rows_suppressed_for_k']} of them re-suppressed to keep k-anonymity)"
    )


def summary(result: ErasureResult) -> str:
    c = result.certificate["counts"]
    return "\n".join(
        [
            f"erasure {result.certificate['id']}: {result.certificate['outcome']}",
            f"  column        : {result.certificate['column']['name']} "
            f"({result.certificate['values_requested']} value(s) requested)",
            _output_line(result.certificate),
            f"  vault entries : {c['vault_entries_removed']} removed",
            *(
                [f"  quarantine    : {c['quarantine_rows_removed']} raw row(s) removed"]
                if result.certificate["quarantine"]["path"]
                else []
            ),
            f"  certificate   : {result.certificate_path}",
        ]
    )


def add_arguments(p) -> None:
    p.add_argument("--rubric", required=True, help="path to rubric.yaml")
    p.add_argument("--output", required=True, help="the masked output folder to erase from")
    p.add_argument("--vault", required=True, help="the vault folder (raw zone), or its table")
    p.add_argument("--keyring", required=True, help="file:PATH, env:VAR or secretsmanager:SECRET_ID")
    p.add_argument("--column", required=True, help="a direct (hmac) or quasi (token) rubric column")
    p.add_argument("--values-file", required=True, help="file with the person's raw values, one per line")
    p.add_argument(
        "--quarantine",
        help="the job's quarantine folder or table (raw zone): the person's quarantined rows go too",
    )


def main(args) -> int:
    from piimask.session import get_spark

    load_rubric(args.rubric)  # fail on a bad rubric before starting Spark
    result = erase(
        get_spark("pii-mask-erase"),
        args.rubric,
        args.output,
        args.vault,
        args.keyring,
        args.column,
        args.values_file,
        quarantine=args.quarantine,
    )
    print(summary(result))
    return 0
