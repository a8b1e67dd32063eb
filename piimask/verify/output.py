"""Checks of the output alone: its columns, its row checks, its audit record, its k-anonymity.

Each is a dataset check (``scope.Check``); they need neither the raw input nor the keyring.
"""

from __future__ import annotations

from collections.abc import Iterator

from pyspark.sql import functions as F

from piimask.rubric import Privacy
from piimask.storage.audit import AUDIT_DIR
from piimask.verify.backend import quoted
from piimask.verify.context import CLASS_ROWS, Context
from piimask.verify.reasons import Reason
from piimask.verify.report import Result
from piimask.verify.scope import Scope

__all__ = ["audit_record", "columns", "privacy", "row_results"]


def _required(ctx: Context) -> list[str]:
    """The rubric output columns the output must hold: those of the raw input, else those the
    audit did not record as absent optional columns, else the columns not marked optional."""
    audit, raw_cols = ctx.audit, ctx.raw_columns
    absent_ok = set((audit or {}).get("absent_optional") or [])
    must = []
    for spec in ctx.rubric.columns:
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
    return must


def columns(s: Scope) -> Iterator[Result]:
    """Only the rubric's output columns, all of them, in the input's order."""
    ctx = s.ctx
    out_cols, raw_cols = ctx.out_columns, ctx.raw_columns
    allowed = set(ctx.rubric.output_columns)
    extra = [c for c in out_cols if c not in allowed]
    missing = [c for c in _required(ctx) if c not in out_cols]
    yield Result.of(
        "only rubric output columns",
        ", ".join(extra) or "*",
        Reason.UNEXPECTED_COLUMN,
        len(extra),
        f"{len(extra)} output column(s) not in the rubric's output: {', '.join(extra)}. "
        "A raw column slipped through or the rubric is out of date.",
    )
    yield Result.of(
        "every rubric output column",
        ", ".join(missing) or "*",
        Reason.MISSING_COLUMN,
        len(missing),
        f"{len(missing)} rubric output column(s) missing from the output: {', '.join(missing)}.",
    )
    if raw_cols is not None:  # the job keeps the input's column order
        ordered = [c for c in out_cols if c in raw_cols]
        yield Result.of(
            "input column order",
            "*",
            Reason.COLUMN_ORDER,
            int(ordered != [c for c in raw_cols if c in ordered]),
            "output columns are not in the input's order; downstream schemas change.",
        )


def row_results(s: Scope) -> list[Result]:
    """The row checks' results: the output pass evaluated them."""
    return s.output.results


def audit_record(s: Scope) -> Iterator[Result]:
    """The newest audit record exists, names this rubric, and its counts add up to the output."""
    audit, out_rows = s.ctx.audit, s.output.rows
    if audit is None:
        yield Result.of(
            "_audit record exists",
            "*",
            Reason.AUDIT_MISSING,
            1,
            f"no audit record under {AUDIT_DIR}/ of the output; every run writes one.",
        )
        return
    yield Result.of("_audit record exists", "*", Reason.AUDIT_MISSING, 0, "")
    yield Result.of(
        "audit names this rubric's sha256",
        "*",
        Reason.AUDIT_RUBRIC,
        int((audit.get("rubric") or {}).get("sha256") != s.ctx.rubric.sha256),
        "the newest audit record names a different rubric sha256 than the rubric given; the "
        "output was masked with another rubric version.",
    )
    c = audit.get("counts") or {}
    try:
        rin, rout = int(c["rows_in"]), int(c["rows_out"])
        rq, rs = int(c["rows_quarantined"]), int(c.get("rows_suppressed", 0))
    except (KeyError, TypeError, ValueError):
        yield Result.of(
            "audit counts present",
            "*",
            Reason.AUDIT_COUNTS,
            1,
            "the audit record lacks rows_in/rows_out/rows_quarantined.",
        )
        return
    # a table run also holds rows back (k over the table) and skips rows the table already has
    held, present = int(c.get("rows_held") or 0), int(c.get("rows_already_in_table") or 0)
    yield Result.of(
        "in = out + quarantined + suppressed (+ held + already in the table)",
        "*",
        Reason.AUDIT_COUNTS,
        abs(rin - rout - rq - rs - held - present),
        f"audit counts do not add up: in {rin}, out {rout}, quarantined {rq}, suppressed {rs}, "
        f"held back {held}, already in the table {present}.",
    )
    whole_rows = s.output.whole_rows
    yield Result.of(
        "audit rows_out = output rows",
        "*",
        Reason.AUDIT_COUNTS,
        abs(int(c.get("table_rows", rout)) - whole_rows),  # a table holds every run's rows
        f"the audit says {int(c.get('table_rows', rout))} rows but the output holds {whole_rows}.",
    )
    if s.ctx.whole is not s.ctx.out:  # a job's audit of its branch: the rows it appended
        yield Result.of(
            "audit rows_out = rows the run appended",
            "*",
            Reason.AUDIT_COUNTS,
            abs(rout - out_rows),
            f"the audit says the run added {rout} rows but the branch gained {out_rows}.",
        )
    yield Result.of(
        "audit outcome succeeded",
        "*",
        Reason.AUDIT_COUNTS,
        int(audit.get("outcome") != "succeeded"),
        "the newest audit record's outcome is not 'succeeded'.",
    )


def _class_stats(ctx: Context, p: Privacy, qis: list[str], sens: str | None):
    """One row: the output's classes over ``qis``, the smallest, the rows and classes below k,
    and (with ``sens``) the least diverse class and the rows in classes below l."""
    aggs = [F.count(F.lit(1)).alias("n")]
    if sens:
        aggs.append(F.countDistinct(quoted(sens)).alias("d"))
    # over the whole output: a table's new rows count with the rows it holds already (only the
    # quasi-identifier and sensitive columns are read)
    if ctx.whole_classes is not None and not sens:  # counted by the job's audit already
        classes = ctx.whole_classes.groupBy(*[quoted(q) for q in qis]).agg(F.sum(CLASS_ROWS).alias("n"))
    else:
        classes = ctx.whole.groupBy(*[quoted(q) for q in qis]).agg(*aggs)  # no QI present: one class
    small = F.col("n") < p.k
    diversity = (
        [F.min("d").alias("l"), F.sum(F.when(F.col("d") < p.l, F.col("n")).otherwise(0)).alias("low")]
        if sens
        else []
    )
    return classes.agg(
        F.count(F.lit(1)).alias("classes"),
        F.min("n").alias("k"),
        F.sum(F.when(small, F.col("n")).otherwise(0)).alias("small_rows"),
        F.sum(F.when(small, 1).otherwise(0)).alias("small_classes"),
        *diversity,
    ).collect()[0]


def privacy(s: Scope) -> Iterator[Result]:
    """k-anonymity (and l-diversity) of the output, by value; reconciled with the audit."""
    p = s.ctx.rubric.privacy
    if p is None:
        return
    out_cols = s.ctx.out_columns
    qis = [q for q in p.quasi_identifiers if q in out_cols]
    sens = p.sensitive if p.sensitive in out_cols else None
    row = _class_stats(s.ctx, p, qis, sens)
    n_classes, smallest = int(row["classes"] or 0), row["k"]
    small_rows, small_classes = int(row["small_rows"] or 0), int(row["small_classes"] or 0)
    over = ", ".join(qis) or "(no quasi-identifier present: the whole output is one class)"
    enforced = p.action != "report"
    yield Result.of(
        f"smallest class >= k = {p.k}" if enforced else f"classes measured (report only, k = {p.k})",
        ", ".join(qis) or "*",
        Reason.K_ANONYMITY,
        small_rows if enforced else 0,
        f"{small_rows} output row(s) in {small_classes} class(es) smaller than k = {p.k} over "
        f"{over}; the smallest of {n_classes} classes has {smallest} row(s).",
    )
    if sens:
        low = int(row["low"] or 0)
        yield Result.of(
            f"each class has >= l = {p.l} distinct {sens}",
            sens,
            Reason.L_DIVERSITY,
            low if enforced else 0,
            f"{low} output row(s) are in classes with fewer than l = {p.l} distinct values of "
            f"{sens}; the least diverse class has {row['l']}.",
        )
    if s.ctx.audit is not None:
        yield _privacy_audit(s.ctx.audit, p, n_classes, smallest)


def _privacy_audit(audit: dict, p: Privacy, n_classes: int, smallest) -> Result:
    """The audit's privacy record agrees with the rubric and with the output's classes."""
    rec = audit.get("privacy")
    counts = audit.get("counts") or {}
    if not isinstance(rec, dict):
        return Result.of(
            "audit has a privacy record",
            "*",
            Reason.PRIVACY_AUDIT,
            1,
            "the rubric has a privacy section but the newest audit record has no privacy record; "
            "the output was masked without k-anonymity.",
        )
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
    # a table holds every run's rows: the run's record describes its own classes, and the
    # table's are held to k directly by the check before this one
    whole = "table_rows" not in counts
    if whole and not removed and (rec.get("classes") != n_classes or rec.get("k_achieved") != smallest):
        problems.append(
            f"audit classes {rec.get('classes')} / k_achieved {rec.get('k_achieved')} but the output "
            f"has {n_classes} classes, the smallest {smallest}"
        )
    return Result.of(
        "privacy record = output", "*", Reason.PRIVACY_AUDIT, len(problems), "; ".join(problems) + "."
    )
