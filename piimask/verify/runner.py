"""The runner: ``verify`` opens the context, runs the passes and the check groups in a stated
order, counts every join check's finding in one job, and returns the report.

The order of the Spark jobs and of ``Report.results``:

1. ``output_pass``, then ``OUTPUT_CHECKS`` (the output alone);
2. with ``--raw``: ``raw_pass``, with ``--keyring`` also ``digest_mismatches``, then
   ``RAW_CHECKS``; with ``--keyring``, ``KEYRING_CHECKS``;
3. ``Backend.flush``: the findings of the join checks, counted together; their results come
   last, in the order the findings were declared.

A check reads only the context and the facts of the passes before its group, never another
check's state, so reordering the checks within a group reorders results and jobs but changes
no result.
"""

from __future__ import annotations

from dataclasses import replace

from pyspark.sql import SparkSession

from piimask.frames.encoding import DEFAULT_ENCODING
from piimask.rubric import Rubric
from piimask.verify import keyed, leaks
from piimask.verify import output as output_checks
from piimask.verify import raw as raw_checks
from piimask.verify.backend import Backend, Finding
from piimask.verify.context import MAX_BROADCAST_ROWS, SUBSTRING_BUDGET, Context, open_context
from piimask.verify.passes import digest_mismatches, output_pass, raw_pass
from piimask.verify.report import Report, Result
from piimask.verify.scope import Check, Scope

__all__ = ["KEYRING_CHECKS", "OUTPUT_CHECKS", "RAW_CHECKS", "run_checks", "verify"]

OUTPUT_CHECKS: tuple[Check, ...] = (
    output_checks.columns,
    output_checks.row_results,
    output_checks.audit_record,
    output_checks.privacy,
)
RAW_CHECKS: tuple[Check, ...] = (
    raw_checks.reconcile,
    raw_checks.nulls,
    raw_checks.behavioral,
    leaks.leaks,
    raw_checks.unkeyed,
    raw_checks.token_counts,
)
KEYRING_CHECKS: tuple[Check, ...] = (keyed.windows, keyed.digests, keyed.tokens)


def _run(group: tuple[Check, ...], scope: Scope, results: list[Result]) -> None:
    """Run ``group``'s checks in order: results go to ``results``, findings to the backend."""
    for check in group:
        for item in check(scope):
            if isinstance(item, Finding):
                scope.backend.find(item)
            else:
                results.append(item)


def run_checks(ctx: Context, backend: Backend) -> list[Result]:
    """Every check the context allows, in the order the module docstring states."""
    results: list[Result] = []
    scope = Scope(ctx=ctx, backend=backend, output=output_pass(ctx))
    _run(OUTPUT_CHECKS, scope, results)
    if ctx.raw is None:
        return results
    facts = raw_pass(ctx, backend)
    mismatches = digest_mismatches(ctx, backend, facts) if ctx.keyring is not None else None
    scope = replace(scope, raw=facts, mismatches=mismatches)
    _run(RAW_CHECKS, scope, results)
    if ctx.keyring is not None:
        _run(KEYRING_CHECKS, scope, results)
    return results + backend.flush()


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
    at: dict | None = None,
    frame=None,
    new_rows=None,
    audit: dict | None = None,
    raw_encoding: str = DEFAULT_ENCODING,
    whole_classes=None,
) -> Report:
    """Check ``output`` (a folder, or a table at ``at``: ``{"branch": b}`` or ``{"snapshot": id}``)
    against the rubric (and the raw input and keyring when given).

    The job's audit of its table branch passes the branch as ``frame`` and the rows it appended
    as ``new_rows``: the row checks read those only, the checks across rows the whole branch
    (k-anonymity from ``whole_classes``, the branch's rows per class, when the job has them).

    ``broadcast_rows`` bounds the small side of every join check; ``text_broadcast_rows`` (by
    default the same) bounds the free-text word runs the leak scan may broadcast instead."""
    ctx = open_context(
        spark,
        rubric,
        output,
        raw=raw,
        raw_format=raw_format,
        raw_encoding=raw_encoding,
        quarantine=quarantine,
        keyring=keyring,
        substring_budget=substring_budget,
        broadcast_rows=broadcast_rows,
        text_broadcast_rows=text_broadcast_rows,
        at=at,
        frame=frame,
        new_rows=new_rows,
        audit=audit,
        whole_classes=whole_classes,
    )
    backend = Backend(ctx.broadcast_rows)
    try:
        results = run_checks(ctx, backend)
    finally:
        backend.cleanup()
    return Report(
        results=results,
        rubric={"path": ctx.rubric_path, "version": ctx.rubric.version, "sha256": ctx.rubric.sha256},
        output=output,
        options={"raw": bool(raw), "quarantine": bool(quarantine), "keyring": bool(keyring), **(at or {})},
    )
