"""`pii-mask retention`: a dry run lists and changes nothing; --apply shreds old window keys and
removes expired output rows atomically; verify.py still passes; the record holds no value."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lifecycle_fixtures import CANARIES, ROOT, all_text, file_hashes, shared_dataset

from piimask.cli import main as cli_main
from piimask.errors import PiiMaskError
from piimask.keys.keyring import load
from piimask.lifecycle.retention import retention
from piimask.rubric import RubricError
from piimask.verify import verify

RUBRIC = str(ROOT / "rubric.yaml")  # retention: {direct_key_windows: 8, output_days: 730}
# 730 days before this moment is 2026-02-21: the January and early-February rows expire
NOW = datetime(2028, 2, 21, 12, 0, tzinfo=UTC)
EXPIRED = ["2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1"]


@pytest.fixture(scope="module")
def base(spark, tmp_path_factory):
    return shared_dataset(spark, tmp_path_factory)


def rows(spark, folder: Path) -> Counter:
    return Counter(tuple(r) for r in spark.read.parquet(str(folder)).collect())


def test_dry_run_lists_and_changes_nothing(spark, base, tmp_path):
    ds = base.copy(tmp_path / "ds")
    ring_before, hashes = Path(ds.keyring_ref[5:]).read_bytes(), file_hashes(ds.output)
    audits = sorted(p.name for p in (ds.output / "_audit").iterdir())
    record = retention(spark, RUBRIC, ds.keyring_ref, str(ds.output), apply=False, now=NOW)
    assert record["outcome"] == "dry-run"
    assert record["keyring"]["expired_windows"] == EXPIRED  # 2026Q2 .. 2028Q1 are the 8 kept
    assert record["plan"]["rows_expired"] == 12  # P0's 2 Jan rows, file 0's other 2, file 2's 8
    assert Path(ds.keyring_ref[5:]).read_bytes() == ring_before
    assert file_hashes(ds.output) == hashes
    assert sorted(p.name for p in (ds.output / "_audit").iterdir()) == audits


def test_apply_shreds_keys_removes_old_rows_and_verify_passes(spark, base, tmp_path):
    ds = base.copy(tmp_path / "ds")
    before = rows(spark, ds.output)
    ts_at = spark.read.parquet(str(ds.output)).columns.index("event_ts")
    record = retention(spark, RUBRIC, ds.keyring_ref, str(ds.output), apply=True, now=NOW)
    assert record["keyring"]["shredded"] and record["counts"]["rows_removed"] == 12
    ring = load(ds.keyring_ref)
    assert not set(EXPIRED) & set(ring.windows) and "2026Q2" in ring.windows
    after = rows(spark, ds.output)
    old = Counter({r: n for r, n in before.items() if r[ts_at] < "2026-02-21"})
    assert after == before - old and sum(old.values()) == 12
    assert all(r[ts_at] >= "2026-02-21" for r in after)
    saved = json.loads(Path(record["record_path"]).read_text())
    assert saved["kind"] == "retention" and saved["applies_to_run"] == ds.record["run_id"]
    assert not any(c in all_text(ds.output / "_audit") for c in CANARIES)
    # the masking run still verifies against its raw input, the expired rows reconciled
    report = verify(spark, RUBRIC, str(ds.output), raw=str(ds.input), quarantine=str(ds.quarantine))
    assert report.passed, [r.message for r in report.failed]
    # a second apply finds nothing more to do
    again = retention(spark, RUBRIC, ds.keyring_ref, str(ds.output), apply=True, now=NOW)
    assert again["counts"]["rows_removed"] == 0 and again["keyring"]["expired_windows"] == []


def test_cli_dry_run_is_the_default_and_keys_only_needs_no_output(base, tmp_path, capfd):
    ds = base.copy(tmp_path / "ds")
    ring_before = Path(ds.keyring_ref[5:]).read_bytes()
    assert cli_main(["retention", "--rubric", RUBRIC, "--keyring", ds.keyring_ref]) == 0
    out = capfd.readouterr().out
    assert "dry run" in out and "nothing was changed" in out
    assert Path(ds.keyring_ref[5:]).read_bytes() == ring_before


def test_retention_refuses_without_limits(base, tmp_path):
    bare = tmp_path / "rubric.yaml"
    bare.write_text(Path(RUBRIC).read_text().replace("retention:\n", "unused_retention:\n", 1))
    with pytest.raises(RubricError, match="unused_retention"):  # unknown top-level key
        retention(None, str(bare), base.keyring_ref)
    lines = [ln for ln in Path(RUBRIC).read_text().splitlines(keepends=True) if "_key_windows" not in ln]
    bare.write_text("".join(lines).replace("  output_days: 730\n", "").replace("retention:\n", ""))
    with pytest.raises(PiiMaskError, match="sets no retention"):
        retention(None, str(bare), base.keyring_ref)
