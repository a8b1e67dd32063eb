"""`pii-mask erase` on real files: the person's rows and vault entries go, nothing else changes,
verify.py still passes, a failure leaves the output intact, and no raw value is ever shown."""

from __future__ import annotations

import json
import logging
from collections import Counter
from pathlib import Path

import pytest
from lifecycle_fixtures import (
    CANARIES,
    PEOPLE,
    SUBJECT,
    all_text,
    digest,
    file_hashes,
    plain_token,
    shared_dataset,
)
from pyspark.sql import functions as F

from piimask.cli import main as cli_main
from piimask.errors import PiiMaskError
from piimask.lifecycle.erase import erase
from piimask.lifecycle.rewrite import stage_without
from piimask.storage.fs import Storage
from piimask.verify import verify


@pytest.fixture(scope="module")
def base(spark, tmp_path_factory):
    return shared_dataset(spark, tmp_path_factory)


def rows(spark, folder: Path) -> Counter:
    df = spark.read.parquet(str(folder))
    return Counter(tuple(r) for r in df.collect())


def vault_rows(spark, folder: Path) -> Counter:
    return Counter(
        tuple(r) for r in spark.read.parquet(str(folder)).select("column", "token", "value").collect()
    )


def values_file(tmp_path: Path, *values: str) -> str:
    path = tmp_path / "values.txt"
    path.write_text("\n".join(values) + "\n", encoding="utf-8")
    return str(path)


def subject_digests(ds) -> set[str]:
    return {digest(key, SUBJECT[1]) for key in ds.keyring.direct.values()}


def test_erase_by_email_removes_rows_and_vault_entries_and_verify_passes(spark, base, tmp_path):
    ds = base.copy(tmp_path / "ds")
    before, vault_before = rows(spark, ds.output), vault_rows(spark, ds.vault)
    email_at = list(spark.read.parquet(str(ds.output)).columns).index("operator_email")
    gone = {r: n for r, n in before.items() if r[email_at] in subject_digests(ds)}
    # files holding none of the person's rows must come through byte for byte
    clean = {
        f: h for f, h in file_hashes(ds.output).items() if not set(rows(spark, ds.output / f)) & set(gone)
    }
    assert sum(gone.values()) == 4  # P0's four rows, in two windows (2026Q1, 2026Q2)

    result = erase(
        spark, ds.rubric, str(ds.output), str(ds.vault), ds.keyring_ref, "operator_email",
        values_file(tmp_path, SUBJECT[1]),
    )  # fmt: skip

    after = rows(spark, ds.output)
    assert after == before - Counter(gone)  # every other row unchanged, value for value
    hashes_after = file_hashes(ds.output)
    assert all(hashes_after.get(f) == h for f, h in clean.items())
    assert result.certificate["counts"]["files_unchanged"] == len(clean)

    token_key = ds.keyring.token
    op_token = plain_token(token_key, "op", "operator_id", SUBJECT[0])
    site_token = plain_token(token_key, "site", "job_site_id", SUBJECT[5])
    vault_after = vault_rows(spark, ds.vault)
    assert not any(v == SUBJECT[0] or v == SUBJECT[5] or v == SUBJECT[4] for _, _, v in vault_after)
    removed = vault_before - vault_after
    assert {(c, t) for c, t, _ in removed} >= {("operator_id", op_token), ("job_site_id", site_token)}
    assert sum(removed.values()) == 3  # operator_id, job_site_id and device_mac of P0 only
    assert vault_after == vault_before - removed

    cert = json.loads(Path(result.certificate_path).read_text())
    assert cert["kind"] == "erasure" and cert["applies_to_run"] == ds.record["run_id"]
    assert cert["counts"]["rows_removed"] == 4 and cert["counts"]["vault_entries_removed"] == 3
    assert Path(result.certificate_path).parent == ds.output / "_audit"
    assert (ds.output / "_audit" / f"{ds.record['run_id']}.json").exists()  # the run's audit kept

    report = verify(
        spark,
        ds.rubric,
        str(ds.output),
        raw=str(ds.input),
        quarantine=str(ds.quarantine),
        keyring=ds.keyring_ref,
    )
    assert report.passed, [r.message for r in report.failed]


def test_erase_with_quarantine_removes_the_persons_quarantined_rows_and_verify_passes(spark, base, tmp_path):
    ds = base.copy(tmp_path / "ds")
    part = ds.quarantine / f"run_id={ds.record['run_id']}"

    def emails():  # the quarantine holds raw rows (and an array of reasons)
        return [r[0] for r in spark.read.parquet(str(part)).select("operator_email").collect()]

    assert emails() == [PEOPLE[3][1]]  # the fixture's one invalid row

    # a person with no quarantined row: the quarantine is not rewritten
    hashes = file_hashes(ds.quarantine)
    first = erase(
        spark, ds.rubric, str(ds.output), str(ds.vault), ds.keyring_ref, "operator_email",
        values_file(tmp_path, SUBJECT[1]), quarantine=str(ds.quarantine),
    )  # fmt: skip
    assert first.certificate["counts"]["quarantine_rows_removed"] == 0
    assert file_hashes(ds.quarantine) == hashes

    out_before = sum(rows(spark, ds.output).values())
    second = erase(
        spark, ds.rubric, str(ds.output), str(ds.vault), ds.keyring_ref, "operator_email",
        values_file(tmp_path, PEOPLE[3][1]), quarantine=str(ds.quarantine),
    )  # fmt: skip
    counts = second.certificate["counts"]
    assert counts["quarantine_rows_removed"] == 1
    assert counts["quarantine_rows_removed_by_run"] == {ds.record["run_id"]: 1}
    assert counts["rows_removed"] == out_before - sum(rows(spark, ds.output).values()) > 0
    assert emails() == []  # the partition stays, readable and empty
    assert sorted(p.name for p in ds.quarantine.iterdir()) == [part.name]  # no staging left
    assert PEOPLE[3][1] not in json.dumps(second.certificate)

    def check():
        return verify(
            spark, ds.rubric, str(ds.output), raw=str(ds.input), quarantine=str(ds.quarantine),
            keyring=ds.keyring_ref,
        )  # fmt: skip

    report = check()
    assert report.passed, [r.message for r in report.failed]
    # the certificate's per-run quarantine count is what reconciles the quarantine with the audit
    cert = Path(second.certificate_path)
    doc = json.loads(cert.read_text())
    del doc["counts"]["quarantine_rows_removed_by_run"]
    cert.write_text(json.dumps(doc))
    cert.with_name(f".{cert.name}.crc").unlink(missing_ok=True)  # Hadoop's checksum of the old text
    failed = check().failed
    assert {r.check for r in failed} >= {"quarantine rows = audit", "rows failing validation = quarantined"}


def test_rewrite_keeps_untouched_files_byte_for_byte_and_publishes_atomically(spark, tmp_path):
    out = tmp_path / "out"
    for g in range(3):  # three real parquet files, one per group
        rows_g = [(n, f"g{g}") for n in range(g * 10, g * 10 + 10)]
        spark.createDataFrame(rows_g, "n int, g string").coalesce(1).write.mode("append").parquet(str(out))
    (out / "_audit").mkdir()
    (out / "_audit" / "run.json").write_text("{}")
    hashes = file_hashes(out)
    assert len(hashes) == 3
    store = Storage(spark)
    stage = str(tmp_path / ".out.test-stage")
    remove = (F.col("g") == "g0") | (F.col("n") == 11)
    result = stage_without(spark, store, str(out), "parquet", remove, [], stage)
    assert (result.rows_removed, result.files_deleted, result.files_rewritten, result.files_unchanged) == (
        11,
        1,
        1,
        1,
    )
    assert file_hashes(out) == hashes  # staging touched nothing
    store.publish(stage, str(out), keep_from_previous=("_audit",))
    after = file_hashes(out)
    kept = {f: h for f, h in hashes.items() if after.get(f) == h}
    assert len(kept) == 1 and rows(spark, out / next(iter(kept))) == Counter((n, "g2") for n in range(20, 30))
    assert rows(spark, out) == Counter(
        [(n, "g1") for n in range(10, 20) if n != 11] + [(n, "g2") for n in range(20, 30)]
    )
    assert (out / "_audit" / "run.json").exists() and not (tmp_path / ".out.test-stage").exists()


def test_erase_by_token_column_and_verify_counts_the_erasure(spark, base, tmp_path):
    ds = base.copy(tmp_path / "ds")
    before = rows(spark, ds.output)
    result = erase(
        spark, ds.rubric, str(ds.output), str(ds.vault), ds.keyring_ref, "operator_id",
        values_file(tmp_path, SUBJECT[0], "OP-NOBODY"),
    )  # fmt: skip
    assert result.certificate["counts"]["rows_removed"] == 4
    assert sum(rows(spark, ds.output).values()) == sum(before.values()) - 4
    assert not any(v == SUBJECT[0] for _, _, v in vault_rows(spark, ds.vault))
    report = verify(spark, ds.rubric, str(ds.output), raw=str(ds.input), quarantine=str(ds.quarantine))
    assert report.passed, [r.message for r in report.failed]
    # the same check without the certificate fails: the erasure is what reconciles the rows
    Path(result.certificate_path).unlink()
    unreconciled = verify(spark, ds.rubric, str(ds.output), raw=str(ds.input), quarantine=str(ds.quarantine))
    assert "rows_unreconciled" in {r.reason for r in unreconciled.failed}


def test_failed_erasure_leaves_output_and_vault_intact(spark, base, tmp_path):
    ds = base.copy(tmp_path / "ds")
    part = next(p for p in ds.vault.iterdir() if p.name.startswith("run_id="))
    (part / "part-99999-broken.parquet").write_bytes(b"this is not parquet")  # a real, unreadable file
    hashes, listing = file_hashes(ds.output), sorted(p.name for p in ds.output.parent.iterdir())
    with pytest.raises(PiiMaskError, match="nothing was changed"):
        erase(
            spark, ds.rubric, str(ds.output), str(ds.vault), ds.keyring_ref, "operator_email",
            values_file(tmp_path, SUBJECT[1]),
        )  # fmt: skip
    assert file_hashes(ds.output) == hashes
    assert sorted(p.name for p in ds.output.parent.iterdir()) == listing  # no staging left
    assert not [p for p in (ds.output / "_audit").iterdir() if p.name.startswith("erasure-")]


def test_erase_refuses_columns_that_cannot_find_a_person(spark, base, tmp_path):
    with pytest.raises(PiiMaskError, match="treated 'keep'"):
        erase(
            spark, base.rubric, str(base.output), str(base.vault), base.keyring_ref, "battery_pct",
            values_file(tmp_path, "87"),
        )  # fmt: skip
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    with pytest.raises(PiiMaskError, match="holds no values"):
        erase(
            spark,
            base.rubric,
            str(base.output),
            str(base.vault),
            base.keyring_ref,
            "operator_email",
            str(empty),
        )


def test_cli_erase_never_shows_a_raw_value(spark, base, tmp_path, capfd, caplog):
    ds = base.copy(tmp_path / "ds")
    values = values_file(tmp_path, *CANARIES[1:3])  # email and name
    argv = ["erase", "--rubric", ds.rubric, "--output", str(ds.output), "--vault", str(ds.vault)]
    argv += ["--quarantine", str(ds.quarantine)]
    with caplog.at_level(logging.INFO):
        code = cli_main(
            [*argv, "--keyring", ds.keyring_ref, "--column", "operator_email", "--values-file", values]
        )
    out, err = capfd.readouterr()
    assert code == 0 and "4 removed" in out and "0 raw row(s) removed" in out
    shown = out + err + caplog.text + all_text(ds.output / "_audit") + all_text(ds.output)
    for canary in CANARIES:
        assert canary not in shown
    for d in subject_digests(ds):  # nor the person's digests: the certificate must not re-link
        assert d not in out + err + caplog.text + all_text(ds.output / "_audit")
    # a missing values file is a usage error (exit 2), still without values
    assert (
        cli_main([*argv, "--keyring", ds.keyring_ref, "--column", "operator_email", "--values-file", "/nope"])
        == 2
    )
