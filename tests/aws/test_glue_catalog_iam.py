"""Iceberg tables in the Glue Data Catalog, as the Glue job runs them: the job writes
``--output-format iceberg --output lake.piimask_masked.telemetry`` with the catalog configured by
deploy/template.yaml's ``--conf`` (``type=glue``: Iceberg's GlueCatalog, its default S3FileIO on
the masked bucket's ``warehouse/``), against moto's server over HTTPS with IAM enforced. Every
request, Glue's and S3's, is signed by a principal whose only policy is the Glue job role's; the
Glue database is the template's, made with CloudFormation's call. The first job, the first verify,
the first erase and the killed job each run in a fresh process of their own
(aws_support.glue_catalog), as on Glue; the follow-up commands run one after another in one more
such process (``worker``: aws_support.catalog_worker), which saves a JVM start per command. The
tests run in file order on the state the previous one left: the job, a second run of the same
input, verify, erase, then a run of new rows killed just before main moves.

``PIIMASK_TEST_GLUE_ENTRY=FILE`` makes the first test also write the table's Glue entry (GetTable's
answer: names, types, locations, no data value) to FILE: docs/tables.md shows it.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
from datetime import datetime

import pyarrow.parquet as pq
import pytest
from aws_support.catalog_worker import CatalogWorker
from aws_support.cfn import ACCOUNT
from aws_support.glue_catalog import (
    catalog_settings,
    moto_overrides,
    run_in_catalog_process,
    start_in_catalog_process,
)
from botocore.exceptions import ClientError
from kill_support import killed_at_seam
from lifecycle_fixtures import CANARIES, ROOT, SUBJECT, digest, input_files, write_csv

from piimask.job.table import PAUSE_ENV
from piimask.keys.keyring import new_keyring, save

RUBRIC = str(ROOT / "rubric.yaml")
DATABASE = "piimask_masked"
TABLE = "telemetry"
NAME = f"lake.{DATABASE}.{TABLE}"


@pytest.fixture(scope="module")
def lake(iam_stack, piimask_jar, tmp_path_factory):
    """The input uploaded and the keyring stored by the admin; the catalog settings of the job."""
    import boto3

    done = subprocess.run([str(ROOT / "tools" / "fetch_jars.sh"), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, "jars missing: run tools/fetch_jars.sh\n" + done.stderr[-2000:]
    server, stack = iam_stack
    assert DATABASE in stack.glue_databases  # the template declares it; the job never creates it
    folder = tmp_path_factory.mktemp("glue-input")
    admin_s3 = server.admin.client("s3")
    for n, rows in enumerate(input_files()):
        write_csv(folder / f"part{n}.csv", rows)
        admin_s3.upload_file(str(folder / f"part{n}.csv"), stack.raw, f"input/part{n}.csv")
    keyring = new_keyring("quarterly", back=8, ahead=4, now=datetime(2026, 4, 22))
    ref = f"secretsmanager:{stack.keyring_secret}"
    with pytest.MonkeyPatch.context() as mp:  # what `pii-mask keys init` does, as the admin
        for name, value in server.admin.environment().items():
            mp.setenv(name, value)
        mp.setattr(boto3, "DEFAULT_SESSION", None)
        save(keyring, ref)
    settings = catalog_settings(stack.job_conf) | moto_overrides(server.endpoint)
    return {
        "server": server,
        "stack": stack,
        "keyring": keyring,
        "ref": ref,
        "settings": settings,
        "folder": folder,
        "raw": f"s3://{stack.raw}",
        "glue_calls": set(),  # the Glue operations the job role's commands made
    }


@pytest.fixture(scope="module")
def worker(lake, tmp_path_factory):
    """One catalog process for the follow-up commands; the JVM's output over all of them holds
    none of the person's values either."""
    folder = tmp_path_factory.mktemp("worker")
    started = CatalogWorker(lake["stack"].job, lake["server"].tls, lake["settings"], folder)
    yield started
    started.close()
    log = started.log.read_text(encoding="utf-8", errors="replace")
    for canary in CANARIES:
        assert canary not in log


def command(lake, kind: str, argv: list[str], worker: CatalogWorker | None = None):
    """``kind`` ``argv`` run as the job's principal: in ``worker`` if given, else in a fresh process."""
    server, stack = lake["server"], lake["stack"]
    since = len(server.recorder.requests)
    if worker is None:
        done = run_in_catalog_process(stack.job, server.tls, lake["settings"], kind, argv)
    else:
        done = worker.run(kind, argv)
    refused = [(r.method, r.path, r.target) for r in server.refused(since, stack.job.access_key)]
    assert done.returncode == 0, (
        f"{kind} {argv[:1]} exit {done.returncode}; refused {refused}\n{done.stderr[-6000:]}"
    )
    assert not refused, refused  # the job role's policy covers every call the catalog makes
    lake["glue_calls"].update(
        r.target.split(".", 1)[1]
        for r in server.recorder.requests[since:]
        if r.access_key == stack.job.access_key and r.target.startswith("AWSGlue.")
    )
    return done


def job(lake, worker: CatalogWorker | None = None) -> subprocess.CompletedProcess:
    raw = lake["raw"]
    return command(lake, "job", [
        "--rubric", RUBRIC, "--input", f"{raw}/input/", "--output", NAME, "--output-format", "iceberg",
        "--quarantine", f"{raw}/quarantine/", "--vault", f"{raw}/vault/", "--keyring", lake["ref"],
    ], worker)  # fmt: skip


def glue_table(lake) -> dict:
    return lake["server"].admin.client("glue").get_table(DatabaseName=DATABASE, Name=TABLE)["Table"]


def table_metadata(lake) -> dict:
    """The Iceberg metadata file the Glue entry points at (metadata_location), read from S3."""
    stack = lake["stack"]
    key = glue_table(lake)["Parameters"]["metadata_location"].removeprefix(f"s3://{stack.masked}/")
    return json.loads(
        lake["server"].admin.client("s3").get_object(Bucket=stack.masked, Key=key)["Body"].read()
    )


def main_snapshot(lake) -> dict:
    metadata = table_metadata(lake)
    return next(s for s in metadata["snapshots"] if s["snapshot-id"] == metadata["current-snapshot-id"])


def audit_records(lake, location: str) -> list[dict]:
    """The run records beside the table (``<table location>.piimask/_audit/``), oldest first."""
    s3 = lake["server"].admin.client("s3")
    bucket, _, key = location.removeprefix("s3://").partition("/")
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=f"{key.rstrip('/')}.piimask/_audit/")
    objects = sorted(listed.get("Contents", []), key=lambda o: o["LastModified"])
    records = [json.loads(s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read()) for o in objects]
    return [r for r in records if "run_id" in r and "counts" in r]


def test_the_job_creates_an_iceberg_table_in_the_glue_catalog_on_the_masked_bucket(lake):
    stack = lake["stack"]
    done = job(lake)
    for canary in CANARIES:
        assert canary not in done.stdout + done.stderr
    table = glue_table(lake)
    if os.environ.get("PIIMASK_TEST_GLUE_ENTRY"):
        with open(os.environ["PIIMASK_TEST_GLUE_ENTRY"], "w", encoding="utf-8") as f:
            json.dump(table, f, indent=2, default=str)
    params = {k.lower(): v for k, v in table["Parameters"].items()}
    assert params["table_type"].upper() == "ICEBERG"
    location = f"s3://{stack.masked}/warehouse/{DATABASE}.db/{TABLE}"
    assert table["StorageDescriptor"]["Location"] == location  # the database's LocationUri, the table
    assert params["metadata_location"].startswith(f"{location}/metadata/")
    assert params["metadata_location"].endswith(".metadata.json")
    metadata = table_metadata(lake)
    assert metadata["location"] == location and metadata["format-version"] == 2
    records = audit_records(lake, location)
    assert len(records) == 1 and records[0]["outcome"] == "succeeded"
    counts = records[0]["counts"]
    assert counts["rows_added_to_table"] == counts["rows_out"] == counts["table_rows"] > 0
    assert int(main_snapshot(lake)["summary"]["total-records"]) == counts["table_rows"]
    lake["location"], lake["first"] = location, records[0]


def test_a_second_run_of_the_same_input_adds_nothing(lake, worker):
    before = main_snapshot(lake)
    job(lake, worker)
    records = audit_records(lake, lake["location"])
    assert len(records) == 2
    counts = records[-1]["counts"]
    assert counts["rows_added_to_table"] == 0
    assert counts["rows_already_in_table"] == lake["first"]["counts"]["rows_out"]
    assert counts["table_rows"] == lake["first"]["counts"]["table_rows"]
    after = main_snapshot(lake)  # the run's branch commits move the metadata file, not the rows
    assert after["summary"]["total-records"] == before["summary"]["total-records"]
    assert after["snapshot-id"] == before["snapshot-id"] or after["summary"].get("added-records", "0") == "0"


def test_verify_against_the_table_passes(lake, tmp_path):
    report = tmp_path / "report.json"
    done = command(lake, "cli", [
        "verify", "--rubric", RUBRIC, "--output", NAME, "--raw", f"{lake['raw']}/input/",
        "--keyring", lake["ref"], "--json", str(report),
    ])  # fmt: skip
    result = json.loads(report.read_text(encoding="utf-8"))
    assert result["verdict"] == "pass", done.stdout[-3000:]
    for canary in CANARIES:
        assert canary not in done.stdout + done.stderr + report.read_text(encoding="utf-8")


def test_erase_deletes_the_persons_rows_and_no_data_file_on_s3_holds_them(lake, worker, tmp_path):
    stack, raw = lake["stack"], lake["raw"]
    before = glue_table(lake)["Parameters"]["metadata_location"]
    values = tmp_path / "values.txt"
    values.write_text(SUBJECT[1] + "\n", encoding="utf-8")
    done = command(lake, "cli", [
        "erase", "--rubric", RUBRIC, "--output", NAME, "--vault", f"{raw}/vault/", "--keyring", lake["ref"],
        "--column", "operator_email", "--values-file", str(values), "--quarantine", f"{raw}/quarantine/",
    ])  # fmt: skip
    for canary in CANARIES:
        assert canary not in done.stdout + done.stderr
    assert glue_table(lake)["Parameters"]["metadata_location"] != before  # committed through Glue
    digests = {digest(k, SUBJECT[1]) for k in lake["keyring"].direct.values()}
    s3 = lake["server"].admin.client("s3")
    prefix = lake["location"].removeprefix(f"s3://{stack.masked}/") + "/data/"
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=stack.masked, Prefix=prefix).get("Contents", [])]
    assert keys
    remaining = 0
    for key in keys:  # every data file left under the table, read without Spark
        emails = pq.read_table(io.BytesIO(s3.get_object(Bucket=stack.masked, Key=key)["Body"].read()))
        held = set(emails.column("operator_email").to_pylist())
        assert not held & digests, key
        remaining += emails.num_rows
    assert remaining > 0
    report = tmp_path / "report.json"
    command(lake, "cli", ["verify", "--rubric", RUBRIC, "--output", NAME, "--json", str(report)], worker)
    assert json.loads(report.read_text(encoding="utf-8"))["verdict"] == "pass"


def test_the_job_role_is_refused_glue_calls_outside_its_grant(lake):
    # what the catalog called through the four commands above, all inside the template's grant
    granted = {"GetDatabase", "GetTable", "GetTables", "CreateTable", "UpdateTable"}
    assert {"GetDatabase", "GetTable", "CreateTable", "UpdateTable"} <= lake["glue_calls"] <= granted
    glue = lake["stack"].job.client("glue")
    glue.get_table(DatabaseName=DATABASE, Name=TABLE)  # inside the grant
    for action, call in (
        ("DeleteTable", lambda: glue.delete_table(DatabaseName=DATABASE, Name=TABLE)),  # not granted
        ("CreateDatabase", lambda: glue.create_database(DatabaseInput={"Name": "elsewhere"})),
        ("GetTables", lambda: glue.get_tables(DatabaseName="default")),  # database not granted
    ):
        with pytest.raises(ClientError) as err:
            call()
        # moto answers a JSON service's denial in S3's XML shape: botocore keeps the status only
        assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
        assert f"not authorized to perform: glue:{action}" in str(err.value.response["Error"])
    assert glue_table(lake)["CatalogId"] == ACCOUNT


def test_a_run_killed_before_main_moves_leaves_main_readable_and_whole_on_s3(lake, worker, tmp_path):
    """SIGKILL after the run's branch is committed through Glue, before main is fast-forwarded
    (the seam ``PIIMASK_TEST_PAUSE_AT``): readers of main see the previous snapshot, whole, and
    verify passes on it; the re-run publishes the new rows."""
    stack, raw = lake["stack"], lake["raw"]
    new_rows = [dict(r, event_id=f"{r['event_id']}-late") for r in input_files()[1]]  # new events
    write_csv(tmp_path / "late.csv", new_rows)
    admin_s3 = lake["server"].admin.client("s3")
    admin_s3.upload_file(str(tmp_path / "late.csv"), stack.raw, "input/late/part.csv")
    before = main_snapshot(lake)
    marker = tmp_path / "paused"
    argv = [
        "--rubric", RUBRIC, "--input", f"{raw}/input/late/", "--output", NAME, "--output-format", "iceberg",
        "--quarantine", f"{raw}/quarantine/", "--vault", f"{raw}/vault/", "--keyring", lake["ref"],
    ]  # fmt: skip
    pause = {PAUSE_ENV: f"before_fast_forward:{marker}"}
    proc = start_in_catalog_process(stack.job, lake["server"].tls, lake["settings"], "job", argv, pause)
    with killed_at_seam(proc, marker):
        metadata = table_metadata(lake)  # the branch is committed in Glue's entry; main is not
        branches = [name for name in metadata.get("refs", {}) if name.startswith("audit_")]
        assert len(branches) == 1
        assert metadata["refs"][branches[0]]["snapshot-id"] != before["snapshot-id"]
    after = main_snapshot(lake)
    assert after["snapshot-id"] == before["snapshot-id"]
    assert after["summary"]["total-records"] == before["summary"]["total-records"]
    report = tmp_path / "report.json"  # main is readable and whole: verify reads every row
    command(lake, "cli", ["verify", "--rubric", RUBRIC, "--output", NAME, "--json", str(report)], worker)
    assert json.loads(report.read_text(encoding="utf-8"))["verdict"] == "pass"
    job_done = command(lake, "job", argv, worker)  # the re-run publishes the new rows
    for canary in CANARIES:
        assert canary not in job_done.stdout + job_done.stderr
    counts = audit_records(lake, lake["location"])[-1]["counts"]
    assert counts["rows_added_to_table"] > 0  # rows a small class holds back wait, counted
    total = int(main_snapshot(lake)["summary"]["total-records"])
    assert total == int(before["summary"]["total-records"]) + counts["rows_added_to_table"]


def test_the_vault_and_quarantine_tables_live_in_the_raw_database_on_the_raw_bucket(lake, worker):
    """A run whose vault and quarantine are tables of the template's raw-zone database: the job
    role's grant covers every call, and their folders are on the raw bucket, not the masked one."""
    stack, raw = lake["stack"], lake["raw"]
    assert "piimask_raw" in stack.glue_databases
    names = {"vault": "lake.piimask_raw.vault", "quarantine": "lake.piimask_raw.quarantine"}
    done = command(lake, "job", [
        "--rubric", RUBRIC, "--input", f"{raw}/input/", "--output", f"{NAME}_raw_zone",
        "--output-format", "iceberg", "--quarantine", names["quarantine"], "--vault", names["vault"],
        "--keyring", lake["ref"],
    ], worker)  # fmt: skip
    for canary in CANARIES:
        assert canary not in done.stdout + done.stderr
    glue = lake["server"].admin.client("glue")
    for name in names:
        entry = glue.get_table(DatabaseName="piimask_raw", Name=name)["Table"]
        location = f"s3://{stack.raw}/warehouse/piimask_raw.db/{name}"
        assert entry["StorageDescriptor"]["Location"] == location
        assert entry["Parameters"]["metadata_location"].startswith(f"{location}/metadata/")
        assert audit_records(lake, location)  # the run's record beside the raw table
    # verify reconciles the run's quarantine rows from the table; erase deletes the person's vault
    # entry from it, and no data file of the vault table on S3 holds their value afterwards
    report = lake["folder"] / "raw-zone-report.json"
    command(lake, "cli", [
        "verify", "--rubric", RUBRIC, "--output", f"{NAME}_raw_zone", "--raw", f"{raw}/input/",
        "--quarantine", names["quarantine"], "--json", str(report),
    ], worker)  # fmt: skip
    assert json.loads(report.read_text(encoding="utf-8"))["verdict"] == "pass"
    values = lake["folder"] / "raw-zone-values.txt"
    values.write_text(SUBJECT[0] + "\n", encoding="utf-8")
    command(lake, "cli", [
        "erase", "--rubric", RUBRIC, "--output", f"{NAME}_raw_zone", "--vault", names["vault"],
        "--keyring", lake["ref"], "--column", "operator_id", "--values-file", str(values),
        "--quarantine", names["quarantine"],
    ], worker)  # fmt: skip
    s3 = lake["server"].admin.client("s3")
    prefix = "warehouse/piimask_raw.db/vault/data/"
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=stack.raw, Prefix=prefix).get("Contents", [])]
    assert keys
    for key in keys:
        entries = pq.read_table(io.BytesIO(s3.get_object(Bucket=stack.raw, Key=key)["Body"].read()))
        assert SUBJECT[0] not in entries.column("value").to_pylist(), key
