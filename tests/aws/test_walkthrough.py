"""docs/aws.md's "Deploy to AWS" walk-through, steps 1 to 4, as one test against moto's server over
HTTPS with IAM enforced.

Step 1 (the stack) is made with the calls CloudFormation would make (aws_support.cfn and
walkthrough: moto's CloudFormation skips secrets, Glue jobs and DataBrew recipes, and stores a
role's policy in a form its IAM cannot evaluate); the stack's Outputs are the template's, resolved.
Steps 2 to 4 run as the person deploying, a principal holding exactly the permissions docs/aws.md
lists for them (``DEPLOYER``): `pii-mask keys` and `pii-mask deploy` through the CLI as written,
the `aws` commands through boto3 with the same arguments. moto has no Glue UpdateJob: deploy's one
UpdateJob request is answered by botocore's Stubber and then applied to moto's job as Glue would.
moto does not run Glue jobs: the run is the Glue entry's ``main`` with the job's default arguments
as Glue passes them, on the shared SparkSession's S3A connector signed as the job role.
"""

from __future__ import annotations

import base64
import json
import os
import re
from pathlib import Path

import pytest
from aws_support.cfn import ACCOUNT, REGION
from aws_support.spark_conf import point_s3a, release_s3a
from aws_support.walkthrough import KEYS_ACTIONS, as_principal, complete_stack, glue_argv, stub_one_call
from botocore.exceptions import ClientError
from lifecycle_fixtures import CANARIES, ROOT, input_files, write_csv

from piimask.aws.deploy import UPDATABLE_JOB_FIELDS
from piimask.aws.glue_entry import main as glue_main
from piimask.cli import main as cli_main

DOC = ROOT / "docs" / "aws.md"
JOB = "piimask-tool-telemetry"


def deployer_policy(keyring_secret: str, outputs: dict[str, str]) -> dict:
    """Exactly what docs/aws.md says the person deploying needs for steps 2 to 4."""
    secret = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{keyring_secret}"
    raw, masked, artifacts = (outputs[f"{n}BucketName"] for n in ("Raw", "Masked", "Artifacts"))
    statements = [
        (
            KEYS_ACTIONS,
            [f"{secret}-*", f"{secret}/window/*"],
        ),
        (
            ["secretsmanager:PutSecretValue"],
            [outputs["DataBrewHashSecretArn"], outputs["DataBrewTokenSecretArn"]],
        ),
        (["s3:GetObject", "s3:PutObject"], [f"arn:aws:s3:::{artifacts}/piimask/*"]),
        (["iam:PassRole"], [outputs["GlueJobRoleArn"]]),
        (
            ["glue:GetJob", "glue:CreateJob", "glue:UpdateJob", "glue:StartJobRun", "glue:GetJobRuns"],
            [f"arn:aws:glue:{REGION}:{ACCOUNT}:job/{JOB}"],
        ),
        (
            [
                "databrew:DescribeRecipe",
                "databrew:CreateRecipe",
                "databrew:UpdateRecipe",
                "databrew:PublishRecipe",
            ],
            [f"arn:aws:databrew:{REGION}:{ACCOUNT}:recipe/{JOB}"],
        ),
        (["s3:PutObject"], [f"arn:aws:s3:::{raw}/input/*"]),
        (["s3:ListBucket"], [f"arn:aws:s3:::{masked}"]),
        (["s3:GetObject"], [f"arn:aws:s3:::{masked}/output/_audit/*"]),
    ]
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": a, "Resource": r} for a, r in statements],
    }


def run_cli(capsys, *argv: str) -> tuple[int, str]:
    code = cli_main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def doc_commands() -> list[str]:
    """The commands of docs/aws.md's walk-through block, one per command (continuations joined)."""
    block = DOC.read_text(encoding="utf-8").split("```bash", 1)[1].split("```", 1)[0]
    text = re.sub(r"\\\n\s*", " ", block)
    return [
        line.split("#", 1)[0].strip()
        for line in text.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]


def test_every_walk_through_command_is_run_or_named_as_emulated():
    """The walk-through test below runs the `pii-mask` commands and the `aws` calls it names
    with boto3; docs/aws.md names the two it emulates (the stack and the job run)."""
    run_here = (
        "pii-mask keys init", "pii-mask keys rotate", "pii-mask keys list", "pii-mask deploy",
        "aws secretsmanager put-secret-value", "aws s3 cp", "aws glue start-job-run",
        "aws glue get-job-runs",
    )  # fmt: skip
    emulated = ("aws cloudformation deploy", "aws cloudformation describe-stacks")
    commands = doc_commands()
    assert commands and all(c.startswith(run_here + emulated) for c in commands), commands
    text = DOC.read_text(encoding="utf-8")
    for command in emulated:
        assert f"`{command}`" in text.split("**What the walk-through test emulates.**", 1)[1]


def test_the_deployer_policy_is_the_list_in_the_docs():
    """docs/aws.md's list for steps 2 to 4 names every action the walk-through's principal holds,
    and no other: the list is what the walk-through test proves sufficient."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("**What the person deploying needs.**", 1)[1].split("\n\n**", 1)[0]
    listed = set(re.findall(r"`((?:secretsmanager|s3|iam|glue|databrew):\w+)`", section))
    outputs = {n: "x" for n in ("RawBucketName", "MaskedBucketName", "ArtifactsBucketName")}
    outputs |= {n: "x" for n in ("DataBrewHashSecretArn", "DataBrewTokenSecretArn", "GlueJobRoleArn")}
    policy = deployer_policy("piimask/keyring", outputs)
    held = {a for statement in policy["Statement"] for a in statement["Action"]}
    assert listed == held


def test_the_deploy_walk_through_runs_start_to_finish_under_enforced_iam(
    spark, iam_stack, tmp_path, monkeypatch, capsys
):
    server, stack = iam_stack
    admin_glue = server.admin.client("glue")
    # 1. the stack, and describe-stacks' outputs
    outputs = complete_stack(server, stack)
    raw, masked, artifacts = (outputs[f"{n}BucketName"] for n in ("Raw", "Masked", "Artifacts"))
    ref = outputs["KeyringRef"]
    assert ref == f"secretsmanager:{stack.keyring_secret}"
    deployer = server.user("deployer", {"deploy": deployer_policy(stack.keyring_secret, outputs)})
    as_principal(monkeypatch, deployer)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rubric.yaml").write_text(
        (ROOT / "rubric.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    start = len(server.recorder.requests)

    # 2. keys, then the DataBrew secrets, as the commands are written
    for argv in (
        ["keys", "init", "--keyring", ref, "--rubric", "rubric.yaml"],
        ["keys", "rotate", "--keyring", ref, "--ahead", "4"],
        ["keys", "list", "--keyring", ref],
    ):
        code, out = run_cli(capsys, *argv)
        assert code == 0, out
    sm = deployer.client("secretsmanager")
    for secret in ("piimask/databrew/hash-key", "piimask/databrew/token-key"):
        sm.put_secret_value(
            SecretId=secret,
            SecretString=base64.b64encode(os.urandom(32)).decode(),
            VersionStages=["AWSCURRENT"],
        )
    assert not server.refused(start, deployer.access_key)

    # 3. deploy, exactly as documented (the wheel built by the build backend)
    before = admin_glue.get_job(JobName=JOB)["Job"]
    deploy_argv = [
        "deploy", "--bucket", artifacts, "--job-name", JOB, "--role-arn", outputs["GlueJobRoleArn"],
        "--keyring", ref, "--input", f"s3://{raw}/input/", "--output", f"s3://{masked}/output/",
        "--quarantine", f"s3://{raw}/quarantine/", "--vault", f"s3://{raw}/vault/",
    ]  # fmt: skip
    with stub_one_call("glue", "update_job", {"JobName": JOB}) as updates:
        code, out = run_cli(capsys, *deploy_argv)
    assert code == 0, out
    assert not server.refused(start, deployer.access_key)
    assert "updated and published DataBrew recipe piimask-tool-telemetry" in out
    (update,) = updates  # the stack's job differs from deploy's (the jar, the NER wheels)
    assert update["JobName"] == JOB
    assert_full_definition(before, update["JobUpdate"], stack.resolver.ref("AWS::StackName"))
    sent = update["JobUpdate"]
    # what Glue does with that request (moto cannot): the job becomes exactly what was sent
    admin_glue.delete_job(JobName=JOB)
    admin_glue.create_job(Name=JOB, **sent)
    code, out = run_cli(capsys, *deploy_argv)
    assert code == 0 and "no changes" in out, out  # "A second run is a no-op"
    recipe = server.admin.client("databrew").describe_recipe(Name=JOB, RecipeVersion="LATEST_PUBLISHED")
    secrets = {s["Action"]["Parameters"].get("secretId") for s in recipe["Steps"]} - {None}
    assert secrets and secrets <= {"piimask/databrew/hash-key", "piimask/databrew/token-key"}

    # 4. upload, run, check
    rows = [r for f in input_files() for r in f]
    write_csv(tmp_path / "telemetry.csv", rows)
    deployer.client("s3").upload_file(str(tmp_path / "telemetry.csv"), raw, "input/telemetry.csv")
    run_id = deployer.client("glue").start_job_run(JobName=JOB)["JobRunId"]
    job = admin_glue.get_job(JobName=JOB)["Job"]  # what Glue reads to start the run
    printed = run_as_glue(spark, server, stack, job, run_id, tmp_path / "glue-run", monkeypatch, capsys)
    as_principal(monkeypatch, deployer)
    runs = deployer.client("glue").get_job_runs(JobName=JOB, MaxResults=1)["JobRuns"]
    assert [r["Id"] for r in runs] == [run_id]
    s3 = deployer.client("s3")
    listed = s3.list_objects_v2(Bucket=masked, Prefix="output/_audit/")["Contents"]
    audits = [
        json.loads(s3.get_object(Bucket=masked, Key=o["Key"])["Body"].read())
        for o in listed
        if o["Key"].endswith(".json")
    ]
    (audit,) = audits
    assert audit["job"] == {"name": JOB, "run_id": run_id} and audit["run_id"] in printed
    assert audit["outcome"] == "succeeded" and audit["counts"]["rows_in"] == len(rows)
    assert audit["counts"]["rows_quarantined"] == 1
    assert not server.refused(start, deployer.access_key)
    assert not server.refused(start, stack.job.access_key)
    refused_now = len(server.recorder.requests)
    for outside in (  # the deployer's grant is enforced: it may not read the raw data or output
        lambda: s3.get_object(Bucket=raw, Key="input/telemetry.csv"),
        lambda: s3.list_objects_v2(Bucket=raw, Prefix="quarantine/"),
        lambda: deployer.client("glue").start_job_run(JobName="another-job"),
    ):
        with pytest.raises(ClientError):
            outside()
    assert len(server.refused(refused_now, deployer.access_key)) == 3
    body = b"".join(
        server.admin.client("s3").get_object(Bucket=masked, Key=o["Key"])["Body"].read()
        for o in server.admin.client("s3").list_objects_v2(Bucket=masked)["Contents"]
    )
    assert not [c for c in CANARIES if c.encode() in body]


def assert_full_definition(before: dict, sent: dict, stack_name: str) -> None:
    """One owner: deploy's UpdateJob carries the job's FULL definition (UpdateJob resets every
    field it is not sent); what the stack set is sent unchanged, deploy's two fields aside."""
    kept = [f for f in UPDATABLE_JOB_FIELDS if before.get(f) not in (None, {}, []) and f != "MaxCapacity"]
    assert kept and set(kept) <= set(sent)
    assert sent["SecurityConfiguration"] == before["SecurityConfiguration"] == f"{stack_name}-piimask"
    for field in ("Role", "WorkerType", "NumberOfWorkers", "Timeout", "ExecutionProperty", "GlueVersion"):
        assert sent[field] == before[field], field
    deploys = ("--extra-jars", "--additional-python-modules")  # its jar and the NER wheels
    theirs = {k: v for k, v in before["DefaultArguments"].items() if k not in deploys}
    assert {k: sent["DefaultArguments"].get(k) for k in theirs} == theirs


def run_as_glue(spark, server, stack, job: dict, run_id: str, workdir: Path, monkeypatch, capsys) -> str:
    """What a Glue worker does with the job, as far as the kit sees it: --extra-files copied into
    the working directory (read as the job role), the job role's credentials, then the script's
    main with Glue's arguments and the job's. Returns what it printed."""
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    as_principal(monkeypatch, stack.job)
    bucket, key = job["DefaultArguments"]["--extra-files"].removeprefix("s3://").split("/", 1)
    stack.job.client("s3").download_file(bucket, key, str(workdir / Path(key).name))
    release_s3a(spark)
    point_s3a(spark, stack.job, server.tls)
    try:
        code = glue_main(glue_argv(job, run_id))
    finally:
        release_s3a(spark)
    out = capsys.readouterr()
    assert code == 0, out.err[-3000:]
    return out.out
