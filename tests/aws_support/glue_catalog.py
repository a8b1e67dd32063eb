"""The Iceberg catalog ``lake`` on the Glue Data Catalog, configured as deploy/template.yaml
configures the Glue job, pointed at moto's server; and a kit command run in a process of its own
with it, as one principal (the job through its Glue entry, ``pii-mask verify``, ``pii-mask erase``).

Why a process per command: on Glue every job run starts a fresh JVM with the job's ``--conf``, and
Spark keeps a catalog it has loaded for the life of the session: the tests' shared session
already names ``lake`` as a file-based catalog. The process gets the template's ``--conf``
settings as spark-submit options (``PYSPARK_SUBMIT_ARGS``), exactly as written, plus only what
points the catalog at moto (``moto_overrides``). Its credentials come from the environment, as
on a Glue worker: Iceberg's clients (AWS SDK v2: GlueCatalog, and S3FileIO, the catalog's default
FileIO, which the template does not change) and S3A (the raw zone, the audit record, orphan-file
listing) read them there and from ``spark_conf``'s settings.

``python -m aws_support.glue_catalog SPEC`` with ``tests/`` on the path; SPEC is ``spec``'s JSON.
With ``"command": "serve"`` the process runs the commands it reads from stdin instead
(aws_support.catalog_worker).
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

from .server import REGION, Creds
from .tls import Tls

__all__ = [
    "catalog_settings",
    "moto_overrides",
    "process",
    "run_in_catalog_process",
    "start_in_catalog_process",
]

TESTS = Path(__file__).resolve().parents[1]
CATALOG = "lake"


def catalog_settings(job_conf: str) -> dict[str, str]:
    """The Glue job's ``--conf`` value as settings: Glue passes it to spark-submit as one
    ``--conf``, so further settings are chained inside it as `` --conf k=v``."""
    settings = {}
    for part in job_conf.split(" --conf "):
        key, sep, value = part.strip().partition("=")
        assert sep and key.startswith("spark."), f"not a Spark setting in the job's --conf: {part!r}"
        settings[key] = value
    return settings


def moto_overrides(endpoint: str, catalog: str = CATALOG) -> dict[str, str]:
    """The only settings added to the template's: where Glue and S3 answer (moto's server, over
    HTTPS), and path-style S3 addressing (moto serves every bucket on one host)."""
    prefix = f"spark.sql.catalog.{catalog}"
    return {
        f"{prefix}.glue.endpoint": endpoint,
        f"{prefix}.s3.endpoint": endpoint,
        f"{prefix}.s3.path-style-access": "true",
    }


def process(creds: Creds, tls: Tls, settings: dict[str, str], command: str, argv: list[str], extra_env):
    """(argv, environment) of the process that runs ``command`` as ``creds``."""
    env = {**os.environ, **creds.environment(), "AWS_REGION": REGION, **(extra_env or {})}
    env.pop("PIIMASK_WAREHOUSE", None)  # that would make `lake` a local file-based catalog
    env.pop("AWS_PROFILE", None)
    env.pop("AWS_SESSION_TOKEN", None)
    # the JVM's C2 compiler stays off as in every JVM of the suite: piimask.session appends
    # PIIMASK_EXTRA_JAVA_OPTIONS, which tests/conftest.py sets and this environment inherits
    submit = [arg for key, value in settings.items() for arg in ("--conf", f"{key}={value}")]
    env["PYSPARK_SUBMIT_ARGS"] = shlex.join([*submit, "pyspark-shell"])
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), str(TESTS.parent), env.get("PYTHONPATH", "")])
    spec = json.dumps({"creds": creds.__dict__, "tls": tls.__dict__, "command": command, "argv": argv})
    return [sys.executable, "-m", "aws_support.glue_catalog", spec], env


def run_in_catalog_process(
    creds: Creds, tls: Tls, settings: dict[str, str], command: str, argv: list[str]
) -> subprocess.CompletedProcess:
    """Run ``command`` ("job": the Glue entry with ``argv`` as the job's arguments; "cli":
    ``pii-mask`` ``argv``) in a fresh process as ``creds``; its exit code is the command's."""
    args, env = process(creds, tls, settings, command, argv, None)
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=900)


def start_in_catalog_process(
    creds: Creds, tls: Tls, settings: dict[str, str], command: str, argv: list[str], extra_env: dict
) -> subprocess.Popen:
    """The same process, started and not waited for (a test kills it), output merged."""
    args, env = process(creds, tls, settings, command, argv, extra_env)
    return subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _start(doc: dict) -> None:
    from piimask.session import get_spark

    from .spark_conf import point_s3a

    spark = get_spark("piimask-glue-catalog", master="local[2]", shuffle_partitions=2)
    point_s3a(spark, Creds(**doc["creds"]), Tls(**doc["tls"]))  # trusts moto's certificate too


def _command(command: str, argv: list[str]) -> int:
    if command == "job":
        from piimask.aws.glue_entry import main as glue_main

        return glue_main(["pii_masking_job.py", *argv])
    from piimask.cli import main as cli_main

    return cli_main(argv)


def main(argv: list[str]) -> int:
    doc = json.loads(argv[0])
    if doc["command"] == "serve":  # aws_support.catalog_worker: commands read from stdin
        from .catalog_worker import serve

        return serve(lambda: _start(doc), _command)
    _start(doc)
    return _command(doc["command"], doc["argv"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
