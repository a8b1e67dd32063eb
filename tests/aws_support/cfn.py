"""deploy/template.yaml read as CloudFormation would resolve it, and the stack's pieces made in moto.

``Resolver`` resolves Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Select and Fn::Split against the
template's parameter defaults, the pseudo parameters and the physical resources a test made. An
unknown reference raises KeyError naming it, so a template change the tests do not model fails
loudly instead of yielding a silently different policy.

``make_stack`` makes, as the admin, what the job needs (the data key, the three buckets with KMS
default encryption, the keyring secret, the Glue databases) with the calls CloudFormation would
make, because moto's CloudFormation stores an IAM role's inline policy in a form its own IAM cannot
evaluate. It then creates the job's principal: an IAM user whose only policy is GlueJobRole's,
resolved, unchanged. The raw and masked buckets are versioned with the template's lifecycle rules,
as the stack makes them (moto stores the rules and never acts on them: ``expire_noncurrent``
applies them, as S3 would once their days have passed). moto's listing of prefixes whose objects
are all delete markers is patched in shims.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .server import REGION, Creds, MotoIam

__all__ = [
    "ACCOUNT",
    "Resolver",
    "Stack",
    "expire_noncurrent",
    "job_role_policies",
    "load_template",
    "make_stack",
    "object_versions",
]

ACCOUNT = "123456789012"  # moto's default account
TEMPLATE = Path(__file__).resolve().parents[2] / "deploy" / "template.yaml"


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))  # long-form intrinsics only


class Resolver:
    """``resources``: {logical id: {"Ref": ..., attribute: ...}} of what the test made."""

    def __init__(self, template: dict, resources: dict[str, dict[str, str]], stack_name: str = "piimask"):
        self.resources = resources
        self.params = {
            k: str(v["Default"]) for k, v in template.get("Parameters", {}).items() if "Default" in v
        }
        self.pseudo = {
            "AWS::AccountId": ACCOUNT,
            "AWS::Region": REGION,
            "AWS::Partition": "aws",
            "AWS::StackName": stack_name,
            "AWS::URLSuffix": "amazonaws.com",
        }

    def ref(self, name: str) -> str:
        for table in (self.pseudo, self.params):
            if name in table:
                return table[name]
        if "Ref" in self.resources.get(name, {}):
            return self.resources[name]["Ref"]
        raise KeyError(f"Ref {name}: not a parameter, pseudo parameter or resource the test made")

    def getatt(self, name: str, attr: str) -> str:
        try:
            return self.resources[name][attr]
        except KeyError:
            raise KeyError(f"Fn::GetAtt {name}.{attr}: not made by the test") from None

    def sub(self, text: str, variables: dict | None = None) -> str:
        variables = {k: self.resolve(v) for k, v in (variables or {}).items()}

        def one(m: re.Match) -> str:
            expr = m.group(1)
            if expr.startswith("!"):
                return "${" + expr[1:] + "}"
            if expr in variables:
                return str(variables[expr])
            if "." in expr and not expr.startswith("AWS::"):
                return self.getatt(*expr.split(".", 1))
            return self.ref(expr)

        return re.sub(r"\$\{([^}]+)\}", one, text)

    def resolve(self, node: Any) -> Any:
        if isinstance(node, list):
            return [self.resolve(v) for v in node]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            ((key, value),) = node.items()
            if key == "Ref":
                return self.ref(value)
            if key == "Fn::GetAtt":
                return self.getatt(*(value.split(".", 1) if isinstance(value, str) else value))
            if key == "Fn::Sub":
                return self.sub(*value) if isinstance(value, list) else self.sub(value)
            if key == "Fn::Join":
                return value[0].join(str(x) for x in self.resolve(value[1]))
            if key == "Fn::Select":
                return self.resolve(value[1])[int(self.resolve(value[0]))]
            if key == "Fn::Split":
                return self.resolve(value[1]).split(value[0])
            if key.startswith("Fn::"):
                raise KeyError(f"unsupported intrinsic {key}")
        return {k: self.resolve(v) for k, v in node.items()}


def job_role_policies(template: dict, resolver: Resolver) -> dict[str, dict]:
    """{policy name: resolved document} of GlueJobRole's inline policies, exactly as written."""
    role = template["Resources"]["GlueJobRole"]
    return {
        resolver.resolve(p["PolicyName"]): resolver.resolve(p["PolicyDocument"])
        for p in role["Properties"]["Policies"]
    }


@dataclass(frozen=True)
class Stack:
    raw: str
    masked: str
    artifacts: str
    key_arn: str
    keyring_secret: str  # its name (the template's KeyringSecretName)
    job: Creds  # carries exactly GlueJobRole's policy
    policies: dict[str, dict]
    # the template and its resolver, holding what was made (walkthrough.complete_stack adds more)
    template: dict = field(default_factory=dict, compare=False, repr=False)
    resolver: Resolver | None = field(default=None, compare=False, repr=False)
    glue_databases: tuple[str, ...] = ()  # the template's AWS::Glue::Database names
    job_conf: str = ""  # the Glue job's "--conf" default argument, resolved


def _bucket(s3, name: str, key_arn: str, properties: dict, resolver: Resolver) -> None:
    """A bucket with KMS default encryption and the template's versioning and lifecycle rules."""
    s3.create_bucket(Bucket=name)
    if properties.get("VersioningConfiguration", {}).get("Status") == "Enabled":
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    rules = resolver.resolve(properties.get("LifecycleConfiguration", {}).get("Rules", []))
    if rules:
        s3.put_bucket_lifecycle_configuration(
            Bucket=name, LifecycleConfiguration={"Rules": [_lifecycle_rule(r) for r in rules]}
        )
    s3.put_bucket_encryption(
        Bucket=name,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": key_arn,
                    },
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )


def _lifecycle_rule(rule: dict) -> dict:
    """A CloudFormation lifecycle rule in S3's API shape."""
    out: dict[str, Any] = {"ID": rule["Id"], "Status": rule["Status"], "Filter": {"Prefix": ""}}
    if "NoncurrentVersionExpiration" in rule:
        days = int(rule["NoncurrentVersionExpiration"]["NoncurrentDays"])
        out["NoncurrentVersionExpiration"] = {"NoncurrentDays": days}
    if rule.get("ExpiredObjectDeleteMarker"):
        out["Expiration"] = {"ExpiredObjectDeleteMarker": True}
    if "AbortIncompleteMultipartUpload" in rule:
        days = int(rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"])
        out["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": days}
    return out


def expire_noncurrent(s3, bucket: str) -> int:
    """Do what the bucket's lifecycle rules do once their days have passed: delete every
    noncurrent version (NoncurrentVersionExpiration), then every delete marker left with no
    version behind it (ExpiredObjectDeleteMarker). Refuses a bucket without those rules.
    Returns how many versions and markers were deleted."""
    rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert any("NoncurrentVersionExpiration" in r for r in rules), f"{bucket}: no noncurrent rule"
    assert any(r.get("Expiration", {}).get("ExpiredObjectDeleteMarker") for r in rules)
    versions, markers = _versions(s3, bucket)
    doomed = [(v["Key"], v["VersionId"]) for v in versions if not v["IsLatest"]]
    doomed += [(m["Key"], m["VersionId"]) for m in markers if not m["IsLatest"]]
    for key, version in doomed:
        s3.delete_object(Bucket=bucket, Key=key, VersionId=version)
    versions, markers = _versions(s3, bucket)
    live = {v["Key"] for v in versions}
    lone = [(m["Key"], m["VersionId"]) for m in markers if m["Key"] not in live]
    for key, version in lone:
        s3.delete_object(Bucket=bucket, Key=key, VersionId=version)
    return len(doomed) + len(lone)


def _versions(s3, bucket: str) -> tuple[list[dict], list[dict]]:
    versions, markers = [], []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        versions += page.get("Versions", [])
        markers += page.get("DeleteMarkers", [])
    return versions, markers


def object_versions(s3, bucket: str) -> list[tuple[str, str]]:
    """(key, version id) of every object version in the bucket, current or not."""
    return [(v["Key"], v["VersionId"]) for v in _versions(s3, bucket)[0]]


def make_stack(server: MotoIam, prefix: str = "piimask") -> Stack:
    admin = server.admin
    template = load_template()
    key = admin.client("kms").create_key(Description="piimask data key")["KeyMetadata"]
    names = {
        "RawBucket": f"{prefix}-raw",
        "MaskedBucket": f"{prefix}-masked",
        "ArtifactsBucket": f"{prefix}-artifacts",
    }
    s3 = admin.client("s3")
    resources: dict[str, dict[str, str]] = {
        logical: {"Ref": name, "Arn": f"arn:aws:s3:::{name}"} for logical, name in names.items()
    }
    resources["DataKey"] = {"Ref": key["KeyId"], "Arn": key["Arn"]}
    resolver = Resolver(template, resources)
    for logical, name in names.items():
        _bucket(s3, name, key["Arn"], template["Resources"][logical]["Properties"], resolver)
    secret_name = resolver.ref("KeyringSecretName")
    secret = admin.client("secretsmanager").create_secret(
        Name=secret_name, KmsKeyId=key["KeyId"], SecretString='{"piimask-keyring-placeholder": true}'
    )
    resources["KeyringSecret"] = {"Ref": secret["ARN"]}
    databases = _glue_databases(admin.client("glue"), template, resolver)
    job_conf = resolver.resolve(template["Resources"]["GlueJob"]["Properties"]["DefaultArguments"]["--conf"])
    policies = job_role_policies(template, resolver)
    job = server.user("glue-job-role", policies)
    return Stack(
        names["RawBucket"],
        names["MaskedBucket"],
        names["ArtifactsBucket"],
        key["Arn"],
        secret_name,
        job,
        policies,
        template,
        resolver,
        databases,
        job_conf,
    )


def _glue_databases(glue, template: dict, resolver: Resolver) -> tuple[str, ...]:
    """Each AWS::Glue::Database of the template, made with the call CloudFormation makes
    (CreateDatabase with the resource's CatalogId and DatabaseInput, resolved)."""
    names = []
    for logical, resource in template["Resources"].items():
        if resource["Type"] == "AWS::Glue::Database":
            props = resolver.resolve(resource["Properties"])
            glue.create_database(CatalogId=props["CatalogId"], DatabaseInput=props["DatabaseInput"])
            names.append(props["DatabaseInput"]["Name"])
            resolver.resources[logical] = {"Ref": props["DatabaseInput"]["Name"]}
    return tuple(names)
