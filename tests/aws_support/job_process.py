"""Run the job in a process of its own on ``s3://`` through S3A, as one principal, so a test can
kill it (``piimask.storage.fs.KILL_ENV``) and look at what the kill left.

``python -m aws_support.job_process SPEC`` with ``tests/`` on the path; SPEC is the JSON of
``spec``. The principal's credentials come from the environment (``Creds.environment``), as on a
Glue worker, and the S3A settings are ``spark_conf``'s, so the process sees exactly what the
test's own session sees.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .server import Creds
from .tls import Tls

__all__ = ["run_job_process", "spec"]

TESTS = Path(__file__).resolve().parents[1]


def spec(creds: Creds, tls: Tls, options: list[str]) -> str:
    return json.dumps({"creds": creds.__dict__, "tls": tls.__dict__, "options": options})


def run_job_process(
    creds: Creds, tls: Tls, options: list[str], env: dict[str, str]
) -> subprocess.CompletedProcess:
    """The finished process (``returncode`` negative: killed by that signal)."""
    environment = {**os.environ, **creds.environment(), **env}
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(TESTS), str(TESTS.parent), environment.get("PYTHONPATH", "")]
    )
    done = subprocess.run(
        [sys.executable, "-m", "aws_support.job_process", spec(creds, tls, options)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return done


def main(argv: list[str]) -> int:
    from piimask.job import RunOptions, run
    from piimask.session import get_spark

    from .spark_conf import point_s3a

    doc = json.loads(argv[0])
    spark = get_spark("piimask-job-process", master="local[2]", shuffle_partitions=2)
    point_s3a(spark, Creds(**doc["creds"]), Tls(**doc["tls"]))
    run(spark, RunOptions(*doc["options"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
