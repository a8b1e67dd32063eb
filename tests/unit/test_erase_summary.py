"""`pii-mask erase`'s printed summary for both kinds of output. A table's certificate has no file
counts (its rows go by a row-level delete): the summary read them and failed with a KeyError after
the erasure had committed, so the command exited 2 claiming nothing was published (found by
tests/aws/test_glue_catalog_iam.py, the first run of `pii-mask erase` on a table through the CLI)."""

from __future__ import annotations

from piimask.lifecycle.erase import ErasureResult, summary


def _certificate(**more) -> dict:
    counts = {"rows_removed": 0, "rows_suppressed_for_k": 1, "vault_entries_removed": 2}
    counts["quarantine_rows_removed"] = 1
    return {
        "id": "E1",
        "outcome": "succeeded",
        "column": {"name": "operator_email"},
        "values_requested": 1,
        "quarantine": {"path": "s3://raw/quarantine"},
        **more,
        "counts": {**counts, **more.pop("counts", {})},
    }


def test_a_table_erasure_summary_names_the_delete_and_the_cleanup():
    cert = _certificate(
        table={"snapshots_expired": [1, 2, 3], "orphan_files_removed": 0, "refs_dropped": []},
        counts={"table_rows_removed": 5, "rows_requested_removed": 4},
    )
    text = summary(ErasureResult(cert, "s3://masked/warehouse/db.db/t.piimask/erasure-E1.json"))
    assert "table rows    : 5 removed (1 of them to keep k-anonymity)" in text
    assert "3 snapshot(s) expired, 0 orphan file(s) removed" in text
    assert "quarantine    : 1 raw row(s) removed" in text


def test_a_folder_erasure_summary_keeps_its_file_counts():
    cert = _certificate(
        counts={"rows_removed": 4, "files_rewritten": 1, "files_deleted": 0, "files_unchanged": 2}
    )
    text = summary(ErasureResult(cert, "out/_erasure/erasure-E1.json"))
    assert "output rows   : 4 removed (1 file(s) rewritten, 0 deleted, 2 unchanged" in text
