"""deploy/template.yaml: cfn-lint clean, least privilege, no key material, recipe in sync."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from piimask.aws.deploy import Plan, job_definition
from piimask.aws.recipe import build_recipe
from piimask.keys.secrets_manager import window_secret
from piimask.rubric import load_rubric

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy" / "template.yaml"


@pytest.fixture(scope="module")
def template():
    return yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))  # long-form intrinsics only


def test_cfn_lint_reports_no_error_or_warning():
    # AWS::DataBrew::Recipe exists only where DataBrew runs, so lint for regions that have it.
    from cfnlint.api import ManualArgs, lint

    matches = lint(
        TEMPLATE.read_text(encoding="utf-8"),
        config=ManualArgs(regions=["us-east-1", "us-west-2", "eu-west-1"]),
    )
    found = [
        f"{m.rule.id} {m.message} (line {m.linenumber})" for m in matches if not m.rule.id.startswith("I")
    ]  # informational hints only
    assert found == []


def test_cfn_lint_command_line_exits_zero():
    import subprocess
    import sys
    from pathlib import Path as _P

    cfn_lint = _P(sys.executable).with_name("cfn-lint")
    done = subprocess.run([str(cfn_lint), str(TEMPLATE)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_glue_job_is_glue_51_python3_with_parameterised_workers(template):
    job = template["Resources"]["GlueJob"]["Properties"]
    assert job["GlueVersion"] == "5.1"
    assert job["Command"]["Name"] == "glueetl" and job["Command"]["PythonVersion"] == "3"
    assert job["WorkerType"] == {"Ref": "WorkerType"}
    assert job["NumberOfWorkers"] == {"Ref": "NumberOfWorkers"}


def test_job_arguments_name_the_keyring_and_carry_no_key(template):
    args = template["Resources"]["GlueJob"]["Properties"]["DefaultArguments"]
    assert args["--keyring"] == {"Fn::Sub": "secretsmanager:${KeyringSecretName}"}
    for name in ("--input", "--output", "--quarantine", "--vault", "--additional-python-modules"):
        assert name in args
    # the same argument names as `pii-mask deploy` sets, so a deploy after the stack is a no-op
    plan = Plan(
        bucket="b",
        job_name="j",
        role_arn="r",
        keyring="secretsmanager:k",
        input="i",
        output="o",
        quarantine="q",
        vault="v",
    )
    assert set(args) == set(job_definition(plan, "s", "w", "r", "j")["DefaultArguments"])
    text = TEMPLATE.read_text(encoding="utf-8")
    assert '"direct"' not in text and '"token":' not in text


def test_quarantine_and_vault_live_apart_from_the_output(template):
    args = template["Resources"]["GlueJob"]["Properties"]["DefaultArguments"]
    names = ("--output", "--quarantine", "--vault", "--input")
    bucket_of = {k: args[k]["Fn::Sub"].split("/")[2] for k in names}
    assert bucket_of["--output"] == "${MaskedBucket}"
    assert bucket_of["--quarantine"] == bucket_of["--vault"] == bucket_of["--input"] == "${RawBucket}"


def test_raw_zone_tables_live_on_the_raw_bucket_and_only_there(template):
    """The vault and quarantine tables' database is on the raw bucket; the job's Glue grant names
    the two databases and their tables, nothing else; its raw-bucket writes stay in the raw
    zone's prefixes (the folders and the raw tables' warehouse)."""
    databases = {
        r["Properties"]["DatabaseInput"]["Name"]: r["Properties"]["DatabaseInput"]["LocationUri"]["Fn::Sub"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Glue::Database"
    }
    assert databases == {
        "piimask_masked": "s3://${MaskedBucket}/warehouse/piimask_masked.db",
        "piimask_raw": "s3://${RawBucket}/warehouse/piimask_raw.db",
    }
    policy = template["Resources"]["GlueJobRole"]["Properties"]["Policies"][0]["PolicyDocument"]
    statements = {s["Sid"]: s for s in policy["Statement"]}
    glue = [r["Fn::Sub"].rsplit(":", 1)[1] for r in statements["ManageTheMaskedTables"]["Resource"]]
    assert sorted(glue) == sorted(
        [
            "catalog",
            "database/piimask_masked",
            "table/piimask_masked/*",
            "database/piimask_raw",
            "table/piimask_raw/*",
        ]
    )
    raw_writes = [r["Fn::Sub"] for r in statements["WriteQuarantineAndVault"]["Resource"]]
    assert all(r.startswith("${RawBucket.Arn}/") for r in raw_writes)
    assert {r.split("/")[1] for r in raw_writes} == {"quarantine", "vault", "warehouse"}


def test_buckets_are_kms_encrypted_and_private(template):
    buckets = {k: r for k, r in template["Resources"].items() if r["Type"] == "AWS::S3::Bucket"}
    assert set(buckets) == {"RawBucket", "MaskedBucket", "ArtifactsBucket"}
    for bucket in buckets.values():
        props = bucket["Properties"]
        rule = props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
        assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
        assert all(props["PublicAccessBlockConfiguration"].values())


def test_role_is_least_privilege(template):
    policy = template["Resources"]["GlueJobRole"]["Properties"]["Policies"][0]["PolicyDocument"]
    statements = {s["Sid"]: s for s in policy["Statement"]}
    actions = []
    for s in statements.values():
        actions += [s["Action"]] if isinstance(s["Action"], str) else s["Action"]
    assert not any(a.endswith("*") for a in actions), actions
    # the keyring secret and its window secrets (secrets_manager.window_secret), nothing else
    assert statements["ReadTheKeyring"]["Resource"] == [
        {"Ref": "KeyringSecret"},
        {
            "Fn::Sub": "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:"
            + window_secret("${KeyringSecretName}", "*")
        },
    ]
    assert statements["ReadInput"]["Action"] == "s3:GetObject"
    # the prefix's own key (S3A's HEAD probe) and what lies below it; tests/aws runs the job
    # under exactly this policy
    assert statements["ReadInput"]["Resource"] == [
        {"Fn::Sub": "${RawBucket.Arn}/input"},
        {"Fn::Sub": "${RawBucket.Arn}/input/*"},
    ]
    assert statements["UseTheDataKey"]["Resource"] == {"Fn::GetAtt": ["DataKey", "Arn"]}
    star = [s["Sid"] for s in statements.values() if s["Resource"] == "*"]
    assert star == ["GlueJobMetrics"]  # PutMetricData has no resource; limited by namespace


def test_template_recipe_equals_generated_recipe(template):
    steps = template["Resources"]["DataBrewRecipe"]["Properties"]["Steps"]
    text = (
        json.dumps(steps)
        .replace('{"Ref": "DataBrewHashSecret"}', '"HASH"')
        .replace('{"Ref": "DataBrewTokenSecret"}', '"TOKEN"')
    )
    assert json.loads(text) == build_recipe(load_rubric(ROOT / "rubric.yaml"), "HASH", "TOKEN")


def test_keyring_secret_holds_a_placeholder_only(template):
    from piimask.keys.cli import PLACEHOLDER_MARK

    secret = template["Resources"]["KeyringSecret"]["Properties"]
    assert json.loads(secret["SecretString"]) == {PLACEHOLDER_MARK: True}
    assert secret["KmsKeyId"] == {"Ref": "DataKey"}


def test_the_job_loads_the_jar_that_jvm_build_names(template):
    # deploy uploads jvm/build.sh's jar under jars/<its file name>; the stack must point at the same
    pom = (TEMPLATE.parents[1] / "jvm" / "pom.xml").read_text(encoding="utf-8")
    version = pom.split("<artifactId>piimask-spark</artifactId>", 1)[1].split("<version>", 1)[1]
    version = version.split("</version>", 1)[0]
    jars = template["Resources"]["GlueJob"]["Properties"]["DefaultArguments"]["--extra-jars"]["Fn::Sub"]
    assert jars.endswith(f"/jars/piimask-spark-{version}.jar")


def test_the_cascade_ships_spacy_and_its_model_but_not_what_glue_has(rubric):
    from piimask.aws.modules import GLUE_PROVIDES, needs_ner, ner_pins

    pins = ner_pins(TEMPLATE.parents[1])
    assert needs_ner(rubric)
    assert any(p.startswith("spacy==") for p in pins) and any(p.startswith("en-core-web-sm") for p in pins)
    assert all("==" in p for p in pins)  # exact versions: the job installs what was measured
    assert not [p for p in pins if p.split("==")[0] in GLUE_PROVIDES]


def test_databrew_secrets_have_the_names_the_recipe_and_the_docs_use(template):
    import re

    from piimask.aws.recipe import DEFAULT_HASH_SECRET, DEFAULT_TOKEN_SECRET

    params = template["Parameters"]
    for logical, default in (
        ("DataBrewHashSecret", DEFAULT_HASH_SECRET),
        ("DataBrewTokenSecret", DEFAULT_TOKEN_SECRET),
    ):
        name = template["Resources"][logical]["Properties"]["Name"]
        assert params[name["Ref"]]["Default"] == default
    docs = (ROOT / "docs" / "aws.md").read_text(encoding="utf-8")
    used = set(re.findall(r"put-secret-value --secret-id (\S+)", docs))
    assert used == {DEFAULT_HASH_SECRET, DEFAULT_TOKEN_SECRET}
