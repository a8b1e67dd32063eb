"""The verifier: re-derive the rubric's invariants and check them against a masked output.

Pandera's shape: what must hold is *declared* from the rubric alone (``row_checks``: a named
record per column with a reason code and a Column condition true when a row violates it), and
kept apart from the Spark backend that evaluates the declarations (one aggregation pass per
group of checks: ``sum(when(violated, 1))`` for every condition in a single ``select``).
Dataset-level checks (columns, audit, reconciliation, leak scan, keyed hashes, tokens, key
rotation) are joins and counts. Every check returns a ``Result``: check, column, reason code,
passed, count of violations, and a message made of counts and column names only. No data row
is ever collected; no raw or masked value ever reaches a message, the report or a log.
"""

from __future__ import annotations

import json
import os
import posixpath
from collections.abc import Callable

from pyspark import StorageLevel
from pyspark.sql import Column, DataFrame, Observation, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.utils import AnalysisException

from piimask.errors import PiiMaskError, UsageError
from piimask.expr.hmac import hmac_sha256_hex
from piimask.expr.values import epoch_seconds
from piimask.expr.windows import window_id_expr
from piimask.frames.annotate import REASONS as Q_REASONS
from piimask.frames.annotate import annotate
from piimask.frames.keys import WINDOW, keys_frame
from piimask.frames.read import CORRUPT_RECORD, output_format, read_input
from piimask.frames.schema import groupable
from piimask.rubric.load import Rubric, load_rubric
from piimask.storage.audit import AUDIT_DIR, latest_audit
from piimask.storage.fs import Storage
from piimask.storage.paths import is_local
from piimask.treatments.core import token
from piimask.verify.reasons import REASON_CODES
from piimask.verify.report import Report, Result
from piimask.verify.rows import RowCheck, is_digest, looks_like_card, row_checks

__all__ = [
    "REASON_CODES",
    "looks_like_card",
    "Report",
    "Result",
    "RowCheck",
    "VerifyError",
    "is_digest",
    "row_checks",
    "verify",
]

# reason code -> what it means (the table's group header)
MIN_LEAK_CHARS = 6  # raw identifier values this long are searched for anywhere in the output
SUBSTRING_BUDGET = 50_000_000  # text rows x needles above which the n-gram join is used
MAX_NGRAM_WORDS = 12
# the small side of a join check (distinct raw values, their digests) is broadcast up to this
# many rows: the big side (every output cell) then streams through without a shuffle. Above it
# both sides are shuffled: broadcasting tables of up to 4M rows left a 4 GiB heap short of
# memory at 2M input rows (measured: 427 s, against about 157 s at 1M rows).
MAX_BROADCAST_ROWS = 1_000_000
UTC_HOUR = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:00:00(\.0{1,9})?(Z|\+00:00)$"
CITY_STATE = r"^[^,\d]*, [A-Z]{2}$"
CARD_CANDIDATE = r"(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)"
UNSALTED = {"sha256": lambda v: F.sha2(v, 256), "sha1": F.sha1, "md5": F.md5}


class VerifyError(UsageError):
    """The verifier cannot run (missing path, unreadable rubric or keyring): exit code 2."""


def _q(name: str) -> Column:
    return F.col(f"`{name}`")


# ---------------------------------------------------------------- backend helpers


def _require(store: Storage, label: str, path: str) -> None:
    ok = os.path.exists(path) if is_local(path) else store.exists(path)
    if not ok:
        raise VerifyError(f"{label} {path} does not exist; check the path and retry.")


def _read_output(spark: SparkSession, store: Storage, path: str, audit: dict | None) -> DataFrame:
    if not store.data_files(path):
        raise VerifyError(f"--output {path} holds no data files; point it at the job's output.")
    fmt = output_format(store, path, audit)
    try:
        if fmt == "csv":
            return read_input(spark, path, "csv").drop(CORRUPT_RECORD)
        return spark.read.parquet(path)
    except AnalysisException:
        raise VerifyError(f"--output {path} cannot be read as {fmt}.") from None
    except Exception as exc:  # a PiiMaskError from read_input, or Spark's
        raise VerifyError(f"--output {path} cannot be read as {fmt} ({type(exc).__name__}).") from None


def _result(check: str, column: str, reason: str, count: int, message: str) -> Result:
    return Result(check, column, reason, count == 0, int(count), message)


def _cells(
    df: DataFrame, columns: list[str], key: str = "value", where: Column | None = None, extra: list[str] = ()
) -> DataFrame:
    """(``extra``, column, ``key``, n): the distinct non-null cells of ``columns`` (values cast
    to string) with their row counts ``n``. The join checks join distinct cells and add up
    their counts: most columns repeat a few thousand values (at 2M rows, 20 output columns
    make 40M cells but about 2.2M distinct ones). ``where`` filters the cells first."""
    arr = F.array(*[F.struct(F.lit(c).alias("column"), _q(c).cast("string").alias(key)) for c in columns])
    present = F.col(key).isNotNull()
    return (
        df.select(*extra, F.inline(arr))
        .where(present if where is None else present & where)
        .groupBy(*extra, "column", key)
        .agg(F.count(F.lit(1)).alias("n"))
    )


def _normalized_words(text: Column) -> Column:
    return F.trim(F.regexp_replace(F.lower(text), r"[^\p{L}\p{N}]+", " "))


def _words(text_cells: DataFrame, keys: list[str]) -> DataFrame:
    """(``keys``, words): each text cell's normalized words."""
    return text_cells.select(*keys, F.split(_normalized_words(F.col("text")), " ").alias("words"))


def _runs() -> Column:
    """The distinct runs of 1..MAX_NGRAM_WORDS of ``words`` starting at ``pos``, one per row."""
    runs = F.transform(
        F.sequence(F.lit(1), F.lit(MAX_NGRAM_WORDS)),
        lambda k: F.array_join(F.slice(F.col("words"), F.col("pos") + 1, k), " "),
    )
    return F.explode(F.array_distinct(runs))


def _gram_matches(texts: DataFrame, grams: DataFrame, broadcast: bool, keys: list[str]) -> DataFrame:
    """The ``keys`` of the ``texts`` (``_words``) holding one of ``grams`` (normalized word sequences of
    at most MAX_NGRAM_WORDS words) as a run of whole words: a cell once per matching position,
    so the caller deduplicates.

    Every word of a text is looked up among the grams' first words, and only at the positions
    where one starts are the word runs of 1..MAX_NGRAM_WORDS words built and looked up among
    the grams (exploding every run of every text, up to 12 per word, made the leak scan 40% of
    verify's time). With ``broadcast`` (``grams`` is small) both look-ups are broadcast joins and
    the words ride along; otherwise the starts are shuffled and joined back to their texts.
    """
    firsts = grams.select(F.split(F.col("gram"), " ").getItem(0).alias("word")).distinct()
    kept = ["words"] if broadcast else []
    starts = texts.select(*keys, *kept, F.posexplode("words").alias("pos", "word")).join(
        F.broadcast(firsts) if broadcast else firsts, on="word", how="left_semi"
    )
    if not broadcast:
        starts = starts.select(*keys, "pos").join(texts, on=keys)
    candidates = starts.select(*keys, _runs().alias("gram"))
    return candidates.join(F.broadcast(grams) if broadcast else grams, on="gram", how="left_semi").select(
        *keys
    )


# ---------------------------------------------------------------- the checks


class _Verifier:
    def __init__(
        self,
        spark,
        rubric,
        rubric_path,
        output,
        raw,
        raw_format,
        quarantine,
        keyring_ref,
        substring_budget,
        broadcast_rows,
        text_broadcast_rows=None,
    ):
        self.spark, self.rubric, self.rubric_path = spark, rubric, rubric_path
        self.output_path, self.raw_path, self.raw_format = output, raw, raw_format
        self.quarantine_path, self.keyring_ref = quarantine, keyring_ref
        self.substring_budget, self.broadcast_rows = substring_budget, broadcast_rows
        self.text_broadcast_rows = broadcast_rows if text_broadcast_rows is None else text_broadcast_rows
        self.store = Storage(spark)
        self.results: list[Result] = []
        self.persisted: list[DataFrame] = []
        self.raw_values: DataFrame | None = None  # raw_pass's table of distinct raw values
        self.mismatched: tuple | None = None  # digest_mismatches' frame and scope, once made
        # join-based checks: (reason, check, columns, message(column, n), frame of distinct
        # violating cells: column, n = their rows)
        self.findings: list[tuple[str, str, list[str], Callable[[str, int], str], DataFrame]] = []
        self.tokens_removed: dict[str, int] = {}  # per token column, by erasure or retention
        self.k_suppressed = 0  # rows the job suppressed for k-anonymity (audit privacy record)

    def add(self, *results: Result) -> None:
        self.results.extend(results)

    def keep(self, df: DataFrame) -> DataFrame:
        df = df.persist(StorageLevel.MEMORY_AND_DISK)
        self.persisted.append(df)
        return df

    def small(self, df: DataFrame) -> tuple[DataFrame, bool]:
        """``df`` kept, hinted for broadcast if it has at most ``broadcast_rows`` rows (and whether
        it is): the joins then stream every output cell through without a shuffle (measured at
        1M rows: the leak scan's equality join 18.7 s -> 10.6 s, its n-gram join 19.3 s -> 7.5 s)."""
        df = self.keep(df)
        if df.count() <= self.broadcast_rows:
            return F.broadcast(df), True
        return df, False

    # -- output alone

    def columns(self, out_cols: list[str], audit: dict | None, raw_cols: list[str] | None) -> None:
        rubric = self.rubric
        expected = list(rubric.output_columns)
        allowed = set(expected)
        extra = [c for c in out_cols if c not in allowed]
        must = []
        absent_ok = set((audit or {}).get("absent_optional") or [])
        for spec in rubric.columns:
            if spec.dropped:
                continue
            if raw_cols is not None:
                needed = spec.name in raw_cols or not spec.optional
            elif audit is not None and "absent_optional" in audit:
                needed = spec.name not in absent_ok
            else:
                needed = not spec.optional
            if needed:
                must.append(spec.name)
        missing = [c for c in must if c not in out_cols]
        self.add(
            _result(
                "only rubric output columns",
                ", ".join(extra) or "*",
                "unexpected_column",
                len(extra),
                f"{len(extra)} output column(s) not in the rubric's output: {', '.join(extra)}. "
                "A raw column slipped through or the rubric is out of date.",
            )
        )
        self.add(
            _result(
                "every rubric output column",
                ", ".join(missing) or "*",
                "missing_column",
                len(missing),
                f"{len(missing)} rubric output column(s) missing from the output: {', '.join(missing)}.",
            )
        )
        if raw_cols is not None:  # the job keeps the input's column order
            ordered = [c for c in out_cols if c in raw_cols]
            self.add(
                _result(
                    "input column order",
                    "*",
                    "column_order",
                    int(ordered != [c for c in raw_cols if c in ordered]),
                    "output columns are not in the input's order; downstream schemas change.",
                )
            )

    def row_pass(self, out: DataFrame, dtypes: dict, token_cols: list[str]) -> dict:
        """The row checks, the row count, nulls per column and distinct tokens, in one job.

        A digest check runs on every row (digests are unique by design). Every other check runs
        once per distinct value of its column, weighted by the value's row count: generalized,
        tokenized and behavioral columns hold few distinct values, and so do redacted texts whose
        identifiers became placeholders (measured at 1M rows: 66 distinct masked notes), so the
        free-text detectors, the costliest check, run on a handful of texts instead of every row.
        """
        checks = row_checks(self.rubric, set(out.columns))
        # digests, and map columns (Spark cannot group by a map), are checked on every row
        every_row = {s.name for s in self.rubric.with_treatment("hmac")}
        every_row |= {c for c in out.columns if not groupable(dtypes[c])}
        per_row = [k for k in checks if k.column in every_row]
        by_value: dict[str, list[RowCheck]] = {}
        for k in checks:
            if k.column not in every_row:
                by_value.setdefault(k.column, []).append(k)
        for c in token_cols:
            by_value.setdefault(c, [])
        aggs = [F.count(F.lit(1)).alias("_rows")]
        for i, chk in enumerate(per_row):
            cond = chk.violated(_q(chk.column), dtypes[chk.column])
            aggs.append(F.sum(F.when(cond, 1).otherwise(0)).alias(f"_c{i}"))
        data_cols = list(out.columns)
        for i, c in enumerate(data_cols):
            aggs.append(F.sum(F.when(_q(c).isNull(), 1).otherwise(0)).alias(f"_n{i}"))
        branches = [out.agg(*aggs).select(F.lit(-1).alias("_i"), F.to_json(F.struct("*")).alias("_v"))]
        n = F.col("__piimask_n")
        for i, (c, ks) in enumerate(by_value.items()):
            values = out.groupBy(_q(c)).agg(F.count(F.lit(1)).alias("__piimask_n"))
            sums = [
                F.sum(F.when(k.violated(_q(c), dtypes[c]), n).otherwise(0)).alias(f"_c{j}")
                for j, k in enumerate(ks)
            ]
            one = values.agg(F.count(_q(c)).alias("_d"), *sums)
            branches.append(one.select(F.lit(i).alias("_i"), F.to_json(F.struct("*")).alias("_v")))
        union = branches[0]
        for b in branches[1:]:
            union = union.unionByName(b)
        got = {int(r["_i"]): json.loads(r["_v"]) for r in union.collect()}
        row = got[-1]
        # to_json leaves out a null (the sum over no rows)
        found = [(chk, row.get(f"_c{i}")) for i, chk in enumerate(per_row)]
        for i, ks in enumerate(by_value.values()):
            found += [(k, got[i].get(f"_c{j}")) for j, k in enumerate(ks)]
        for chk, n_bad in sorted(found, key=lambda f: checks.index(f[0])):
            n_bad = int(n_bad or 0)
            self.add(
                _result(
                    chk.check,
                    chk.column,
                    chk.reason,
                    n_bad,
                    f"{n_bad} row(s) of {chk.column} violate '{chk.check}' ({REASON_CODES[chk.reason]}).",
                )
            )
        names = list(by_value)
        return {
            "rows": int(row["_rows"]),
            "nulls": {c: int(row.get(f"_n{i}") or 0) for i, c in enumerate(data_cols)},
            "distinct_tokens": {c: int(got[names.index(c)].get("_d") or 0) for c in token_cols},
        }

    def audit(self, audit: dict | None, out_rows: int) -> None:
        if audit is None:
            self.add(
                _result(
                    "_audit record exists",
                    "*",
                    "audit_missing",
                    1,
                    f"no audit record under {AUDIT_DIR}/ of the output; every run writes one.",
                )
            )
            return
        self.add(_result("_audit record exists", "*", "audit_missing", 0, ""))
        sha = (audit.get("rubric") or {}).get("sha256")
        self.add(
            _result(
                "audit names this rubric's sha256",
                "*",
                "audit_rubric",
                int(sha != self.rubric.sha256),
                "the newest audit record names a different rubric sha256 than the rubric given; the "
                "output was masked with another rubric version.",
            )
        )
        c = audit.get("counts") or {}
        try:
            rin, rout = int(c["rows_in"]), int(c["rows_out"])
            rq, rs = int(c["rows_quarantined"]), int(c.get("rows_suppressed", 0))
        except (KeyError, TypeError, ValueError):
            self.add(
                _result(
                    "audit counts present",
                    "*",
                    "audit_counts",
                    1,
                    "the audit record lacks rows_in/rows_out/rows_quarantined.",
                )
            )
            return
        self.add(
            _result(
                "in = out + quarantined + suppressed",
                "*",
                "audit_counts",
                abs(rin - rout - rq - rs),
                f"audit counts do not add up: in {rin}, out {rout}, quarantined {rq}, suppressed {rs}.",
            )
        )
        self.add(
            _result(
                "audit rows_out = output rows",
                "*",
                "audit_counts",
                abs(rout - out_rows),
                f"the audit says {rout} rows out but the output holds {out_rows}.",
            )
        )
        self.add(
            _result(
                "audit outcome succeeded",
                "*",
                "audit_counts",
                int(audit.get("outcome") != "succeeded"),
                "the newest audit record's outcome is not 'succeeded'.",
            )
        )

    def privacy(self, out: DataFrame, audit: dict | None) -> None:
        """k-anonymity (and l-diversity) of the output, by value; reconciled with the audit."""
        p = self.rubric.privacy
        if p is None:
            return
        qis = [q for q in p.quasi_identifiers if q in out.columns]
        sens = p.sensitive if p.sensitive in out.columns else None
        aggs = [F.count(F.lit(1)).alias("n")]
        if sens:
            aggs.append(F.countDistinct(_q(sens)).alias("d"))
        classes = out.groupBy(*[_q(q) for q in qis]).agg(*aggs)  # no QI present: one class
        small = F.col("n") < p.k
        row = classes.agg(
            F.count(F.lit(1)).alias("classes"),
            F.min("n").alias("k"),
            F.sum(F.when(small, F.col("n")).otherwise(0)).alias("small_rows"),
            F.sum(F.when(small, 1).otherwise(0)).alias("small_classes"),
            *(
                [F.min("d").alias("l"), F.sum(F.when(F.col("d") < p.l, F.col("n")).otherwise(0)).alias("low")]
                if sens
                else []
            ),
        ).collect()[0]
        n_classes, smallest = int(row["classes"] or 0), row["k"]
        small_rows, small_classes = int(row["small_rows"] or 0), int(row["small_classes"] or 0)
        over = ", ".join(qis) or "(no quasi-identifier present: the whole output is one class)"
        enforced = p.action != "report"
        self.add(
            _result(
                f"smallest class >= k = {p.k}" if enforced else f"classes measured (report only, k = {p.k})",
                ", ".join(qis) or "*",
                "k_anonymity",
                small_rows if enforced else 0,
                f"{small_rows} output row(s) in {small_classes} class(es) smaller than k = {p.k} over "
                f"{over}; the smallest of {n_classes} classes has {smallest} row(s).",
            )
        )
        if sens:
            low = int(row["low"] or 0)
            self.add(
                _result(
                    f"each class has >= l = {p.l} distinct {sens}",
                    sens,
                    "l_diversity",
                    low if enforced else 0,
                    f"{low} output row(s) are in classes with fewer than l = {p.l} distinct values of "
                    f"{sens}; the least diverse class has {row['l']}.",
                )
            )
        if audit is None:
            return
        rec = audit.get("privacy")
        counts = audit.get("counts") or {}
        if not isinstance(rec, dict):
            self.add(
                _result(
                    "audit has a privacy record",
                    "*",
                    "privacy_audit",
                    1,
                    "the rubric has a privacy section but the newest audit record has no privacy record; "
                    "the output was masked without k-anonymity.",
                )
            )
            return
        # erasure / retention since (output rows, and quarantined rows an erasure removed)
        removed = int(counts.get("rows_removed_after_run") or 0) + int(
            counts.get("quarantine_rows_removed_after_run") or 0
        )
        problems = []
        if rec.get("k") != p.k or rec.get("action") != p.action:
            problems.append(f"audit k {rec.get('k')} / action {rec.get('action')} differ from the rubric's")
        if int(rec.get("rows_suppressed") or 0) + removed != int(counts.get("rows_suppressed") or 0):
            problems.append(
                f"privacy rows_suppressed {rec.get('rows_suppressed')} (+ {removed} removed since) != "
                f"counts.rows_suppressed {counts.get('rows_suppressed')}"
            )
        if not removed and (rec.get("classes") != n_classes or rec.get("k_achieved") != smallest):
            problems.append(
                f"audit classes {rec.get('classes')} / k_achieved {rec.get('k_achieved')} but the output "
                f"has {n_classes} classes, the smallest {smallest}"
            )
        self.add(
            _result(
                "privacy record = output",
                "*",
                "privacy_audit",
                len(problems),
                "; ".join(problems) + ".",
            )
        )

    # -- with the raw input

    def raw_pass(
        self, raw: DataFrame, ident: list[str], keyed: list[str], behavioral: list[str], common: list[str]
    ) -> dict:
        """One scan of the raw input: its row statistics are observed, and one aggregation makes
        the small table of raw values that every raw-side check reads (kept as ``self.raw_values``):

        * kind 0 (column, value): distinct values of the ``ident`` columns in every row (the
          leak scan's needles, the unsalted digests);
        * kind 1 (column, _window, value): distinct values of the ``keyed`` (HMAC and token)
          columns in valid rows, with the window for HMAC columns (the recomputed digests and
          tokens; ``distinct`` counts the token columns' values);
        * kind 2 (tuple, n): the ``behavioral`` tuples of valid rows with their row counts.

        Most rows repeat a few thousand operators, sites and devices, so partial aggregation
        shrinks the cells before the shuffle. Caching the annotated input instead and deriving
        each table from it took longer (measured at 1M rows).
        """
        valid = F.size(F.col(Q_REASONS)) == 0
        obs = Observation("piimask_verify_raw")
        aggs = [
            F.count(F.lit(1)).alias("_rows"),
            F.sum(F.when(valid, 1).otherwise(0)).alias("_valid"),
            F.concat_ws(",", F.collect_set(F.when(valid, F.col(WINDOW)))).alias("_windows"),
        ]
        for i, c in enumerate(common):
            aggs.append(F.sum(F.when(valid & _q(c).isNull(), 1).otherwise(0)).alias(f"_n{i}"))
        hmac = {s.name for s in self.rubric.with_treatment("hmac")}
        null, no_tuple = F.lit(None).cast("string"), F.lit(None).cast("array<string>")

        def cell(kind: int, column: str | None, window: Column, value: Column, tup: Column = no_tuple):
            name = F.lit(column).cast("string")
            return F.struct(
                F.lit(kind).alias("kind"),
                name.alias("column"),
                window.alias(WINDOW),
                value.alias("value"),
                tup.alias("tuple"),
            )

        def text(c: str) -> Column:
            return _q(c).cast("string")

        cells = [cell(0, c, null, text(c)) for c in ident]
        cells += [
            cell(1, c, F.when(valid, F.col(WINDOW)) if c in hmac else null, F.when(valid, text(c)))
            for c in keyed
        ]
        if behavioral:
            tup = F.when(valid, F.array(*[text(c) for c in behavioral]))
            cells.append(cell(2, None, null, null, tup))
        stats: dict = {}
        if cells:
            self.raw_values = self.keep(
                raw.observe(obs, *aggs)
                .select(F.inline(F.array(*cells)))
                .where(F.col("value").isNotNull() | F.col("tuple").isNotNull())
                .groupBy("kind", "column", WINDOW, "value", "tuple")
                .agg(F.count(F.lit(1)).alias("n"))
            )
            # The first action on the kept table scans the input and fills the observation, which
            # ``obs.get`` waits for, forever if no scan runs. So it is unfiltered: a filter on a
            # kind that no cell has (kind 1 with no HMAC or token column in the output) let the
            # optimizer skip the scan, and verify hung. It also counts the distinct raw values
            # per token column (an HMAC column's rows are per window as well).
            tokens = [c for c in keyed if c not in hmac]
            distinct = self.raw_values.groupBy("kind", "column").count().collect()
            stats["distinct"] = {
                r["column"]: int(r["count"]) for r in distinct if r["kind"] == 1 and r["column"] in tokens
            }
        else:
            raw.observe(obs, *aggs).write.format("noop").mode("overwrite").save()
        row = obs.get
        return {
            "rows": int(row["_rows"]),
            "valid": int(row["_valid"] or 0),
            "windows": sorted(w for w in (row["_windows"] or "").split(",") if w),
            "nulls": {c: int(row[f"_n{i}"] or 0) for i, c in enumerate(common)},
            "distinct": {c: stats.get("distinct", {}).get(c, 0) for c in keyed if c not in hmac},
        }

    def raw(self, kind: int, columns: list[str] | None = None) -> DataFrame:
        """Rows of one kind of ``raw_pass``'s table (of some columns)."""
        df = self.raw_values.where(F.col("kind") == kind)
        return df if columns is None else df.where(F.col("column").isin(columns))

    def reconcile(self, raw_stats: dict, out_rows: int, audit: dict | None) -> int:
        counts = (audit or {}).get("counts") or {}
        suppressed = int(counts.get("rows_suppressed") or 0)
        q_rows = None
        q_note = "the audit's rows_quarantined"
        if self.quarantine_path:
            run_id = (audit or {}).get("run_id")
            part = posixpath.join(self.quarantine_path, f"run_id={run_id}")
            if run_id is None or not self.store.exists(part):
                self.add(
                    _result(
                        "quarantine partition exists",
                        "*",
                        "rows_unreconciled",
                        1,
                        "the quarantine partition of the audited run is missing under --quarantine.",
                    )
                )
            else:
                files = self.store.data_files(part)
                q_rows = self.spark.read.parquet(part).count() if files else 0
                q_note = "the quarantine partition's rows"
                self.add(
                    _result(
                        "quarantine rows = audit",
                        "*",
                        "rows_unreconciled",
                        abs(q_rows - int(counts.get("rows_quarantined") or 0)),
                        f"the quarantine partition holds {q_rows} rows; the audit says "
                        f"{counts.get('rows_quarantined')}.",
                    )
                )
        if q_rows is None:
            q_rows = int(counts.get("rows_quarantined") or 0)
        raw_rows = raw_stats["rows"]
        self.add(
            _result(
                "raw = out + quarantined + suppressed",
                "*",
                "rows_unreconciled",
                abs(raw_rows - out_rows - q_rows - suppressed),
                f"raw input has {raw_rows} rows; output {out_rows} + quarantined {q_rows} ({q_note}) "
                f"+ suppressed {suppressed} = {out_rows + q_rows + suppressed}.",
            )
        )
        if audit is not None and "rows_in" in counts:
            self.add(
                _result(
                    "raw rows = audit rows_in",
                    "*",
                    "rows_unreconciled",
                    abs(raw_rows - int(counts["rows_in"])),
                    f"raw input has {raw_rows} rows; the audit says {counts['rows_in']} rows in.",
                )
            )
        invalid = raw_rows - raw_stats["valid"]
        erased = int(counts.get("quarantine_rows_removed_after_run") or 0)  # erased after the run
        self.add(
            _result(
                "rows failing validation = quarantined",
                "*",
                "rows_unreconciled",
                abs(invalid - q_rows - erased),
                f"{invalid} raw rows fail the rubric's validation; {q_rows} were quarantined"
                + (f" and {erased} erased from the quarantine since." if erased else "."),
            )
        )
        return suppressed

    def nulls(self, raw_stats: dict, out_stats: dict, common: list[str]) -> None:
        for c in common:
            n = max(0, out_stats["nulls"].get(c, 0) - raw_stats["nulls"][c])
            self.add(
                _result(
                    "no null where input had a value",
                    c,
                    "null_introduced",
                    n,
                    f"{c} has {n} more null(s) in the output than in the input's valid rows.",
                )
            )

    def behavioral(self, out: DataFrame, cols: list[str], suppressed: int):
        if not cols:
            return
        tup = F.array(*[_q(c).cast("string") for c in cols])
        both = (
            self.raw(2).select("tuple", "n").unionByName(out.select(tup.alias("tuple"), F.lit(-1).alias("n")))
        )
        diff = both.groupBy("tuple").agg(F.sum("n").alias("_d"))
        row = diff.agg(
            F.sum(F.when(F.col("_d") > 0, F.col("_d")).otherwise(0)).alias("missing"),
            F.sum(F.when(F.col("_d") < 0, -F.col("_d")).otherwise(0)).alias("extra"),
        ).collect()[0]
        missing, extra = int(row["missing"] or 0), int(row["extra"] or 0)
        n = extra + max(0, missing - suppressed)
        self.add(
            _result(
                "behavioral tuples equal the input's",
                f"({len(cols)} behavioral)",
                "behavioral_changed",
                n,
                f"{extra} output row(s) carry behavioral values found in no valid input row and "
                f"{missing} input row(s) have no output row with their behavioral values "
                f"({suppressed} suppressed); columns compared: {', '.join(cols)}.",
            )
        )

    def leaks(self, out: DataFrame, ident: list[str], out_rows: int, max_needles: int) -> None:
        """Whole-cell equality join for every column; substring scan for free-text columns."""
        data_cols = list(out.columns)
        if not ident:
            return
        trimmed = F.trim(F.col("value"))
        # kept: the equality join and the free-text scan both read them
        needles, small = self.small(
            self.raw(0, ident)
            .select(
                F.col("column").alias("src"), F.lower(trimmed).alias("key"), F.length(trimmed).alias("len")
            )
            .where(F.col("len") > 0)
            .distinct()
        )
        # A cell can only equal a needle of its own length: the lengths the needles have are few,
        # and filtering on them drops every digest cell before the cells are counted (at 2M rows,
        # 2M distinct event_id digests). A cell shorter than MIN_LEAK_CHARS can only match a
        # needle of its own column.
        lengths = sorted(r[0] for r in needles.select(F.length("key")).distinct().collect())
        key = F.lower(F.trim("value"))
        # Before the key is made: trim drops only spaces and lower never shortens, so a cell
        # longer than every needle that neither starts nor ends with a space cannot match (at
        # 2M rows this spares lowering 10M digests; the cell scan went from 19.1 s to 16.8 s).
        value = F.col("value")
        may_fit = (
            (F.length(value) <= (lengths[-1] if lengths else -1))
            | value.startswith(" ")
            | value.endswith(" ")
        )
        cells, few = self.small(
            _cells(
                out,
                data_cols,
                where=may_fit
                & F.length(key).isin(lengths)
                & ((F.length(key) >= MIN_LEAK_CHARS) | F.col("column").isin(ident)),
            ).withColumn("key", key)
        )
        same = (cells["key"] == needles["key"]) & (
            (needles["len"] >= MIN_LEAK_CHARS) | (cells["column"] == needles["src"])
        )
        if few:  # the needles stream past the broadcast cells, unshuffled
            equal = needles.join(cells, same).select(cells["column"], cells["value"], cells["n"]).distinct()
        else:
            equal = cells.join(needles, same, "left_semi").select("column", "value", "n")
        texts = [
            c for c in data_cols if c in self.rubric.names and self.rubric.column(c).treatment == "redact"
        ]
        found = equal
        mode = "no free-text column"
        if texts:
            long_needles = (
                needles.where(F.col("len") >= MIN_LEAK_CHARS).select(F.col("key").alias("needle")).distinct()
            )
            text_cells = _cells(out, texts).withColumn("text", F.lower("value"))
            # an upper bound of the work without a counting job: every raw cell a needle
            if max_needles * out_rows * len(texts) <= self.substring_budget:
                mode = "substring (broadcast contains join)"
                sub = text_cells.join(
                    F.broadcast(long_needles), F.col("text").contains(F.col("needle")), "left_semi"
                ).select("column", "value", "n")
            else:
                mode = "word n-gram equality join"
                keys = ["column", "value", "n"]
                grams = (
                    needles.where(F.col("len") >= MIN_LEAK_CHARS)
                    .select(_normalized_words(F.col("key")).alias("gram"))
                    .where(F.length("gram") > 0)
                )
                words, runs = _words(text_cells, keys), None
                if not small:  # kept: counted here, and read twice by the shuffled join
                    words = self.keep(words)
                    runs = self._text_runs(words, keys)
                if runs is not None:  # few texts, many needles: the needles stream past the runs
                    mode += " (text word runs broadcast)"
                    sub = grams.join(F.broadcast(runs), on="gram").select(*keys)
                else:
                    sub = _gram_matches(words, self.keep(grams.distinct()), small, keys)
            found = found.unionByName(sub).distinct()  # a cell found both ways is counted once
        sources = ", ".join(ident)
        self.find(
            "raw_value_leak",
            "no raw identifier value",
            data_cols,
            lambda c, n: (
                f"{n} row(s) of {c} hold a raw value of a direct/quasi column "
                f"({sources}); free text scanned by {mode}."
            ),
            found,
        )

    def _text_runs(self, texts: DataFrame, keys: list[str]) -> DataFrame | None:
        """Every run of 1..MAX_NGRAM_WORDS words of every text cell (``keys``, gram; ``texts``
        from ``_words``), kept, if there are at most ``text_broadcast_rows`` of them; else None.

        Redacted notes repeat: at 2M generated rows, 66 distinct texts against 2M distinct raw
        identifier values. Broadcasting the texts' runs lets the raw values stream past them,
        where ``_gram_matches`` shuffled them twice (their first words, then the values): at 2M
        rows, counting the leak scan's findings went from 35.2 s to 9.7 s. The bound is checked
        on the texts' word count, before any run is built.
        """
        cells, words = texts.agg(F.count(F.lit(1)), F.sum(F.size("words"))).first()
        if cells > self.text_broadcast_rows or (words or 0) * MAX_NGRAM_WORDS > self.text_broadcast_rows:
            return None
        starts = texts.select(*keys, "words", F.posexplode("words").alias("pos", "word"))
        return self.keep(starts.select(*keys, _runs().alias("gram")))

    def unkeyed(self, out: DataFrame, direct: list[str], mismatched: DataFrame | None = None) -> None:
        """No direct value is a plain SHA-256, SHA-1 or MD5 of a raw value.

        With the keyring, ``mismatched`` holds the digests that are not their row's HMAC, and
        only those are candidates: a digest equal to an HMAC of a raw value cannot also be a
        plain digest of a raw value (that would be a SHA-256 collision). At 2M rows this spares
        joining 2M distinct event_id digests with 2M digests of the raw values.
        """
        if not direct:
            return
        # An output value can only equal a digest of its own length (SHA-256 64 hex characters,
        # SHA-1 40, MD5 32): one cheap pass over the candidates says which lengths occur, and
        # only those digests of the raw values are computed and joined.
        lengths = {"sha256": 64, "sha1": 40, "md5": 32}
        if mismatched is None:
            cells, few, source = _cells(out, direct), False, out

            def has(c: str, n: int) -> Column:
                return F.length(_q(c)) == n

        else:
            cells, few = self.small(
                mismatched.groupBy("column", F.col("digest").alias("value")).agg(F.sum("n").alias("n"))
            )
            source = cells

            def has(c: str, n: int) -> Column:
                return (F.col("column") == c) & (F.length("value") == n)

        seen = source.agg(
            *[
                F.max(F.when(has(c, n), 1).otherwise(0)).alias(f"{c}|{name}")
                for c in direct
                for name, n in lengths.items()
            ]
        ).collect()[0]
        parts = []
        for c in direct:
            wanted = [fn for name, fn in UNSALTED.items() if seen[f"{c}|{name}"]]
            if not wanted:
                continue
            v = F.col("value")
            variants = F.explode(F.array_distinct(F.array(v, F.lower(F.trim(v))))).alias("v")
            parts.append(
                self.raw(0, [c])
                .select(variants)
                .distinct()  # one digest per distinct value, not per row
                .select(
                    F.lit(c).alias("column"),
                    F.explode(F.array(*[fn(F.col("v")) for fn in wanted])).alias("digest"),
                )
            )
        if not parts:  # no output value has a digest's length: nothing to join
            parts = [self.spark.createDataFrame([], "column string, digest string")]
        digests = parts[0]
        for p in parts[1:]:
            digests = digests.unionByName(p)
        digests = digests.where(F.col("digest").isNotNull())
        cells = cells.withColumn("digest", F.lower("value"))
        if few:  # the raw values' digests stream past the few broadcast candidates
            found = digests.join(cells, on=["column", "digest"]).select("column", "value", "n").distinct()
        else:
            digests, _ = self.small(digests)
            found = cells.join(digests, on=["column", "digest"], how="left_semi")
        self.find(
            "unkeyed_hash",
            "digest is keyed",
            direct,
            lambda c, n: (
                f"{n} row(s) of {c} equal an unsalted SHA-256, SHA-1 or MD5 of a raw "
                f"{c} value: the hash is not keyed."
            ),
            found,
        )

    def token_counts(self, raw_stats: dict, out_stats: dict, token_cols: list[str]) -> None:
        # No row key survives masking, so a raw value cannot be paired with its token row by
        # row: compare, per column, distinct raw values (valid rows) with distinct tokens.
        for c in token_cols:
            r, t = raw_stats["distinct"][c], out_stats["distinct_tokens"][c]
            t += int(self.tokens_removed.get(c, 0))  # tokens whose rows were erased or expired
            lost = min(self.k_suppressed, r)  # values whose every row k-anonymity suppressed
            self.add(
                _result(
                    "one token per raw value",
                    c,
                    "token_collision",
                    max(0, r - t - lost),
                    f"{c}: {r} distinct raw values but {t} distinct tokens: {r - t} token(s) "
                    f"shared by several raw values (at most {lost} raw value(s) can have left "
                    "with rows suppressed for k-anonymity).",
                )
            )
            self.add(
                _result(
                    "one raw value per token",
                    c,
                    "token_split",
                    max(0, t - r),
                    f"{c}: {t} distinct tokens for {r} distinct raw values: some raw value has "
                    "several tokens.",
                )
            )

    # -- with the keyring

    def digest_mismatches(self, out: DataFrame, dtypes: dict, keyring, common: list[str]) -> tuple:
        """(kept frame of the distinct direct cells that are not the HMAC of a raw value with the
        key of their row's window: column, window, digest, n; the scope's wording), made once."""
        if self.mismatched is not None:
            return self.mismatched
        rubric = self.rubric
        direct = [s.name for s in rubric.with_treatment("hmac") if s.name in common]
        if not direct:
            return None, ""
        keys = F.broadcast(keys_frame(self.spark, keyring))
        event = rubric.event_time_column
        has_window = event in out.columns and rubric.column(event).treatment in ("hour", "keep")
        wcols = [WINDOW] if has_window else []
        # one HMAC per distinct (column, window, value), not per cell: most rows repeat a
        # few thousand operators and tools within a window
        expected, _ = self.small(
            self.raw(1, direct)
            .join(keys, on=WINDOW, how="left")
            .select(
                "column",
                *wcols,
                hmac_sha256_hex(F.col("value"), F.col("_d_ipad"), F.col("_d_opad")).alias("digest"),
            )
            .where(F.col("digest").isNotNull())
        )
        shown = out
        if has_window:
            seconds = epoch_seconds(_q(event), dtypes[event])
            shown = out.withColumn(WINDOW, window_id_expr(seconds, rubric.rotation))
        cells = _cells(shown, direct, key="digest", extra=wcols)
        scope = "its row's window" if has_window else "any window (event time not in output)"
        mismatched = self.keep(cells.join(expected, on=["column", *wcols, "digest"], how="left_anti"))
        self.mismatched = (mismatched, scope)
        return self.mismatched

    def keyed(self, out: DataFrame, dtypes: dict, keyring, windows: list[str], common: list[str]) -> None:
        rubric = self.rubric
        direct = [s.name for s in rubric.with_treatment("hmac") if s.name in common]
        tokens = [s for s in rubric.with_treatment("token") if s.name in common]
        missing = [w for w in windows if w not in keyring.direct]
        self.add(
            _result(
                "keyring has every window",
                "*",
                "keyring_window_missing",
                len(missing),
                f"the keyring lacks {len(missing)} window(s) that valid input rows fall in "
                f"({', '.join(missing)}); their digests cannot be recomputed.",
            )
        )
        keys = F.broadcast(keys_frame(self.spark, keyring))
        if direct:
            mismatched, scope = self.digest_mismatches(out, dtypes, keyring, common)
            self.find(
                "digest_mismatch",
                "digest = HMAC with its window's key",
                direct,
                lambda c, n: f"{n} row(s) of {c} carry a digest not made with the key of {scope}.",
                mismatched,
            )
        if tokens:
            names = [t.name for t in tokens]
            token_keys = keys.select("_t_ipad", "_t_opad").limit(1)
            value, ipad, opad = F.col("value"), F.col("_t_ipad"), F.col("_t_opad")
            tok = F.coalesce(
                *[F.when(F.col("column") == t.name, token(value, t.params, ipad, opad)) for t in tokens]
            )
            expected, _ = self.small(
                self.raw(1, names)
                .select("column", "value")
                .crossJoin(F.broadcast(token_keys))
                .select("column", tok.alias("token"))
            )
            cells = _cells(out, names, key="token")
            self.find(
                "token_mismatch",
                "tokens = token key's tokens",
                names,
                lambda c, n: f"{n} row(s) of {c} carry a token that the token key gives no raw {c} value.",
                cells.join(expected, on=["column", "token"], how="left_anti"),
            )

    def find(
        self,
        reason: str,
        check: str,
        columns: list[str],
        message: Callable[[str, int], str],
        frame: DataFrame,
    ) -> None:
        """Declare a join-based check; all are counted together by ``flush`` in one job."""
        self.findings.append((reason, check, columns, message, frame))

    def flush(self) -> None:
        if not self.findings:
            return
        frames = [
            f.select(F.lit(i).alias("_f"), "column", "n") for i, (_, _, _, _, f) in enumerate(self.findings)
        ]
        union = frames[0]
        for f in frames[1:]:
            union = union.unionByName(f)
        counts = {
            (row["_f"], row["column"]): int(row["n"])
            for row in union.groupBy("_f", "column").agg(F.sum("n").alias("n")).collect()
        }
        for i, (reason, check, columns, message, _) in enumerate(self.findings):
            for c in columns:
                n = counts.get((i, c), 0)
                self.add(_result(check, c, reason, n, message(c, n)))
        self.findings = []

    def cleanup(self) -> None:
        for df in self.persisted:
            df.unpersist()


def verify(
    spark: SparkSession,
    rubric: str | Rubric,
    output: str,
    raw: str | None = None,
    raw_format: str = "csv",
    quarantine: str | None = None,
    keyring: str | None = None,
    substring_budget: int = SUBSTRING_BUDGET,
    broadcast_rows: int = MAX_BROADCAST_ROWS,
    text_broadcast_rows: int | None = None,
) -> Report:
    """Check ``output`` against the rubric (and the raw input and keyring when given).

    ``broadcast_rows`` bounds the small side of every join check; ``text_broadcast_rows`` (by
    default the same) bounds the free-text word runs the leak scan may broadcast instead."""
    if isinstance(rubric, Rubric):
        spec, rubric_path = rubric, rubric.source
    else:
        rubric_path = str(rubric)
        try:
            spec = load_rubric(rubric)
        except PiiMaskError as exc:
            raise VerifyError(f"cannot verify: {exc}") from None
    if keyring and not raw:
        raise VerifyError("--keyring needs --raw: digests are recomputed from the raw values.")
    ring = None
    if keyring:
        from piimask.keys import keyring as keyring_mod

        try:
            ring = keyring_mod.load(keyring)
            ring.check_rotation(spec.rotation)
        except PiiMaskError as exc:
            raise VerifyError(f"cannot verify: {exc}") from None
    if raw_format not in ("csv", "parquet", "json"):
        raise VerifyError(f"--raw-format must be csv, parquet or json; found {raw_format!r}.")
    v = _Verifier(
        spark,
        spec,
        rubric_path,
        output,
        raw,
        raw_format,
        quarantine,
        keyring,
        substring_budget,
        broadcast_rows,
        text_broadcast_rows,
    )
    store = v.store
    _require(store, "--output", output)
    if raw:
        _require(store, "--raw", raw)
    if quarantine:
        _require(store, "--quarantine", quarantine)
    audit = latest_audit(store, output)
    v.tokens_removed = ((audit or {}).get("counts") or {}).get("tokens_removed_after_run") or {}
    # Not kept: each check group reads only the columns it needs from the files, cheaper than
    # caching every row.
    out = _read_output(spark, store, output, audit)
    out_cols = list(out.columns)
    dtypes = {f.name: f.dataType for f in out.schema.fields}
    try:
        raw_df = None
        if raw:
            try:
                raw_df = read_input(spark, raw, raw_format)
            except Exception as exc:  # only our own messages are echoed: they hold no value
                why = str(exc) if isinstance(exc, PiiMaskError) else type(exc).__name__
                raise VerifyError(f"--raw {raw} cannot be read as {raw_format}: {why}") from None
            if spec.event_time_column not in raw_df.columns:
                raise VerifyError(
                    f"--raw {raw} lacks the event-time column "
                    f"{spec.event_time_column}; is it the job's input?"
                )
        raw_cols = [c for c in raw_df.columns if c != CORRUPT_RECORD] if raw_df else None
        v.columns(out_cols, audit, raw_cols)
        token_cols = [
            s.name
            for s in spec.with_treatment("token")
            if s.name in out_cols and (raw_cols is None or s.name in raw_cols)
        ]
        out_stats = v.row_pass(out, dtypes, token_cols)
        v.audit(audit, out_stats["rows"])
        v.privacy(out, audit)
        v.k_suppressed = int(((audit or {}).get("privacy") or {}).get("rows_suppressed") or 0)
        if raw_df is not None:
            common = [c for c in out_cols if c in raw_cols and c in spec.output_columns]
            ident = [s.name for s in spec.columns if s.bucket in ("direct", "quasi") and s.name in raw_cols]
            direct = [c for c in common if spec.column(c).treatment == "hmac"]
            keyed = [c for c in common if spec.column(c).treatment in ("hmac", "token")]
            behavioral = [c for c in common if spec.column(c).treatment == "keep"]
            raw_stats = v.raw_pass(
                annotate(raw_df, spec), list(dict.fromkeys(ident + direct)), keyed, behavioral, common
            )
            suppressed = v.reconcile(raw_stats, out_stats["rows"], audit)
            v.nulls(raw_stats, out_stats, common)
            v.behavioral(out, behavioral, suppressed)
            v.leaks(out, ident, out_stats["rows"], raw_stats["rows"] * len(ident))
            mismatched = None
            if ring is not None:  # with the keyring, only a digest that is no HMAC can be unkeyed
                mismatched, _ = v.digest_mismatches(out, dtypes, ring, common)
            v.unkeyed(out, direct, mismatched)
            v.token_counts(raw_stats, out_stats, token_cols)
            if ring is not None:
                v.keyed(out, dtypes, ring, raw_stats["windows"], common)
            v.flush()
    finally:
        v.cleanup()
    return Report(
        results=v.results,
        rubric={"path": rubric_path, "version": spec.version, "sha256": spec.sha256},
        output=output,
        options={"raw": bool(raw), "quarantine": bool(quarantine), "keyring": bool(keyring)},
    )
