"""Stages left by a run that died are recognised by name and age; live ones and data never are."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from piimask.storage.transaction import ORPHAN_AGE, orphaned

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def test_only_stages_older_than_the_longest_glue_run_are_orphans():
    old = (NOW - ORPHAN_AGE - timedelta(minutes=1)).strftime("%Y%m%dT%H%M%SZ")
    live = (NOW - timedelta(hours=47)).strftime("%Y%m%dT%H%M%SZ")  # a 48-hour Glue run may still be going
    names = [
        f".staging-{old}-1a2b3c4d",
        f".staging-{old}-1a2b3c4d.previous",
        f".erase-{old}-00ff00ff",
        f".retention-{live}-abcdef01",
        f"run_id={old}-1a2b3c4d",  # a published partition
        "_audit",
        "part-00000.parquet",
        ".part-00000.parquet.crc",
    ]
    assert orphaned(names, NOW) == [names[0], names[2]]  # trash may hold the only copy: kept
    assert ORPHAN_AGE > timedelta(minutes=2880)
