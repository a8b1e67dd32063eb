"""A run killed (SIGKILL) after its branch is written, just before main is fast-forwarded, leaves
main at the previous snapshot; the re-run publishes. The job runs as a real subprocess on the
same file-based Iceberg catalog as the test's session; it stops at the test seam
``PIIMASK_TEST_PAUSE_AT=before_fast_forward:MARKER`` (piimask/job/table.py ``pause_point``)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import uuid
from datetime import datetime
from pathlib import Path

from kill_support import killed_at_seam
from lifecycle_fixtures import ROOT, input_files, write_csv
from rubric_variants import with_quarantine_ceiling

from piimask.job import RunOptions, run
from piimask.job.table import PAUSE_ENV
from piimask.keys.keyring import new_keyring, save
from piimask.session import WAREHOUSE_ENV
from piimask.storage.iceberg import Table
from piimask.verify import verify

# rubric.yaml with a quarantine ceiling that admits the second batch's one invalid row of 9 (the 5%
# default is tested in test_attacks.py)
RUBRIC = with_quarantine_ceiling(Path(tempfile.mkdtemp(prefix="piimask-kill-")), 0.5)


def test_a_kill_before_main_moves_leaves_main_at_the_previous_snapshot(spark, tmp_path):
    keyring = new_keyring("quarterly", back=8, ahead=4, now=datetime(2026, 4, 22))
    ref = f"file:{tmp_path / 'keyring.json'}"
    save(keyring, ref)
    name = f"lake.masked.k{uuid.uuid4().hex[:8]}"
    files = input_files()
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, content in ((first, files[0]), (second, files[2])):  # one row of files[2] is invalid
        folder.mkdir()
        write_csv(folder / "part.csv", content)
    raw = [str(tmp_path / "quarantine"), str(tmp_path / "vault"), ref]
    run(spark, RunOptions(RUBRIC, str(first), name, *raw, output_format="iceberg"))
    table = Table(spark, name)
    before, rows_before = table.snapshot("main"), table.read().count()
    assert rows_before == len(files[0])

    marker = tmp_path / "paused"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        WAREHOUSE_ENV: os.environ[WAREHOUSE_ENV],  # the same catalog as this session
        PAUSE_ENV: f"before_fast_forward:{marker}",
    }
    argv = [sys.executable, "-m", "piimask.cli", "run", "--rubric", RUBRIC, "--input", str(second)]
    argv += ["--output", name, "--quarantine", raw[0], "--vault", raw[1], "--keyring", ref]
    proc = subprocess.Popen(
        [*argv, "--output-format", "iceberg"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    with killed_at_seam(proc, marker):
        # the run's branch is written and holds the new rows; main has not moved
        branches = [b for b in table.refs() if b.startswith("audit_")]
        assert len(branches) == 1
        assert table.read(branch=branches[0]).count() == rows_before + 8

    assert table.snapshot("main") == before  # readers still see the previous snapshot
    assert table.read().count() == rows_before

    again = run(spark, RunOptions(RUBRIC, str(second), name, *raw, output_format="iceberg"))
    assert again["counts"]["rows_added_to_table"] == 8
    assert table.snapshot("main") != before
    # the killed run published its quarantine partition before it stopped: the re-run adds none
    assert (again["counts"]["rows_quarantined"], again["counts"]["quarantine_rows_added"]) == (1, 0)
    assert table.read().count() == rows_before + 8
    report = verify(spark, RUBRIC, name, quarantine=raw[0])
    assert report.passed, [(r.check, r.message) for r in report.failed]
