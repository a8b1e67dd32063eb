"""`pii-mask erase`: erase one person (GDPR Art. 17) from a masked output and from the vault.

Values come from a file, one per line (never from the command line, so they stay out of process
lists and shell history). For a direct column each value's digest is derived under every window
key in the keyring; for a quasi column, its token. The output is rebuilt without the matching
rows (atomically: staged, then swapped; see rewrite.py), the vault loses the erased column's
entries and every token that no longer appears in the output, and an erasure certificate (columns,
counts, run id, time; never a value, digest or token) is published under ``OUTPUT/_audit/``.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from pathlib import Path

from pyspark.sql import SparkSession
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
    "stage_vault",
    "summary",
    "swap_vault",
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


def stage_vault(
    spark: SparkSession, store: Storage, vault: str, removals: dict[str, set[str]], stage_root: str
) -> tuple[list[tuple[str, str]], dict[str, int]]:
    """Stage each vault partition that holds a (column, token) to remove; return swaps and counts."""
    parts = [p for p in store.list(vault) if p.startswith("run_id=")]
    removals = {c: t for c, t in removals.items() if t}
    if not parts or not removals:
        return [], {}
    cond = None
    for column, tokens in sorted(removals.items()):
        c = (F.col("column") == F.lit(column)) & F.col("token").isin(sorted(tokens))
        cond = c if cond is None else cond | c
    hit = F.coalesce(cond, F.lit(False))
    entries = spark.read.parquet(*[posixpath.join(vault, p) for p in parts]).withColumn(
        "_part", F.regexp_extract(F.input_file_name(), r"(run_id=[^/]+)/[^/]*$", 1)
    )
    found = entries.where(hit).groupBy("_part", "column").count().collect()
    counts: dict[str, int] = {}
    swaps = []
    for part in sorted({row["_part"] for row in found}):
        final = posixpath.join(vault, part)
        staged = posixpath.join(stage_root, part)
        spark.read.parquet(final).where(~hit).write.mode("overwrite").parquet(staged)
        swaps.append((final, staged))
    for row in found:
        counts[row["column"]] = counts.get(row["column"], 0) + int(row["count"])
    return swaps, counts


def swap_vault(store: Storage, swaps: list[tuple[str, str]], trash_root: str) -> None:
    """Replace each vault partition by its staged copy; undo the ones done if one fails."""
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
) -> ErasureResult:
    started = utc_now()
    erase_id = new_run_id()
    rubric = load_rubric(rubric_path)
    spec = _spec(rubric, column)
    output, vault = normalize(output), normalize(vault)
    if is_within(vault, output) or is_within(output, vault):
        raise PiiMaskError("--vault must not be inside --output (or hold it).", exit_code=2)
    values = read_values(values_file)
    keyring = keyring_mod.load(keyring_ref)
    keyring.check_rotation(rubric.rotation)
    store = Storage(spark)
    if not store.exists(output):
        raise PiiMaskError(f"--output {output} does not exist; check the path.", exit_code=2)
    records = audit_records(store, output)
    run = latest_run_record(records)
    fmt = output_format(store, output, run)
    wanted = targets(spark, spec, values, keyring)

    stage = stage_name(output, "erase", erase_id)
    v_stage = posixpath.join(vault, f".erase-{erase_id}")
    v_trash = posixpath.join(vault, f".erase-{erase_id}.previous")
    token_columns = [c.name for c in rubric.with_treatment("token")]
    vault_swapped = False
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
            },
            "outcome": "succeeded",
        }
        path = posixpath.join(output, AUDIT_DIR, f"{CERTIFICATE_PREFIX}{erase_id}.json")
        text = json.dumps(certificate, indent=2, sort_keys=True) + "\n"
        swap_vault(store, swaps, v_trash)  # raw zone first, then the masked output
        vault_swapped = bool(swaps)
        if rewrite.rows_removed:
            store.write_text(posixpath.join(stage, AUDIT_DIR, posixpath.basename(path)), text)
            store.publish(stage, output, keep_from_previous=(AUDIT_DIR,))
        else:  # nothing to rewrite: the output stays as it is; only the certificate is added
            store.write_text(path, text)
    except BaseException as exc:
        store.delete(stage)
        store.delete(v_stage)
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
            "the vault entries were removed but the output was not rewritten; re-run the same "
            "erasure to finish it"
            if vault_swapped
            else "nothing was changed: the output and the vault are as they were"
        )
        raise PiiMaskError(f"the erasure failed ({type(exc).__name__}); {where}.", exit_code=2) from None
    store.delete(stage)
    store.delete(v_stage)
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
    )
    print(summary(result))
    return 0
