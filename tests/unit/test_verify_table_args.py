"""`pii-mask verify --output catalog.database.table`: a table name is not a local path, so the
argument check that runs before Spark starts must not refuse it as a missing folder (the AWS test
tests/aws/test_glue_catalog_iam.py found that it did); a missing folder is still refused."""

from __future__ import annotations

from pathlib import Path

from piimask.cli import main as cli_main

ROOT = Path(__file__).resolve().parents[2]
RUBRIC = str(ROOT / "rubric.yaml")


def test_a_table_output_passes_the_path_check(tmp_path, capfd):
    # --keyring without --raw is the next check: reaching it shows the table name got through,
    # and it stops the command before a JVM starts
    argv = ["verify", "--rubric", RUBRIC, "--output", "lake.piimask_masked.telemetry"]
    assert cli_main([*argv, "--keyring", f"file:{tmp_path / 'k.json'}"]) == 2
    err = capfd.readouterr().err
    assert "--keyring needs --raw" in err and "does not exist" not in err


def test_a_missing_output_folder_is_still_refused(tmp_path, capfd):
    assert cli_main(["verify", "--rubric", RUBRIC, "--output", str(tmp_path / "nope")]) == 2
    assert "does not exist" in capfd.readouterr().err


def test_a_quarantine_table_passes_the_path_check(tmp_path, capfd):
    argv = ["verify", "--rubric", RUBRIC, "--output", "lake.piimask_masked.telemetry"]
    argv += ["--quarantine", "lake.piimask_raw.quarantine", "--keyring", f"file:{tmp_path / 'k.json'}"]
    assert cli_main(argv) == 2
    err = capfd.readouterr().err
    assert "--keyring needs --raw" in err and "does not exist" not in err
