"""`pii-mask run`: the masking job from the command line, and its one-screen summary."""

from __future__ import annotations

import argparse

from piimask.job.options import add_arguments, check_paths, options_from_args
from piimask.job.run import run
from piimask.rubric import load_rubric
from piimask.storage.audit import audit_path

__all__ = ["add_arguments", "main", "summary"]


def _where_audited(record: dict) -> str:
    table = record["output"].get("table")
    if table:  # an Iceberg table: its snapshot, and rows added against rows it already held
        c = record["counts"]
        return (
            f"  table         : snapshot {table.get('snapshot')}; {c['rows_added_to_table']} rows added, "
            f"{c['rows_already_in_table']} already there, {c['table_rows']} in the table"
        )
    return f"  audit         : {audit_path(record['output']['path'], record['run_id'])}"


def summary(record: dict) -> str:
    c = record["counts"]
    lines = [
        f"run {record['run_id']}: {record['outcome']}",
        f"  masked output : {record['output']['path']}  ({c['rows_out']} rows)",
        f"  quarantine    : {record['quarantine']['path']}  ({c['rows_quarantined']} rows)",
        f"  vault         : {record['vault']['path']}  ({c['vault_entries_added']} new entries)",
        _where_audited(record),
        f"  rows in {c['rows_in']} = out {c['rows_out']} + quarantined {c['rows_quarantined']} "
        f"+ suppressed {c['rows_suppressed']}"
        + (
            f" + held back {c['rows_held']} + already in the table {c['rows_already_in_table']}"
            if "rows_held" in c
            else ""
        ),
    ]
    for code, n in sorted(record["quarantine_reasons"].items()):
        lines.append(f"    quarantined for {code}: {n}")
    p = record.get("privacy")
    if p and p.get("scope") == "table":  # k over the whole table: rows wait instead of being dropped
        lines.append(
            f"  k-anonymity   : k {p['k']} ({p['action']}) over the table; {p['rows_released']} rows "
            f"released ({p['rows_generalized']} generalized), {p['rows_held']} held back "
            f"({c['rows_from_hold']} of the rows in came from the held rows)"
        )
    elif p:
        lines.append(
            f"  k-anonymity   : k {p['k']} ({p['action']}), smallest class {p['k_achieved']}, "
            f"{p['classes']} classes; {p['rows_generalized']} rows generalized, "
            f"{p['rows_suppressed']} suppressed"
        )
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    from piimask.session import get_spark

    options = options_from_args(args)
    load_rubric(options.rubric)  # fail on a bad rubric before starting Spark
    check_paths(options)
    record = run(get_spark("pii-mask"), options)
    print(summary(record))
    return 0
