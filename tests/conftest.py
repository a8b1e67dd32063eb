"""One session-scoped local[2] SparkSession for the whole suite (UI off, few partitions)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
os.environ["PYSPARK_PYTHON"] = sys.executable
os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable


@pytest.fixture(scope="session")
def piimask_jar():
    """The piimask-spark jar built by jvm/build.sh (cached by the hash of its sources), or None when
    it cannot be built here (no Maven or JDK): the tests that need it then skip."""
    import subprocess

    try:
        done = subprocess.run(
            [str(ROOT / "jvm" / "build.sh")], capture_output=True, text=True, timeout=900, check=True
        )
    except (OSError, subprocess.SubprocessError) as exc:
        print(f"piimask-spark jar not built: {exc}", file=sys.stderr)
        return None
    jar = done.stdout.strip().splitlines()[-1]
    return jar if Path(jar).is_file() else None


@pytest.fixture(scope="session")
def spark(piimask_jar):
    from piimask.session import get_spark

    if piimask_jar:  # on the class path from the start: the engine's Java UDFs need it
        args = os.environ.get("PYSPARK_SUBMIT_ARGS", "pyspark-shell").replace("pyspark-shell", "").strip()
        os.environ["PYSPARK_SUBMIT_ARGS"] = f"{args} --jars {piimask_jar} pyspark-shell".strip()
    session = get_spark("piimask-tests", master="local[2]", shuffle_partitions=2)
    yield session
    session.stop()


@pytest.fixture(scope="session")
def rubric():
    from piimask.rubric import load_rubric

    return load_rubric(ROOT / "rubric.yaml")
