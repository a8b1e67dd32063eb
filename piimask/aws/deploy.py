"""`pii-mask deploy`: ship the wheel, the Glue script and rubric.yaml to S3, create or update the
Glue 5.1 job, and create, update and publish the DataBrew recipe, all with boto3.

Idempotent: uploads whose content digest is unchanged are skipped, an identical job definition
is left alone (no update_job call), and an unchanged recipe is neither updated nor re-published.
The job names its keyring by reference (``--keyring secretsmanager:ID``); key material never
travels as a job argument and nothing printed here contains any.
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from piimask.aws.modules import glue_wheels, needs_ner
from piimask.aws.recipe import DEFAULT_HASH_SECRET, DEFAULT_TOKEN_SECRET, build_recipe
from piimask.errors import Refused, UsageError
from piimask.keys.keyring import parse_ref
from piimask.rubric import load_rubric

__all__ = [
    "DeployError",
    "DeployRefused",
    "Plan",
    "add_arguments",
    "build_jar",
    "build_wheel",
    "deploy",
    "job_definition",
    "job_update",
    "main",
]

ROOT = Path(__file__).resolve().parents[2]
DIGEST_KEY = "piimask-sha256"  # S3 user metadata holding the content digest of an upload


class DeployError(UsageError):
    """A deploy step failed; the message names the step and the AWS error code, never a value."""


class DeployRefused(Refused):
    """The deployment would be unsafe as asked (for example a file: keyring on Glue): exit 1."""


@dataclass
class Plan:
    bucket: str
    job_name: str
    role_arn: str
    keyring: str
    prefix: str = "piimask"
    rubric: Path = ROOT / "rubric.yaml"
    script: Path = ROOT / "glue" / "pii_masking_job.py"
    wheel: Path | None = None
    jar: Path | None = None
    warehouse: str | None = None  # s3:// folder of the Iceberg catalog `lake` (default: beside --output)
    input: str | None = None
    output: str | None = None
    quarantine: str | None = None
    vault: str | None = None
    worker_type: str = "G.1X"
    workers: int = 2
    timeout: int = 120
    recipe_name: str | None = None
    hash_secret: str = DEFAULT_HASH_SECRET
    token_secret: str = DEFAULT_TOKEN_SECRET
    region: str | None = None
    changes: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def key(self, *parts: str) -> str:
        return "/".join([self.prefix.strip("/"), *parts]) if self.prefix.strip("/") else "/".join(parts)

    def url(self, *parts: str) -> str:
        return f"s3://{self.bucket}/{self.key(*parts)}"


def _code(exc: Exception) -> str:
    return getattr(exc, "response", {}).get("Error", {}).get("Code", type(exc).__name__)


def build_wheel(out_dir: Path, root: Path = ROOT) -> Path:
    """The kit's wheel, built by the project's own PEP 517 backend (pyproject.toml's
    ``[build-system]``) through ``pip wheel``, in an isolated build environment.

    It builds from a clean copy of pyproject.toml and the package: setuptools keeps a ``build/``
    folder in the source tree and would carry a deleted module from it into the wheel.
    ``SOURCE_DATE_EPOCH`` fixes the zip timestamps, so an unchanged tree gives the same digest.
    """
    import os
    import shutil
    import subprocess
    import sys

    with tempfile.TemporaryDirectory(prefix="piimask-wheel-") as tmp:
        src, dist = Path(tmp) / "src", Path(tmp) / "dist"
        src.mkdir()
        try:
            shutil.copy2(root / "pyproject.toml", src / "pyproject.toml")
            shutil.copytree(
                root / "piimask", src / "piimask", ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
            )
        except OSError as exc:
            raise DeployError(
                f"cannot copy the sources from {root} to build the wheel ({type(exc).__name__})."
            ) from None
        done = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "--wheel-dir", str(dist), str(src)],
            capture_output=True,
            text=True,
            env={**os.environ, "SOURCE_DATE_EPOCH": "315532800", "PIP_NO_INPUT": "1"},
        )
        wheels = sorted(dist.glob("*.whl"))
        if done.returncode != 0 or len(wheels) != 1:
            raise DeployError(
                f"building the wheel with the project's build backend failed (pip wheel exit "
                f"{done.returncode}); run `pip wheel --no-deps {root}` to see why, or pass --wheel."
            )
        out_dir.mkdir(parents=True, exist_ok=True)
        wheel = out_dir / wheels[0].name
        shutil.copy2(wheels[0], wheel)
    return wheel


def content_digest(path: Path) -> str:
    """sha256 of a file; for a wheel, of its member names and bytes (zip timestamps ignored)."""
    h = hashlib.sha256()
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as zf:
            for name in sorted(zf.namelist()):
                h.update(name.encode() + b"\0" + hashlib.sha256(zf.read(name)).digest())
        return h.hexdigest()
    h.update(path.read_bytes())
    return h.hexdigest()


def upload(s3, plan: Plan, path: Path, key: str) -> str:
    """Put ``path`` at ``key`` unless the object there already has the same content digest."""
    from botocore.exceptions import ClientError

    digest = content_digest(path)
    url = f"s3://{plan.bucket}/{key}"
    try:
        head = s3.head_object(Bucket=plan.bucket, Key=key)
        if head.get("Metadata", {}).get(DIGEST_KEY) == digest:
            plan.unchanged.append(f"unchanged {url}")
            return url
    except ClientError as exc:
        if _code(exc) not in ("404", "NoSuchKey", "NotFound"):
            raise DeployError(
                f"cannot read {url} ({_code(exc)}); check the bucket and the "
                "caller's s3:GetObject permission."
            ) from None
    try:
        with path.open("rb") as fh:
            s3.put_object(Bucket=plan.bucket, Key=key, Body=fh, Metadata={DIGEST_KEY: digest})
    except ClientError as exc:
        raise DeployError(
            f"cannot upload {url} ({_code(exc)}); check the caller's "
            "s3:PutObject permission and the bucket's KMS key policy."
        ) from None
    plan.changes.append(f"uploaded {url}")
    return url


def build_jar(root: Path = ROOT) -> Path:
    """The piimask-spark jar, built by jvm/build.sh (from its cache when the sources are unchanged)."""
    import subprocess

    script = root / "jvm" / "build.sh"
    if not script.is_file():
        raise DeployError("no jvm/build.sh beside the kit to build the piimask-spark jar; pass --jar.")
    done = subprocess.run([str(script)], capture_output=True, text=True, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        raise DeployError(
            "jvm/build.sh could not build the piimask-spark jar (needs a JDK and Maven); pass --jar."
        )
    return Path(done.stdout.strip().splitlines()[-1])


def iceberg_conf(plan: Plan) -> str | None:
    """Glue's one ``--conf`` argument carrying the Iceberg catalog ``lake`` on the Glue Data Catalog
    (Glue takes further settings chained as `` --conf k=v`` inside its value); None when neither
    ``--warehouse`` nor ``--output`` says where its warehouse is (the job's value is then kept)."""
    warehouse = plan.warehouse
    if not warehouse and plan.output:
        warehouse = f"s3://{plan.output.removeprefix('s3://').split('/', 1)[0]}/warehouse/"
    if not warehouse:
        return None
    settings = [
        "spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
        "spark.sql.catalog.lake=org.apache.iceberg.spark.SparkCatalog",
        "spark.sql.catalog.lake.type=glue",
        f"spark.sql.catalog.lake.warehouse={warehouse}",
        "spark.sql.catalog.lake.cache-enabled=false",
    ]
    return " --conf ".join(settings)


def job_definition(
    plan: Plan,
    script_url: str,
    wheel_url: str,
    rubric_url: str,
    jar_url: str,
    extra_modules: Sequence[str] = (),
) -> dict:
    """The Glue CreateJob request. Arguments carry a keyring reference, never key material;
    ``extra_modules`` are the S3 URLs of the wheels the rubric needs beyond the kit's (modules.py)."""
    args = {
        "--extra-jars": jar_url,  # piimask-spark: the free-text engine and the HMAC functions
        "--datalake-formats": "iceberg",
        "--job-language": "python",
        "--keyring": plan.keyring,
        "--rubric": "rubric.yaml",  # --extra-files copies it into the script's working directory
        "--extra-files": rubric_url,
        "--additional-python-modules": ",".join([wheel_url, "PyYAML>=6.0", *extra_modules]),
        "--python-modules-installer-option": "--no-deps",  # keep Glue's own pyspark
        "--enable-metrics": "true",
        # Glue 5 logs continuously by itself; these add its observability metrics, the Spark
        # UI's event logs, and the log group the stack's metric filters read
        "--enable-observability-metrics": "true",
        "--enable-spark-ui": "true",
        "--spark-event-logs-path": f"s3://{plan.bucket}/{plan.key('spark-ui')}/",
        "--continuous-log-logGroup": f"/aws-glue/jobs/piimask-{plan.job_name}",
        "--piimask-debug": "false",  # "true": an internal error shows its traceback
    }
    conf = iceberg_conf(plan)
    if conf:
        args["--conf"] = conf
    for name in ("input", "output", "quarantine", "vault"):
        value = getattr(plan, name)
        if value:
            args[f"--{name}"] = value
    return {
        "Name": plan.job_name,
        "Description": "piimask: mask tool telemetry according to rubric.yaml",
        "Role": plan.role_arn,
        "Command": {"Name": "glueetl", "ScriptLocation": script_url, "PythonVersion": "3"},
        "DefaultArguments": args,
        "GlueVersion": "5.1",
        "WorkerType": plan.worker_type,
        "NumberOfWorkers": plan.workers,
        "Timeout": plan.timeout,
        "MaxRetries": 0,
        "ExecutionProperty": {"MaxConcurrentRuns": 1},
    }


def _differs(existing: dict, wanted: dict) -> list[str]:
    """Fields of ``wanted`` that the existing job does not match (Command compared by its keys)."""
    changed = []
    for key, value in wanted.items():
        if key == "Name":
            continue
        have = existing.get(key)
        if isinstance(value, dict) and isinstance(have, dict) and key == "Command":
            have = {k: have.get(k) for k in value}
        if have != value:
            changed.append(key)
    return changed


# What GetJob returns that UpdateJob accepts. Glue's UpdateJob *replaces* the job definition:
# every field not sent is reset to its default, so a partial update would wipe what a platform
# team (or the stack) set: security configuration, connections, notification, tags' siblings...
UPDATABLE_JOB_FIELDS = (
    "JobMode",
    "JobRunQueuingEnabled",
    "Description",
    "LogUri",
    "Role",
    "ExecutionProperty",
    "Command",
    "DefaultArguments",
    "NonOverridableArguments",
    "Connections",
    "MaxRetries",
    "Timeout",
    "MaxCapacity",
    "WorkerType",
    "NumberOfWorkers",
    "SecurityConfiguration",
    "NotificationProperty",
    "GlueVersion",
    "CodeGenConfigurationNodes",
    "ExecutionClass",
    "SourceControlDetails",
    "MaintenanceWindow",
)


def job_update(existing: dict, definition: dict) -> dict:
    """The full JobUpdate: the existing job's definition with deploy's fields laid over it."""
    update = {k: existing[k] for k in UPDATABLE_JOB_FIELDS if existing.get(k) not in (None, {}, [])}
    update.update({k: v for k, v in definition.items() if k != "Name"})
    if update.get("WorkerType"):  # Glue refuses MaxCapacity beside a worker type (GetJob returns both)
        update.pop("MaxCapacity", None)
    return update


def ensure_job(glue, plan: Plan, definition: dict) -> None:
    from botocore.exceptions import ClientError

    try:
        existing = glue.get_job(JobName=plan.job_name)["Job"]
    except ClientError as exc:
        if _code(exc) != "EntityNotFoundException":
            raise DeployError(f"cannot read Glue job {plan.job_name} ({_code(exc)}).") from None
        existing = None
    if existing is None:
        try:
            glue.create_job(**definition)
        except ClientError as exc:
            raise DeployError(
                f"Glue refused create_job for {plan.job_name} ({_code(exc)}); "
                "check iam:PassRole on the job role."
            ) from None
        plan.changes.append(f"created Glue job {plan.job_name}")
        return
    # arguments deploy was not asked to set (e.g. --input from the stack) are kept as they are
    merged = {**(existing.get("DefaultArguments") or {}), **definition["DefaultArguments"]}
    definition = dict(definition, DefaultArguments=merged)
    changed = _differs(existing, definition)
    if not changed:
        plan.unchanged.append(f"unchanged Glue job {plan.job_name}")
        return
    update = job_update(existing, definition)
    try:
        glue.update_job(JobName=plan.job_name, JobUpdate=update)
    except ClientError as exc:
        raise DeployError(
            f"Glue refused update_job for {plan.job_name} ({_code(exc)}); the job differs in "
            f"{', '.join(changed)} and was left as it was. Uploads already made stay in place."
        ) from None
    plan.changes.append(f"updated Glue job {plan.job_name} ({', '.join(changed)})")


def ensure_recipe(databrew, plan: Plan, steps: list[dict]) -> None:
    from botocore.exceptions import ClientError

    name = plan.recipe_name
    published = working = None
    try:
        published = databrew.describe_recipe(Name=name, RecipeVersion="LATEST_PUBLISHED")
    except ClientError as exc:
        if _code(exc) != "ResourceNotFoundException":
            raise DeployError(f"cannot read DataBrew recipe {name} ({_code(exc)}).") from None
    if published is not None and published.get("Steps") == steps:
        plan.unchanged.append(f"unchanged DataBrew recipe {name}")
        return
    try:
        working = databrew.describe_recipe(Name=name, RecipeVersion="LATEST_WORKING")
    except ClientError as exc:
        if _code(exc) != "ResourceNotFoundException":
            raise DeployError(f"cannot read DataBrew recipe {name} ({_code(exc)}).") from None
    try:
        if working is None:
            databrew.create_recipe(Name=name, Steps=steps, Description="piimask: generated from rubric.yaml")
            action = "created"
        elif working.get("Steps") != steps:
            databrew.update_recipe(Name=name, Steps=steps, Description="piimask: generated from rubric.yaml")
            action = "updated"
        else:
            action = "re-published"
        databrew.publish_recipe(Name=name, Description="piimask deploy")
    except ClientError as exc:
        raise DeployError(f"DataBrew refused the recipe {name} ({_code(exc)}).") from None
    plan.changes.append(f"{action} and published DataBrew recipe {name}")


def deploy(plan: Plan, session=None) -> Plan:
    """Run the deploy; ``plan.changes`` and ``plan.unchanged`` say what happened."""
    try:
        import boto3
    except ImportError:
        raise DeployError(
            "deploy needs boto3; install the kit with its aws extra (pip install 'piimask[aws]')."
        ) from None
    ref = parse_ref(plan.keyring)
    if ref.scheme != "secretsmanager":
        raise DeployRefused(
            f"a Glue job needs a secretsmanager: keyring, not {ref.scheme}:; "
            "create one with `pii-mask keys init --keyring secretsmanager:ID`."
        )
    if not plan.script.is_file():
        raise DeployError(f"the Glue script {plan.script} does not exist; pass --script.")
    rubric = load_rubric(plan.rubric)
    plan.recipe_name = plan.recipe_name or f"piimask-{rubric.dataset}".replace("_", "-")
    from botocore.config import Config

    session = session or boto3.session.Session(region_name=plan.region)
    config = Config(retries={"mode": "standard", "max_attempts": 3})
    s3, glue, databrew = (session.client(s, config=config) for s in ("s3", "glue", "databrew"))

    with tempfile.TemporaryDirectory() as tmp:
        wheel = plan.wheel or build_wheel(Path(tmp))
        wheel_url = upload(s3, plan, wheel, plan.key("wheels", wheel.name))
        jar = plan.jar or build_jar()
        jar_url = upload(s3, plan, jar, plan.key("jars", jar.name))
        extra = [
            upload(s3, plan, w, plan.key("wheels", w.name))
            for w in (glue_wheels(ROOT) if needs_ner(rubric) else [])
        ]
        script_url = upload(s3, plan, plan.script, plan.key("scripts", plan.script.name))
        rubric_url = upload(s3, plan, plan.rubric, plan.key("config", "rubric.yaml"))
    ensure_job(glue, plan, job_definition(plan, script_url, wheel_url, rubric_url, jar_url, extra))
    ensure_recipe(databrew, plan, build_recipe(rubric, plan.hash_secret, plan.token_secret))
    return plan


def add_arguments(parser: argparse.ArgumentParser) -> None:
    a = parser.add_argument
    a("--bucket", required=True, help="artifacts bucket for the wheel, script and rubric")
    a("--job-name", required=True, help="Glue job name")
    a("--role-arn", required=True, help="IAM role the Glue job runs as")
    a("--keyring", required=True, help="secretsmanager:SECRET_ID (a reference, never keys)")
    a("--region", help="AWS region (default: the SDK's)")
    a("--prefix", default="piimask", help="key prefix in the artifacts bucket")
    a("--rubric", default=str(ROOT / "rubric.yaml"), help="path to rubric.yaml")
    a("--script", default=str(ROOT / "glue" / "pii_masking_job.py"), help="Glue job script")
    a("--wheel", help="use this wheel instead of building one")
    a("--jar", help="use this piimask-spark jar instead of jvm/build.sh's")
    a(
        "--warehouse",
        help="s3:// folder of the Iceberg catalog lake (default: s3://<output bucket>/warehouse/)",
    )
    a("--input", help="s3:// input the job reads")
    a("--output", help="s3:// masked output")
    a("--quarantine", help="s3:// quarantine (raw zone)")
    a("--vault", help="s3:// token vault (raw zone)")
    a("--worker-type", default="G.1X", help="Glue worker type (default G.1X)")
    a("--workers", type=int, default=2, help="number of workers (default 2)")
    a("--timeout", type=int, default=120, help="job timeout in minutes (default 120)")
    a("--recipe-name", help="DataBrew recipe name (default piimask-<dataset>)")
    a("--databrew-secret-id", default=DEFAULT_HASH_SECRET, help="secret for CRYPTOGRAPHIC_HASH")
    a("--databrew-token-secret-id", default=DEFAULT_TOKEN_SECRET, help="secret for DETERMINISTIC_ENCRYPT")


def main(args: argparse.Namespace) -> int:
    plan = Plan(
        bucket=args.bucket,
        job_name=args.job_name,
        role_arn=args.role_arn,
        keyring=args.keyring,
        prefix=args.prefix,
        rubric=Path(args.rubric),
        script=Path(args.script),
        wheel=Path(args.wheel) if args.wheel else None,
        jar=Path(args.jar) if args.jar else None,
        warehouse=args.warehouse,
        input=args.input,
        output=args.output,
        quarantine=args.quarantine,
        vault=args.vault,
        worker_type=args.worker_type,
        workers=args.workers,
        timeout=args.timeout,
        recipe_name=args.recipe_name,
        hash_secret=args.databrew_secret_id,
        token_secret=args.databrew_token_secret_id,
        region=args.region,
    )
    deploy(plan)
    for line in plan.changes + plan.unchanged:
        print(line)
    print(f"{len(plan.changes)} change(s)" if plan.changes else "no changes: everything is up to date")
    return 0
