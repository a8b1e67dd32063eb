"""`pii-mask erase`: erase one person (GDPR Art. 17) from a masked output and from the vault.

Values come from a file, one per line (never from the command line, so they stay out of process
lists and shell history). For a direct column each value's digest is derived under every window
key in the keyring; for a quasi column, its token. The output is rebuilt without the matching
rows (atomically: staged, then swapped; see rewrite.py), the vault loses the erased column's
entries and every token that no longer appears in the output, given ``--quarantine`` the person's
quarantined raw rows go too (matched on the raw column, exactly), and an erasure certificate
(columns, counts, run id, time; never a value, digest or token) is published under
``OUTPUT/_audit/``.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from pathlib import Path

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from . import keyring as keyring_mod
from .audit import AUDIT_DIR, actor, log_record, new_run_id, utc_now
from .errors import PiiMaskError
from .hmac import hmac_sha256_hex, pad_key
from .job import keys_frame
from .keyring import Keyring
from .rewrite import Rewrite, audit_records, latest_run_record, output_format, stage_name, stage_without
from .rubric import Column as RubricColumn
from .rubric import Rubric, load_rubric
from .storage import Storage, is_within, normalize
from .treatments import token

__all__ = [
    "ErasureResult",
    "add_arguments",
    "erase",
    "main",
    "read_values",
    "stage_quarantine",
    "stage_vault",
    "summary",
    "swap_partitions",
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
        raise PiiMaskError(f"{what} file {path} does not exist; check the path.", exit_code=2) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PiiMaskError(
            f"{what} file {path} cannot be read as UTF-8 text ({type(exc).__name__}).", exit_code=2
        ) from None
    values = list(dict.fromkeys(line for line in text.splitlines() if line.strip()))
    if not values:
        raise PiiMaskError(f"{what} file {path} holds no {what} (one per line); nothing was changed.")
    return values


def _spec(rubric: Rubric, column: str) -> RubricColumn:
    try:
        spec = rubric.column(column)
    except KeyError:
        raise PiiMaskError(f"--column {column} is not in rubric {rubric.source}.", exit_code=2) from None
    if spec.treatment not in ("hmac", "token"):
        raise PiiMaskError(
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
            raise PiiMaskError(
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
    removals = {c: t for c, t in removals.items() if t}
    entries = _partitions(spark, store, vault) if removals else None
    if entries is None:
        return [], {}
    cond = None
    for column, tokens in sorted(removals.items()):
        c = (F.col("column") == F.lit(column)) & F.col("token").isin(sorted(tokens))
        cond = c if cond is None else cond | c
    hit = F.coalesce(cond, F.lit(False))
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


def swap_partitions(store: Storage, swaps: list[tuple[str, str]], trash_root: str) -> None:
    """Replace each partition (vault or quarantine) by its staged copy; undo the ones done if one
    fails."""
    done = []
    try:
        for final, staged in swaps:
            old = posixpath.join(trash_root, posixpath.basename(final))
            store.rename(final, old)
            try:
                store.rename(staged, final)
            except Exception:
                store.rename(old, final)
                raise
            done.append((final, old))
    except Exception:
        for final, old in reversed(done):
            store.delete(final)
            store.rename(old, final)
        raise
    store.delete(trash_root)


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
    started = utc_now()
    erase_id = new_run_id()
    rubric = load_rubric(rubric_path)
    spec = _spec(rubric, column)
    output, vault = normalize(output), normalize(vault)
    if is_within(vault, output) or is_within(output, vault):
        raise PiiMaskError("--vault must not be inside --output (or hold it).", exit_code=2)
    if quarantine is not None:
        quarantine = normalize(quarantine)
        if any(is_within(quarantine, o) or is_within(o, quarantine) for o in (output, vault)):
            raise PiiMaskError(
                "--quarantine must not be inside --output or --vault (or hold one).", exit_code=2
            )
    values = read_values(values_file)
    keyring = keyring_mod.load(keyring_ref)
    keyring.check_rotation(rubric.rotation)
    store = Storage(spark)
    for flag, given in (("--output", output), ("--quarantine", quarantine)):
        if given is not None and not store.exists(given):
            raise PiiMaskError(f"{flag} {given} does not exist; check the path.", exit_code=2)
    records = audit_records(store, output)
    run = latest_run_record(records)
    fmt = output_format(store, output, run)
    wanted = targets(spark, spec, values, keyring)

    stage = stage_name(output, "erase", erase_id)
    v_stage = posixpath.join(vault, f".erase-{erase_id}")
    v_trash = posixpath.join(vault, f".erase-{erase_id}.previous")
    q_stage = None if quarantine is None else posixpath.join(quarantine, f".erase-{erase_id}")
    q_trash = None if quarantine is None else posixpath.join(quarantine, f".erase-{erase_id}.previous")
    token_columns = [c.name for c in rubric.with_treatment("token")]
    raw_zone_changed = False
    try:
        rewrite: Rewrite = stage_without(
            spark,
            store,
            output,
            fmt,
            F.col(f"`{column}`").isin(sorted(wanted)),
            token_columns,
            stage,
            getattr(rubric, "privacy", None),
        )
        removals = {c: set(t) for c, t in rewrite.tokens_gone.items()}
        if spec.treatment == "token":  # every vault entry of the erased values, seen here or not
            removals[column] = removals.get(column, set()) | wanted
        swaps, vault_counts = stage_vault(spark, store, vault, removals, v_stage)
        q_swaps, q_counts = [], {}
        if quarantine is not None:
            q_swaps, q_counts = stage_quarantine(spark, store, quarantine, column, values, q_stage)
        certificate = {
            "kind": "erasure",
            "id": erase_id,
            "applies_to_run": (run or {}).get("run_id"),
            "started_at": started,
            "ended_at": utc_now(),
            "actor": actor(),
            "request": "GDPR Art. 17 erasure",
            "rubric": {"path": rubric_path, "version": rubric.version, "sha256": rubric.sha256},
            "output": {"path": output, "format": fmt},
            "vault": {"path": vault},
            "quarantine": {"path": quarantine},
            "column": {"name": column, "bucket": spec.bucket, "treatment": spec.treatment},
            "values_requested": len(values),
            "keyring": {
                "ref": keyring_ref,
                "windows_searched": list(keyring.windows) if spec.treatment == "hmac" else [],
                "key_ids": keyring.key_ids(),
            },
            "counts": {
                **rewrite.counts(),
                "vault_entries_removed": sum(vault_counts.values()),
                "vault_entries_removed_by_column": dict(sorted(vault_counts.items())),
                "quarantine_rows_removed": sum(q_counts.values()),
                "quarantine_rows_removed_by_run": {
                    part.removeprefix("run_id="): n for part, n in sorted(q_counts.items())
                },
            },
            "outcome": "succeeded",
        }
        path = posixpath.join(output, AUDIT_DIR, f"{CERTIFICATE_PREFIX}{erase_id}.json")
        text = json.dumps(certificate, indent=2, sort_keys=True) + "\n"
        swap_partitions(store, swaps, v_trash)  # raw zone first, then the masked output
        raw_zone_changed = bool(swaps)
        if q_swaps:
            swap_partitions(store, q_swaps, q_trash)
            raw_zone_changed = True
        if rewrite.rows_removed:
            store.write_text(posixpath.join(stage, AUDIT_DIR, posixpath.basename(path)), text)
            store.publish(stage, output, keep_from_previous=(AUDIT_DIR,))
        else:  # nothing to rewrite: the output stays as it is; only the certificate is added
            store.write_text(path, text)
    except BaseException as exc:
        for staged in (stage, v_stage, q_stage):
            if staged is not None:
                store.delete(staged)
        log_record(
            {
                "kind": "erasure",
                "id": erase_id,
                "started_at": started,
                "ended_at": utc_now(),
                "actor": actor(),
                "output": {"path": output},
                "column": {"name": column},
                "outcome": "failed",
                "error": type(exc).__name__,
            }
        )
        if getattr(exc, "exit_code", None) is not None or not isinstance(exc, Exception):
            raise
        where = (
            "the vault entries or quarantined rows were removed but the output was not "
            "rewritten; re-run the same erasure to finish it"
            if raw_zone_changed
            else "nothing was changed: the output and the vault are as they were"
        )
        raise PiiMaskError(f"the erasure failed ({type(exc).__name__}); {where}.", exit_code=2) from None
    for staged in (stage, v_stage, q_stage):
        if staged is not None:
            store.delete(staged)
    log_record(certificate)
    return ErasureResult(certificate, path)


def summary(result: ErasureResult) -> str:
    c = result.certificate["counts"]
    return "\n".join(
        [
            f"erasure {result.certificate['id']}: {result.certificate['outcome']}",
            f"  column        : {result.certificate['column']['name']} "
            f"({result.certificate['values_requested']} value(s) requested)",
            f"  output rows   : {c['rows_removed']} removed ({c['files_rewritten']} file(s) rewritten, "
            f"{c['files_deleted']} deleted, {c['files_unchanged']} unchanged; "
            f"{c['rows_suppressed_for_k']} of them re-suppressed to keep k-anonymity)",
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
    p.add_argument("--vault", required=True, help="the vault folder (raw zone)")
    p.add_argument("--keyring", required=True, help="file:PATH, env:VAR or secretsmanager:SECRET_ID")
    p.add_argument("--column", required=True, help="a direct (hmac) or quasi (token) rubric column")
    p.add_argument("--values-file", required=True, help="file with the person's raw values, one per line")
    p.add_argument(
        "--quarantine",
        help="the job's quarantine folder (raw zone): the person's quarantined rows are removed too",
    )


def main(args) -> int:
    from .session import get_spark

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
