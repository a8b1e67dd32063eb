"""What docs/aws.md's "Deploy to AWS" walk-through needs beyond ``cfn.make_stack``, made in moto.

``complete_stack`` makes the rest of the stack the walk-through touches (the DataBrew secrets,
the job role, the alerts topic, the job's log group, the Glue security configuration, database
and job, the DataBrew recipe), each from deploy/template.yaml's own properties, resolved, with
the calls CloudFormation would make for it: moto's CloudFormation skips secrets, Glue jobs and
DataBrew recipes. It returns the stack's Outputs, resolved (what ``describe-stacks`` prints).
Not made, because no step of the walk-through uses them: the bucket policies, the metric filters,
the alarms, the topic policy and the EventBridge rule.

``glue_argv`` is the ``sys.argv`` Glue hands the job script: its own arguments, then every
default argument of the job. ``stub_one_call`` answers one client call with botocore's Stubber
(moto has no Glue ``UpdateJob``) and lets every other call reach the server.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

from .cfn import Stack
from .server import MotoIam

__all__ = ["KEYS_ACTIONS", "as_principal", "complete_stack", "glue_argv", "stub_one_call"]

KEYS_ACTIONS = [  # docs/aws.md: what the person deploying needs for `pii-mask keys`
    "secretsmanager:GetSecretValue",
    "secretsmanager:PutSecretValue",
    "secretsmanager:CreateSecret",
    "secretsmanager:DescribeSecret",
    "secretsmanager:DeleteSecret",
    "secretsmanager:ListSecretVersionIds",
]
SUFFIX = "A1B2C3D4E5F6"  # CloudFormation names unnamed resources STACK-LOGICALID-RANDOM


def as_principal(monkeypatch, creds) -> None:
    """boto3's default chain (the kit's clients) as ``creds`` for the rest of the test."""
    import boto3

    for name, value in creds.environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)


def _props(stack: Stack, logical: str) -> dict:
    return stack.resolver.resolve(stack.template["Resources"][logical]["Properties"])


def _secrets(server: MotoIam, stack: Stack) -> None:
    sm = server.admin.client("secretsmanager")
    for logical in ("DataBrewHashSecret", "DataBrewTokenSecret"):
        p = _props(stack, logical)
        generate = p["GenerateSecretString"]
        value = sm.get_random_password(
            PasswordLength=int(generate["PasswordLength"]), ExcludePunctuation=generate["ExcludePunctuation"]
        )["RandomPassword"]
        arn = sm.create_secret(Name=p["Name"], Description=p["Description"], SecretString=value)["ARN"]
        stack.resolver.resources[logical] = {"Ref": arn}


def _role(server: MotoIam, stack: Stack) -> None:
    iam, p = server.admin.client("iam"), _props(stack, "GlueJobRole")
    name = f"piimask-GlueJobRole-{SUFFIX}"
    role = iam.create_role(
        RoleName=name,
        Description=p["Description"],
        AssumeRolePolicyDocument=json.dumps(p["AssumeRolePolicyDocument"]),
    )["Role"]
    for policy in p["Policies"]:
        iam.put_role_policy(
            RoleName=name,
            PolicyName=policy["PolicyName"],
            PolicyDocument=json.dumps(policy["PolicyDocument"]),
        )
    stack.resolver.resources["GlueJobRole"] = {"Ref": name, "Arn": role["Arn"]}


def _monitoring(server: MotoIam, stack: Stack) -> None:
    p = _props(stack, "AlertsTopic")
    topic = server.admin.client("sns").create_topic(
        Name=f"piimask-AlertsTopic-{SUFFIX}", Attributes={"KmsMasterKeyId": p["KmsMasterKeyId"]}
    )
    stack.resolver.resources["AlertsTopic"] = {"Ref": topic["TopicArn"]}
    logs, p = server.admin.client("logs"), _props(stack, "JobLogGroup")
    logs.create_log_group(logGroupName=p["LogGroupName"], kmsKeyId=p["KmsKeyId"])
    logs.put_retention_policy(logGroupName=p["LogGroupName"], retentionInDays=int(p["RetentionInDays"]))
    stack.resolver.resources["JobLogGroup"] = {"Ref": p["LogGroupName"]}


def _glue(server: MotoIam, stack: Stack) -> None:
    glue = server.admin.client("glue")
    p = _props(stack, "GlueSecurityConfiguration")
    encryption = dict(p["EncryptionConfiguration"])
    encryption["S3Encryption"] = encryption.pop("S3Encryptions")  # CloudFormation's name, the API's
    glue.create_security_configuration(Name=p["Name"], EncryptionConfiguration=encryption)
    stack.resolver.resources["GlueSecurityConfiguration"] = {"Ref": p["Name"]}
    # the Glue databases: cfn.make_stack made them
    p = _props(stack, "GlueJob")
    for number in ("NumberOfWorkers", "Timeout", "MaxRetries"):
        p[number] = int(p[number])  # parameters resolve to text; the API takes numbers
    glue.create_job(**p)
    stack.resolver.resources["GlueJob"] = {"Ref": p["Name"]}
    p = _props(stack, "DataBrewRecipe")
    server.admin.client("databrew").create_recipe(
        Name=p["Name"], Description=p["Description"], Steps=p["Steps"]
    )
    stack.resolver.resources["DataBrewRecipe"] = {"Ref": p["Name"]}


def complete_stack(server: MotoIam, stack: Stack) -> dict[str, str]:
    """Make the walk-through's remaining resources as the admin (CloudFormation's rights), in
    the order their references need; return the template's Outputs, resolved."""
    _secrets(server, stack)
    _role(server, stack)
    _monitoring(server, stack)
    _glue(server, stack)
    return {name: stack.resolver.resolve(o["Value"]) for name, o in stack.template["Outputs"].items()}


def glue_argv(job: dict, run_id: str, script: str = "pii_masking_job.py") -> list[str]:
    """Glue's own arguments first, then the job's default arguments, each flag and its value."""
    argv = [
        script,
        "--JOB_ID", f"j_{run_id.removeprefix('jr_')}",
        "--JOB_RUN_ID", run_id,
        "--job-bookmark-option", "job-bookmark-disable",
        "--TempDir", "s3://aws-glue-assets-123456789012-us-east-1/temporary/",
        "--JOB_NAME", job["Name"],
    ]  # fmt: skip
    for flag, value in job["DefaultArguments"].items():
        argv += [flag, value]
    return argv


@contextmanager
def stub_one_call(service: str, operation: str, response: dict) -> Iterator[list[dict]]:
    """Every boto3 client of ``service`` made in the block sends ``operation`` to botocore's
    Stubber (validated against the service model, answered with ``response``) and every other
    call to the server. Yields the list the requests' parameters are appended to."""
    import boto3
    import pytest
    from botocore.stub import Stubber

    seen: list[dict] = []
    real_client = boto3.session.Session.client

    class _OneCallStubbed:
        def __init__(self, real):
            self._real = real
            self._stubbed = real_client(
                boto3.session.Session(aws_access_key_id="stub", aws_secret_access_key="stub"),
                service,
                region_name=real.meta.region_name,
            )
            self._stubber = Stubber(self._stubbed)
            self._stubber.activate()

        def __getattr__(self, name):
            if name != operation:
                return getattr(self._real, name)

            def call(**params):
                seen.append(params)
                self._stubber.add_response(operation, response, params)
                return getattr(self._stubbed, operation)(**params)

            return call

    def client(self, name, *args, **kwargs):
        made = real_client(self, name, *args, **kwargs)
        return _OneCallStubbed(made) if name == service else made

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(boto3.session.Session, "client", client)
        yield seen
