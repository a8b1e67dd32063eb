"""Remove rows from a published output atomically, and the lifecycle records that say so.

Erasure and retention both take rows out of an output the job already published. They share
this module: ``stage_without`` builds the new output in a hidden staging folder (files with no
removed row are copied byte for byte, files with some are rewritten without them, files with
only removed rows are left out), and ``Storage.publish`` swaps it in with one rename, so a failure
leaves the previous output intact. Each action writes a lifecycle record (kind ``erasure`` or
``retention``) under ``OUTPUT/_audit/`` naming the run whose output it changed;
``storage.audit.fold_lifecycle``
lets verify.py count those rows as removed after the run (no values anywhere).
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass, field

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from piimask.errors import UsageError
from piimask.frames.read import output_writer, read_output
from piimask.storage.fs import Storage
from piimask.storage.paths import path_part

__all__ = ["Rewrite", "small_classes", "stage_without"]


@dataclass
class Rewrite:
    """What staging the output without some rows did (counts only; tokens stay in memory)."""

    stage: str
    rows_removed: int = 0
    files_rewritten: int = 0
    files_deleted: int = 0
    files_unchanged: int = 0
    rows_suppressed_for_k: int = 0
    tokens_gone: dict[str, list[str]] = field(default_factory=dict)  # never written anywhere

    def counts(self) -> dict:
        return {
            "rows_removed": self.rows_removed,
            "files_rewritten": self.files_rewritten,
            "files_deleted": self.files_deleted,
            "files_unchanged": self.files_unchanged,
            "rows_suppressed_for_k": self.rows_suppressed_for_k,
            "tokens_removed": {c: len(t) for c, t in sorted(self.tokens_gone.items())},
        }


def _relative(path: str, root: str) -> str:
    p, r = path_part(path), path_part(root).rstrip("/") + "/"
    if not p.startswith(r):
        raise UsageError(f"file {path} is not under {root}; the output moved while it was read.")
    return p[len(r) :]


def _class_key(columns: list[str]) -> Column:
    """One string per equivalence class (null kept apart from every value)."""
    if not columns:
        return F.lit("")
    parts = [F.coalesce(F.col(f"`{c}`").cast("string"), F.lit("\u0000")) for c in columns]
    return F.concat_ws("\u0001", *parts)


def small_classes(df: DataFrame, removed: Column, privacy) -> Column:
    """True on rows whose class, once ``removed`` rows are gone, breaks k (or l)."""
    if privacy is None or privacy.action == "report":
        return F.lit(False)
    key = _class_key([c for c in privacy.quasi_identifiers if c in df.columns])
    aggs = [F.count(F.lit(1)).alias("n")]
    small = F.col("n") < privacy.k
    sens = privacy.sensitive if privacy.sensitive in df.columns else None
    if sens and privacy.l:
        aggs.append(F.countDistinct(F.col(f"`{sens}`")).alias("d"))
        small = small | (F.col("d") < privacy.l)
    keys = [r["_k"] for r in df.where(~removed).groupBy(key.alias("_k")).agg(*aggs).where(small).collect()]
    return key.isin(keys) if keys else F.lit(False)


def stage_without(
    spark: SparkSession,
    store: Storage,
    output: str,
    fmt: str,
    remove: Column,
    token_columns: list[str],
    stage: str,
    privacy=None,
) -> Rewrite:
    """Stage ``output`` minus the rows where ``remove`` holds; the output itself is not touched.

    With the rubric's ``privacy`` (k-anonymity enforced by suppress or generalize), the rows
    left in a class that the removal shrank below k (or below l distinct sensitive values) go
    too, so the output stays k-anonymous; ``rows_suppressed_for_k`` counts them.
    """
    files = store.data_files(output)
    if not files:
        raise UsageError(f"--output {output} holds no data files; point it at the job's output.")
    asked = F.coalesce(remove, F.lit(False))
    df = read_output(spark, [output], fmt)
    hit = asked | small_classes(df, asked, privacy)
    tagged = df.withColumn("_file", F.input_file_name())
    rows_by_file = (
        tagged.groupBy("_file")
        .agg(
            F.count(F.lit(1)).alias("rows"),
            F.sum(F.when(hit, 1).otherwise(0)).alias("hits"),
            F.sum(F.when(asked, 1).otherwise(0)).alias("asked"),
        )
        .collect()
    )
    per_file = {_relative(r["_file"], output): (int(r["rows"]), int(r["hits"] or 0)) for r in rows_by_file}
    result = Rewrite(stage=stage, rows_removed=sum(h for _, h in per_file.values()))
    result.rows_suppressed_for_k = result.rows_removed - sum(int(r["asked"] or 0) for r in rows_by_file)
    if result.rows_removed:
        for c in token_columns:  # tokens whose every output row is removed: gone from the output
            if c not in df.columns:
                continue
            gone = (
                df.where(F.col(f"`{c}`").isNotNull())
                .groupBy(F.col(f"`{c}`").alias("t"))
                .agg(F.min(hit.cast("int")).alias("all_hit"))
                .where(F.col("all_hit") == 1)
            )
            tokens = [row["t"] for row in gone.collect()]
            if tokens:
                result.tokens_gone[c] = tokens
    if not result.rows_removed:  # nothing to remove: nothing to stage
        return result
    store.delete(stage)
    store.mkdirs(stage)
    partial: dict[str, list[str]] = defaultdict(list)
    for f in files:
        rel = _relative(f, output)
        rows, hits = per_file.get(rel, (0, 0))
        if hits == 0:
            store.copy_file(f, posixpath.join(stage, rel))
            result.files_unchanged += 1
        elif hits == rows:
            result.files_deleted += 1
        else:
            partial[posixpath.dirname(rel)].append(f)
            result.files_rewritten += 1
    for folder, group in partial.items():
        tmp = posixpath.join(stage, folder, ".rewrite")
        output_writer(read_output(spark, group, fmt).where(~hit), fmt).save(tmp)
        for written in store.data_files(tmp):
            store.rename(written, posixpath.join(stage, folder, posixpath.basename(written)))
        store.delete(tmp)
    if not store.data_files(stage):  # everything removed: keep the schema readable
        tmp = posixpath.join(stage, ".rewrite")
        output_writer(spark.createDataFrame([], df.schema), fmt).save(tmp)
        for written in store.data_files(tmp):
            store.rename(written, posixpath.join(stage, posixpath.basename(written)))
        store.delete(tmp)
    return result
