"""The job, verify, detokenize, erase and retention end to end on ``s3://`` through Spark's S3A
connector (hadoop-aws 3.3.4, as Glue 5.1 serves ``s3://``), against moto's server over HTTPS with
IAM enforced: every request is signed by a principal whose only policy is the Glue job role's from
deploy/template.yaml, resolved and unchanged. The buckets have the template's KMS default
encryption. One dataset per module: the tests run in file order, each on the state the previous
one left (the job, then a second run over it, then the lifecycle commands).
"""

from __future__ import annotations

import io
import json
import re
import signal
from contextlib import contextmanager
from datetime import UTC, datetime

import pyarrow.parquet as pq
import pytest
from aws_fixtures import secret_versions_holding
from aws_support.cfn import ACCOUNT, expire_noncurrent, load_template, object_versions
from lifecycle_fixtures import CANARIES, PEOPLE, ROOT, SUBJECT, digest, input_files, plain_token, write_csv
from py4j.protocol import Py4JJavaError

from piimask.cli import main as cli_main
from piimask.errors import guarded
from piimask.job import RunOptions, run
from piimask.keys.keyring import KeyringError, new_keyring, save
from piimask.lifecycle.detokenize import detokenize
from piimask.lifecycle.erase import erase
from piimask.lifecycle.retention import retention
from piimask.storage.fs import Storage
from piimask.verify import verify

RUBRIC = str(ROOT / "rubric.yaml")


def java_causes(exc: Py4JJavaError) -> list[str]:
    names, cause = [], exc.java_exception
    while cause is not None and len(names) < 10:
        names.append(cause.getClass().getName())
        cause = cause.getCause()
    return names


@pytest.fixture(scope="module")
def world(s3a, tmp_path_factory):
    """The input uploaded and the keyring stored by the admin; the job's options on s3://."""
    server, stack = s3a
    admin_s3 = server.admin.client("s3")
    folder = tmp_path_factory.mktemp("s3a-input")
    for n, rows in enumerate(input_files()):
        write_csv(folder / f"part{n}.csv", rows)
        admin_s3.upload_file(str(folder / f"part{n}.csv"), stack.raw, f"input/part{n}.csv")
    keyring = new_keyring("quarterly", back=8, ahead=4, now=datetime(2026, 4, 22))
    ref = f"secretsmanager:{stack.keyring_secret}"
    with acting_as(server.admin):  # what `pii-mask keys init` does: one secret per window
        save(keyring, ref)
    options = RunOptions(
        RUBRIC,
        f"s3://{stack.raw}/input/",
        f"s3://{stack.masked}/output/",
        f"s3://{stack.raw}/quarantine/",
        f"s3://{stack.raw}/vault/",
        ref,
    )
    return server, stack, keyring, options, folder


@contextmanager
def acting_as(creds):
    """boto3's default chain (the keyring's client) as ``creds`` for the block."""
    import boto3

    with pytest.MonkeyPatch.context() as mp:
        for name, value in creds.environment().items():
            mp.setenv(name, value)
        mp.setattr(boto3, "DEFAULT_SESSION", None)
        yield


def object_keys(server, bucket: str) -> list[str]:
    pages = server.admin.client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return sorted(o["Key"] for page in pages for o in page.get("Contents", []))


def test_the_job_principal_has_exactly_the_template_policy_and_nothing_else(iam_stack):
    server, stack = iam_stack
    iam = server.admin.client("iam")
    attached = iam.list_attached_user_policies(UserName="glue-job-role")["AttachedPolicies"]
    documents = []
    for policy in attached:
        version = iam.get_policy(PolicyArn=policy["PolicyArn"])["Policy"]["DefaultVersionId"]
        doc = iam.get_policy_version(PolicyArn=policy["PolicyArn"], VersionId=version)["PolicyVersion"]
        documents.append(
            doc["Document"] if isinstance(doc["Document"], dict) else json.loads(doc["Document"])
        )
    assert documents == list(stack.policies.values())
    assert not iam.list_user_policies(UserName="glue-job-role")["PolicyNames"]
    assert f"arn:aws:s3:::{stack.masked}/output/*" in json.dumps(documents)


def test_requests_outside_the_grant_are_refused(iam_stack):
    from botocore.exceptions import ClientError

    server, stack = iam_stack
    s3, sm = stack.job.client("s3"), stack.job.client("secretsmanager")
    s3.put_object(Bucket=stack.masked, Key="output/probe.txt", Body=b"x")  # inside: allowed
    s3.delete_object(Bucket=stack.masked, Key="output/probe.txt")
    for call in (
        lambda: s3.put_object(Bucket=stack.masked, Key="elsewhere/probe.txt", Body=b"x"),
        lambda: s3.put_object(Bucket=stack.raw, Key="input/probe.txt", Body=b"x"),  # input is read-only
        lambda: s3.get_object(Bucket=stack.artifacts, Key="other/thing"),
    ):
        with pytest.raises(ClientError) as refused:
            call()
        assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    server.admin.client("secretsmanager").create_secret(Name="someone-elses", SecretString="{}")
    with pytest.raises(ClientError) as refused:
        sm.get_secret_value(SecretId="someone-elses")
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403  # moto's code: "403"
    assert sm.get_secret_value(SecretId=stack.keyring_secret)["Name"] == stack.keyring_secret
    assert ACCOUNT in stack.job.arn


def test_s3a_refuses_a_write_outside_the_grant(spark, s3a):
    server, stack = s3a
    before = len(server.recorder.requests)
    with pytest.raises(Py4JJavaError) as refused:
        Storage(spark).write_text(f"s3://{stack.masked}/elsewhere/probe.txt", "x")
    assert "java.nio.file.AccessDeniedException" in java_causes(refused.value)
    denied = server.refused(before, stack.job.access_key)
    assert denied and all(r.path.startswith(f"/{stack.masked}/elsewhere") for r in denied)


def test_a_refusal_is_reported_by_class_and_aws_error_code_without_the_path(spark, s3a, capsys):
    _, stack = s3a
    code = guarded(lambda: Storage(spark).write_text(f"s3://{stack.masked}/elsewhere/probe.txt", "x"))
    err = capsys.readouterr().err
    assert code == 2
    assert "java.nio.file.AccessDeniedException" in err and "HTTP 403" in err
    assert "elsewhere" not in err and "probe" not in err and "Traceback" not in err


def test_job_runs_on_s3a_under_the_job_role(spark, world):
    server, stack, keyring, options, _ = world
    record = run(spark, options)
    counts = record["counts"]
    assert counts["rows_in"] == 25 and counts["rows_quarantined"] == 1
    assert counts["rows_in"] == counts["rows_out"] + counts["rows_quarantined"] + counts["rows_suppressed"]
    out = spark.read.parquet(options.output)
    assert out.count() == counts["rows_out"]
    emails = {r[0] for r in out.select("operator_email").collect()}
    assert emails & {digest(k, SUBJECT[1]) for k in keyring.direct.values()} and SUBJECT[1] not in emails
    masked = object_keys(server, stack.masked)
    assert masked and all(k.startswith("output/") for k in masked)  # nothing staged at the root
    assert not [k for k in masked if "/." in k]  # no stage left
    assert [k for k in masked if k.startswith("output/_audit/")]
    raw = object_keys(server, stack.raw)
    assert [k for k in raw if k.startswith("quarantine/run_id=")] and [
        k for k in raw if k.startswith("vault/")
    ]
    assert not [k for k in raw if "/." in k]
    body = b"".join(
        server.admin.client("s3").get_object(Bucket=stack.masked, Key=k)["Body"].read() for k in masked
    )
    assert not [c for c in CANARIES if c.encode() in body]
    # the stack's metric filters read fields this record has (the Glue entry logs it as JSON)
    fields = [f for p in metric_filter_patterns() for f in re.findall(r"\$\.([\w.]+)", p)]
    assert {"outcome", "counts.rows_quarantined"} <= set(fields)
    for field in fields:
        value = record
        for part in field.split("."):
            value = value[part]
        assert value is not None


def metric_filter_patterns() -> list[str]:
    resources = load_template()["Resources"].values()
    return [r["Properties"]["FilterPattern"] for r in resources if r["Type"] == "AWS::Logs::MetricFilter"]


def test_verify_passes_on_s3(spark, world):
    _, _, _, options, _ = world
    report = verify(
        spark,
        RUBRIC,
        options.output,
        raw=options.input,
        quarantine=options.quarantine,
        keyring=options.keyring,
    )
    assert report.passed, [r.message for r in report.failed]


def test_a_second_run_replaces_the_output_inside_the_grant_and_sweeps_an_orphaned_stage(spark, world):
    server, stack, _, options, _ = world
    orphan = "output/.staging-20200101T000000Z-deadbeef/part-00000.parquet"  # a run killed long ago
    server.admin.client("s3").put_object(Bucket=stack.masked, Key=orphan, Body=b"rows of a dead run")
    before = len(server.recorder.requests)
    record = run(spark, options)
    assert record["counts"]["vault_entries_added"] == 0
    assert spark.read.parquet(options.output).count() == record["counts"]["rows_out"]
    masked = object_keys(server, stack.masked)
    assert len([k for k in masked if k.startswith("output/_audit/") and k.endswith(".json")]) == 2
    assert all(k.startswith("output/") for k in masked) and not [k for k in masked if "/." in k]
    assert not server.refused(before, stack.job.access_key)


def test_detokenize_reads_the_vault_and_logs_the_access_on_s3(spark, world, tmp_path):
    server, stack, keyring, options, _ = world
    token = plain_token(keyring.token, "op", "operator_id", SUBJECT[0])
    tokens = tmp_path / "tokens.txt"
    tokens.write_text(token + "\n")
    found, event, path = detokenize(spark, options.vault, "operator_id", str(tokens), "DSAR ticket 4711")
    assert found == [(token, SUBJECT[0])] and event["tokens_found"] == 1
    assert path.startswith(f"s3://{stack.raw}/vault/")
    logged = server.admin.client("s3").get_object(Bucket=stack.raw, Key=path.split(f"{stack.raw}/", 1)[1])
    assert SUBJECT[0] not in logged["Body"].read().decode()


def test_erase_removes_the_person_on_s3_and_verify_still_passes(spark, world, tmp_path):
    server, stack, keyring, options, _ = world
    values = tmp_path / "values.txt"
    values.write_text(SUBJECT[1] + "\n")
    result = erase(
        spark, RUBRIC, options.output, options.vault, options.keyring, "operator_email", str(values),
        quarantine=options.quarantine,
    )  # fmt: skip
    assert result.certificate["counts"]["rows_removed"] == 4
    assert "NoncurrentVersionDays" in result.certificate["earlier_versions"]  # the delay, stated
    gone = {digest(k, SUBJECT[1]) for k in keyring.direct.values()}
    emails = {r[0] for r in spark.read.parquet(options.output).select("operator_email").collect()}
    assert emails and not emails & gone
    masked = object_keys(server, stack.masked)
    assert all(k.startswith("output/") for k in masked) and not [k for k in masked if "/." in k]
    report = verify(spark, RUBRIC, options.output, raw=options.input, quarantine=options.quarantine)
    assert report.passed, [r.message for r in report.failed]
    others = {digest(k, PEOPLE[1][1]) for k in keyring.direct.values()}
    assert emails & others  # the other people are still there
    # The buckets are versioned: the runs' and the erasure's replaced objects are noncurrent
    # versions that still hold the person, until the lifecycle rule the certificate names acts.
    raw_zone = ("quarantine/", "vault/")
    assert versions_holding(server, stack.masked, ("output/",), gone)
    assert versions_holding(server, stack.raw, raw_zone, set(CANARIES))
    s3, kept = server.admin.client("s3"), spark.read.parquet(options.output).count()
    assert expire_noncurrent(s3, stack.masked) and expire_noncurrent(s3, stack.raw)
    assert versions_holding(server, stack.masked, ("output/",), gone) == []
    assert versions_holding(server, stack.raw, raw_zone, set(CANARIES)) == []
    assert versions_holding(server, stack.masked, ("output/",), others)  # the check can see rows
    assert spark.read.parquet(options.output).count() == kept  # current objects untouched


def versions_holding(server, bucket: str, prefixes: tuple[str, ...], values: set[str]) -> list:
    """(key, version id) of every object version under ``prefixes``, current or noncurrent, that
    holds one of ``values``: as a cell of a Parquet file, or anywhere in any other object."""
    s3 = server.admin.client("s3")
    found = []
    for key, version in object_versions(s3, bucket):
        if not key.startswith(prefixes):
            continue
        body = s3.get_object(Bucket=bucket, Key=key, VersionId=version)["Body"].read()
        if body[:4] == b"PAR1":
            table = pq.read_table(io.BytesIO(body))
            cells = {str(v) for column in table.columns for v in column.to_pylist() if v is not None}
            hit = bool(cells & values)
        else:
            hit = any(v.encode() in body for v in values)
        if hit:
            found.append((key, version))
    return found


def test_retention_removes_expired_rows_on_s3(spark, world, tmp_path):
    _, _, keyring, options, _ = world
    ring = f"file:{tmp_path / 'keyring.json'}"  # the job role may not write the secret
    save(keyring, ring)
    before = spark.read.parquet(options.output).count()
    now = datetime(2028, 2, 21, 12, 0, tzinfo=UTC)  # 730 days back: January and early February expire
    record = retention(spark, RUBRIC, ring, options.output, apply=True, now=now)
    assert record["outcome"] == "succeeded" and record["counts"]["rows_removed"] > 0
    assert spark.read.parquet(options.output).count() == before - record["counts"]["rows_removed"]


def test_a_job_killed_during_publication_leaves_the_previous_version_whole_and_the_next_run_repairs(
    spark, world
):
    """The job runs in its own process and is killed (SIGKILL, at the seam fs.KILL_ENV) after
    the old output's objects were all moved aside and before any new one is placed. What S3
    cannot give (no folder rename) and docs/aws.md says: readers see no output until the swap
    is completed. What holds: the previous version is whole in the swap's trash, the new one is
    whole in its stage with its audit record, no mix of the two is visible, and the next
    transaction on the output rolls it forward at once: it watches the dead owner's lease go
    MISSED_BEATS beats unrenewed (seconds), not STALE_PUBLISH_S (an hour)."""
    from aws_support.job_process import run_job_process

    from piimask.storage import fs

    server, stack, _, options, _ = world
    output = options.output.rstrip("/")
    old_rows = spark.read.parquet(options.output).count()
    old_keys = [k for k in object_keys(server, stack.masked) if "/." not in k]
    audits = [k for k in old_keys if k.startswith("output/_audit/")]
    args = [
        options.rubric, options.input, options.output, options.quarantine, options.vault, options.keyring
    ]  # fmt: skip
    done = run_job_process(stack.job, server.tls, args, {fs.KILL_ENV: "output"})
    assert done.returncode == -signal.SIGKILL, done.stderr[-3000:]
    store = Storage(spark)
    hidden = store.list(output)
    assert [n for n in hidden if not n.startswith(".")] == []  # nothing visible: no mix, no part
    (trash,) = [n for n in hidden if n.endswith(".previous")]
    stage = trash.removesuffix(".previous")
    assert stage in hidden
    moved = {k.replace(f"output/{trash}/", "output/", 1) for k in object_keys(server, stack.masked)}
    assert set(old_keys) <= moved  # every object of the previous version, in the trash
    assert spark.read.parquet(f"{output}/{trash}").count() == old_rows  # whole and readable
    staged_audit = store.list(f"{output}/{stage}/_audit")
    assert len([n for n in staged_audit if n.endswith(".json")]) == len(audits) + 1
    lease = json.loads(store.read_text(f"{output}/{trash}/{fs.LEASE}"))
    assert set(lease) == {"owner", "beat", "every_s"}  # the dead owner's, nothing from the data
    assert fs.STALE_PUBLISH_S >= 3600  # not waited for: the killed swap is seconds old
    record = run(spark, options)
    assert spark.read.parquet(options.output).count() == record["counts"]["rows_out"]
    masked = object_keys(server, stack.masked)
    assert all(k.startswith("output/") for k in masked) and not [k for k in masked if "/." in k]
    after = [k for k in masked if k.startswith("output/_audit/") and k.endswith(".json")]
    assert len(after) == len([a for a in audits if a.endswith(".json")]) + 2  # killed run's, then this


def test_after_keys_shred_no_api_call_returns_the_key_and_the_job_refuses_the_window(spark, world, capsys):
    """`keys shred` by the deployer (the admin); then every Secrets Manager read the admin can
    make (every secret, every version id including deprecated ones, every stage) misses the key,
    and the job, under the job role, refuses the rows of that window and writes nothing."""
    server, stack, keyring, options, _ = world
    ref, window = options.keyring, "2026Q1"  # input rows from January fall in it
    sm = server.admin.client("secretsmanager")
    assert secret_versions_holding(sm, keyring.direct[window])  # the sweep finds it before
    with acting_as(server.admin):
        code = cli_main(["keys", "shred", "--keyring", ref, "--window", window, "--yes"])
    out = capsys.readouterr()
    assert code == 0 and "still hold" not in out.err
    assert secret_versions_holding(sm, keyring.direct[window]) == []
    assert secret_versions_holding(sm, keyring.direct["2026Q2"])  # the others are kept
    before = object_keys(server, stack.masked)
    with pytest.raises(KeyringError, match=f"no key for window.*{window}") as refused:
        run(spark, options)
    assert "shredded (crypto-erased)" in str(refused.value) and "keys add" not in str(refused.value)
    assert object_keys(server, stack.masked) == before  # nothing written or published
    assert not [k for k in object_keys(server, stack.raw) if "/." in k]
